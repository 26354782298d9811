package dev.rehearsal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.catalog.SchemaChange.Kind;
import dev.rehearsal.catalog.SchemaChange.ObjectType;
import dev.rehearsal.catalog.Table.Constraint;
import dev.rehearsal.catalog.Table.Index;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scenarios on PostgreSQL 18 and those whose catalog differs by version (see {@link OnEveryMajor}), in the build's
 * matrix, on each of 14 to 17 — before 18 there are no NOT NULL constraints in {@code pg_constraint}, and before 16
 * view definitions qualify their columns — and then one schema on 18 and 15, side by side.
 */
class CatalogDiffIT {
    private static final String[] SHOP = {
            "CREATE TYPE mood AS ENUM ('sad', 'happy')",
            "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, phone text, mood mood, "
                    + "score int DEFAULT 0, CONSTRAINT score_positive CHECK (score >= 0))",
            "CREATE INDEX customers_email ON customers (email) WHERE email <> ''",
            "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "customer int REFERENCES customers, price int, quantity int, "
                    + "total int GENERATED ALWAYS AS (price * quantity) STORED)",
            "INSERT INTO customers SELECT i, 'c' || i || '@example.com', NULL, 'happy', i "
                    + "FROM generate_series(1, 50) i",
            "INSERT INTO orders (customer, price, quantity) SELECT i, i, 2 FROM generate_series(1, 50) i",
            "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 10",
            "CREATE MATERIALIZED VIEW order_totals AS SELECT customer, sum(total) FROM orders GROUP BY customer",
            "CREATE SEQUENCE invoice_numbers AS integer",
            "CREATE FUNCTION discount(customer int) RETURNS int LANGUAGE sql AS 'SELECT 5'",
            "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
            "CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch()"};

    /** Every scenario, run on one server. */
    abstract static class Scenarios {
        @RegisterExtension
        final TestDatabases databases;
        private final TestPostgres postgres;
        private final int majorVersion;
        /** The views of {@link #SHOP} as {@code pg_get_viewdef} writes them (columns qualified before 16). */
        private final String bigOrders;
        private final String orderTotals;

        Scenarios(TestPostgres postgres, int majorVersion) {
            this.databases = new TestDatabases(postgres);
            this.postgres = postgres;
            this.majorVersion = majorVersion;
            bigOrders = majorVersion >= 16 ? "SELECT id, total FROM orders WHERE (total > 10);"
                    : "SELECT orders.id, orders.total FROM orders WHERE (orders.total > 10);";
            orderTotals = majorVersion >= 16 ? "SELECT customer, sum(total) AS sum FROM orders GROUP BY customer;"
                    : "SELECT orders.customer, sum(orders.total) AS sum FROM orders GROUP BY orders.customer;";
        }

        @Test
        @OnEveryMajor
        void runsOnTheIntendedMajorVersion() throws SQLException {
            CatalogSnapshot snapshot = snapshot(databases.create("version"));

            assertThat(snapshot.serverVersion() / 10000).isEqualTo(majorVersion);
        }

        @Test
        @OnEveryMajor
        void findsNoChangeBetweenSnapshotsOfAnUnchangedDatabase() throws SQLException {
            String database = databases.create("unchanged", SHOP);

            CatalogSnapshot first = snapshot(database);
            CatalogSnapshot second = snapshot(database);

            assertThat(CatalogDiff.between(first, second)).isEmpty();
            assertThat(second.tables()).isEqualTo(first.tables());
        }

        @Test
        void reportsTablesAddedRemovedRenamedMovedAndRecreated() throws SQLException {
            List<String> changes = diff(SHOP,
                    "CREATE TABLE invoices (id int NOT NULL, note text)",
                    "DROP TABLE orders CASCADE",
                    "ALTER TABLE customers RENAME TO clients",
                    "CREATE SCHEMA archive",
                    "CREATE TABLE old_invoices (id int)",
                    "ALTER TABLE old_invoices SET SCHEMA archive",
                    "DROP MATERIALIZED VIEW IF EXISTS order_totals");

            assertThat(changes).containsExactly(
                    "schema archive: added",
                    "table archive.old_invoices: added (id integer)",
                    "table public.clients: renamed from public.customers",
                    "table public.invoices: added (id integer not null, note text)",
                    "table public.orders: removed (id bigint not null generated always as identity, "
                            + "customer integer, price integer, quantity integer, "
                            + "total integer generated always as (price * quantity))",
                    "view public.big_orders: removed (" + bigOrders + ")",
                    "materialized view public.order_totals: removed (" + orderTotals + ")",
                    "sequence public.orders_id_seq: removed (type bigint)");
        }

        @Test
        void reportsATableDroppedAndCreatedAgainUnderItsNameAsRemovedAndAdded() throws SQLException {
            List<String> changes = diff(new String[] {"CREATE TABLE notes (id int)"},
                    "DROP TABLE notes", "CREATE TABLE notes (id int)");

            assertThat(changes).containsExactly("table public.notes: removed (id integer)",
                    "table public.notes: added (id integer)");
        }

        @Test
        void reportsColumnsAddedRemovedRenamedRetypedAndChangedAsOneEntryEach() throws SQLException {
            List<String> changes = diff(SHOP,
                    "ALTER TABLE customers RENAME COLUMN email TO mail",
                    "ALTER TABLE customers ALTER COLUMN phone TYPE varchar(30)",
                    "ALTER TABLE customers ALTER COLUMN score SET DEFAULT 10",
                    "ALTER TABLE customers ALTER COLUMN score TYPE bigint",
                    "UPDATE customers SET phone = ''",
                    "ALTER TABLE customers ALTER COLUMN phone SET NOT NULL",
                    "ALTER TABLE customers DROP COLUMN mood",
                    "ALTER TABLE customers ADD COLUMN mood text NOT NULL DEFAULT 'ok'",
                    "ALTER TABLE orders ALTER COLUMN id SET GENERATED BY DEFAULT");

            assertThat(changes).filteredOn(change -> change.startsWith("column ")).containsExactly(
                    "column public.customers.mail: renamed from public.customers.email",
                    "column public.customers.phone: type text, nullable -> type character varying(30), not null",
                    "column public.customers.mood: removed (mood)",
                    "column public.customers.score: type integer, default 0 -> type bigint, default 10",
                    "column public.customers.mood: added (text not null default 'ok'::text)",
                    "column public.orders.id: identity always -> identity by default");
        }

        @Test
        @OnEveryMajor
        void setAndDropNotNullAreColumnChangesOnEveryVersionAndNotNullConstraintsFrom18() throws SQLException {
            List<String> changes = diff(SHOP,
                    "ALTER TABLE customers ALTER COLUMN email DROP NOT NULL",
                    "UPDATE customers SET phone = 'none'",
                    "ALTER TABLE customers ALTER COLUMN phone SET NOT NULL");

            List<String> expected = new ArrayList<>(List.of(
                    "column public.customers.email: not null -> nullable",
                    "column public.customers.phone: nullable -> not null"));
            if (majorVersion >= 18) {
                expected.addAll(List.of(
                        "constraint public.customers.customers_email_not_null: removed (NOT NULL email)",
                        "constraint public.customers.customers_phone_not_null: added (NOT NULL phone)"));
            }
            assertThat(changes).containsExactlyInAnyOrderElementsOf(expected);
        }

        @Test
        void reportsNoDefinitionChangeForIndexesAndConstraintsWhoseTableOrColumnWasRenamed() throws SQLException {
            // the index on email, the check on score, the generated column on price, the foreign key to customers
            List<String> changes = diff(SHOP,
                    "ALTER TABLE customers RENAME COLUMN email TO mail",
                    "ALTER TABLE customers RENAME COLUMN score TO \"Score\"",
                    "ALTER TABLE customers RENAME TO clients",
                    "ALTER TABLE orders RENAME COLUMN price TO unit_price");

            assertThat(changes).containsExactly(
                    "table public.clients: renamed from public.customers",
                    "column public.clients.mail: renamed from public.customers.email",
                    "column public.clients.\"Score\": renamed from public.customers.score",
                    "column public.orders.unit_price: renamed from public.orders.price");
        }

        @Test
        @OnEveryMajor
        void reportsConstraintsAddedRemovedAndValidated() throws SQLException {
            List<String> changes = diff(SHOP,
                    "ALTER TABLE orders DROP CONSTRAINT orders_customer_fkey",
                    "ALTER TABLE orders ADD CONSTRAINT orders_customer FOREIGN KEY (customer) REFERENCES customers "
                            + "NOT VALID",
                    "ALTER TABLE orders ADD CONSTRAINT orders_price CHECK (price > 0) NOT VALID",
                    "ALTER TABLE orders VALIDATE CONSTRAINT orders_price",
                    "ALTER TABLE customers DROP CONSTRAINT score_positive",
                    "ALTER TABLE customers ADD CONSTRAINT score_positive CHECK (score > 0) NOT VALID");

            assertThat(changes).containsExactly(
                    "constraint public.customers.score_positive: CHECK ((score >= 0)), valid "
                            + "-> CHECK ((score > 0)), not valid",
                    "constraint public.orders.orders_customer: added (FOREIGN KEY (customer) "
                            + "REFERENCES customers(id) NOT VALID)",
                    "constraint public.orders.orders_customer_fkey: removed (FOREIGN KEY (customer) "
                            + "REFERENCES customers(id))",
                    "constraint public.orders.orders_price: added (CHECK ((price > 0)))");
        }

        @Test
        @OnEveryMajor
        void reportsAConstraintValidatedLaterAsChanged() throws SQLException {
            String[] before = concat(SHOP,
                    "ALTER TABLE orders ADD CONSTRAINT orders_price CHECK (price > 0) NOT VALID");

            List<String> changes = diff(before, "ALTER TABLE orders VALIDATE CONSTRAINT orders_price");

            assertThat(changes).containsExactly("constraint public.orders.orders_price: not valid -> valid");
        }

        @Test
        @OnEveryMajor
        void reportsIndexesAddedRemovedRenamedAndLeftInvalidButNotRebuilt() throws SQLException {
            String database = databases.create("indexes", SHOP);
            CatalogSnapshot before = snapshot(database);
            postgres.execute(database,
                    "UPDATE customers SET phone = 'same'",
                    "ALTER INDEX customers_email RENAME TO customers_email_nonempty",
                    "CREATE INDEX orders_customer ON orders (customer)",
                    "DROP INDEX orders_customer",
                    "CREATE INDEX orders_customer ON orders (customer, id)",
                    "ALTER TABLE customers ALTER COLUMN id TYPE bigint",
                    "REINDEX TABLE orders");
            assertThatThrownBy(() -> postgres.execute(database,
                    "CREATE UNIQUE INDEX CONCURRENTLY customers_phone ON customers (phone)"))
                    .hasMessageContaining("could not create unique index");
            CatalogSnapshot after = snapshot(database);

            assertThat(describe(CatalogDiff.between(before, after))).containsExactly(
                    "column public.customers.id: type integer -> type bigint",
                    "index public.customers.customers_email_nonempty: renamed from public.customers.customers_email",
                    "index public.customers.customers_phone: added (CREATE UNIQUE INDEX customers_phone "
                            + "ON public.customers USING btree (phone), invalid)",
                    "index public.orders.orders_customer: added (CREATE INDEX orders_customer ON public.orders "
                            + "USING btree (customer, id))");
            // rebuilt in place, with a new file, or as a new index under the same name: no schema change
            Index ordersKey = before.table("public", "orders").orElseThrow().index("orders_pkey").orElseThrow();
            assertThat(after.indexByOid(ordersKey.oid()).orElseThrow().relfilenode())
                    .isNotEqualTo(ordersKey.relfilenode());
            Index customersKey = before.table("public", "customers").orElseThrow().index("customers_pkey")
                    .orElseThrow();
            assertThat(after.table("public", "customers").orElseThrow().index("customers_pkey").orElseThrow().oid())
                    .isNotEqualTo(customersKey.oid());
        }

        @Test
        void reportsAnInvalidIndexMadeValidAsChanged() throws SQLException {
            String database = databases.create("revalidated", SHOP);
            postgres.execute(database, "UPDATE customers SET phone = 'same'");
            assertThatThrownBy(() -> postgres.execute(database,
                    "CREATE UNIQUE INDEX CONCURRENTLY customers_phone ON customers (phone)"))
                    .hasMessageContaining("could not create unique index");
            CatalogSnapshot before = snapshot(database);
            postgres.execute(database, "UPDATE customers SET phone = id::text", "REINDEX INDEX customers_phone");

            assertThat(describe(CatalogDiff.between(before, snapshot(database))))
                    .containsExactly("index public.customers.customers_phone: invalid -> valid");
        }

        @Test
        @OnEveryMajor
        void reportsViewsChangedAddedAndRemoved() throws SQLException {
            List<String> changes = diff(SHOP,
                    "CREATE OR REPLACE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100",
                    "DROP MATERIALIZED VIEW order_totals",
                    "CREATE VIEW order_totals AS SELECT customer, sum(total) FROM orders GROUP BY customer",
                    "CREATE MATERIALIZED VIEW customer_count AS SELECT count(*) FROM customers");

            assertThat(changes).containsExactly(
                    "view public.big_orders: " + bigOrders + " -> " + bigOrders.replace("10", "100"),
                    "materialized view public.customer_count: added (SELECT count(*) AS count FROM customers;)",
                    "materialized view public.order_totals: removed (" + orderTotals + ")",
                    "view public.order_totals: added (" + orderTotals + ")");
        }

        @Test
        void reportsFunctionsChangedAddedAndRemoved() throws SQLException {
            List<String> changes = diff(SHOP,
                    "CREATE OR REPLACE FUNCTION discount(customer int) RETURNS int LANGUAGE sql AS 'SELECT 10'",
                    "CREATE FUNCTION discount(customer int, since date) RETURNS int LANGUAGE sql AS 'SELECT 1'",
                    "CREATE PROCEDURE archive() LANGUAGE sql AS 'SELECT 1'",
                    "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$");

            assertThat(changes).hasSize(3);
            assertThat(changes.get(0)).isEqualTo("function public.archive(): added (procedure)");
            assertThat(changes.get(1)).matches("function public\\.discount\\(customer integer\\): "
                    + "definition [0-9a-f]{12} -> definition [0-9a-f]{12}");
            assertThat(changes.get(2))
                    .isEqualTo("function public.discount(customer integer, since date): added (function)");
        }

        @Test
        void reportsEnumValuesAddedAndEnumTypesAddedAndRemoved() throws SQLException {
            List<String> changes = diff(SHOP,
                    "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'happy'",
                    "CREATE TYPE size AS ENUM ()",
                    "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'");

            assertThat(changes).containsExactly(
                    "enum type public.mood: ('sad', 'happy') -> ('blue', 'meh', 'happy')",
                    "enum type public.size: added (())");
        }

        @Test
        void reportsSequencesByDataTypeNotByLastValue() throws SQLException {
            List<String> changes = diff(SHOP,
                    "SELECT nextval('invoice_numbers')",
                    "ALTER SEQUENCE invoice_numbers AS bigint",
                    "CREATE SEQUENCE ticket_numbers",
                    "DROP VIEW big_orders",
                    "ALTER TABLE orders ALTER COLUMN id TYPE int");

            assertThat(changes).containsExactly(
                    "column public.orders.id: type bigint -> type integer",
                    "view public.big_orders: removed (" + bigOrders + ")",
                    "sequence public.invoice_numbers: type integer -> type bigint",
                    "sequence public.orders_id_seq: type bigint -> type integer",
                    "sequence public.ticket_numbers: added (type bigint)");
        }

        @Test
        void reportsTriggersAddedRemovedAndDisabled() throws SQLException {
            List<String> changes = diff(SHOP,
                    "ALTER TABLE customers DISABLE TRIGGER customers_touch",
                    "CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch()");

            assertThat(changes).containsExactly(
                    "trigger public.customers.customers_touch: enabled -> disabled",
                    "trigger public.orders.orders_touch: added (CREATE TRIGGER orders_touch BEFORE INSERT "
                            + "ON public.orders FOR EACH ROW EXECUTE FUNCTION touch())");
        }

        @Test
        @OnEveryMajor
        void aTableRewriteIsNoSchemaChangeButShowsInTheSnapshots() throws SQLException {
            String database = databases.create("rewrite", SHOP);
            CatalogSnapshot before = snapshot(database);
            postgres.execute(database, "VACUUM FULL customers");
            CatalogSnapshot after = snapshot(database);

            assertThat(CatalogDiff.between(before, after)).isEmpty();
            Table customers = before.table("public", "customers").orElseThrow();
            assertThat(after.tableByOid(customers.oid()).orElseThrow().relfilenode())
                    .isNotEqualTo(customers.relfilenode());
        }

        @Test
        void ignoresObjectsOfExtensions() throws SQLException {
            List<String> changes = diff(SHOP, "CREATE EXTENSION hstore", "CREATE EXTENSION pg_buffercache");

            assertThat(changes).isEmpty();
        }

        @Test
        void givesEachChangeItsObjectTypeKindAndNames() throws SQLException {
            String database = databases.create("records", SHOP);
            CatalogSnapshot before = snapshot(database);
            postgres.execute(database, "ALTER TABLE customers RENAME COLUMN email TO mail",
                    "ALTER TABLE customers ALTER COLUMN score TYPE bigint");

            assertThat(CatalogDiff.between(before, snapshot(database))).containsExactly(
                    new SchemaChange(ObjectType.COLUMN, "public.customers.mail", Kind.RENAMED,
                            "public.customers.email", "public.customers.mail"),
                    new SchemaChange(ObjectType.COLUMN, "public.customers.score", Kind.CHANGED,
                            "type integer", "type bigint"));
        }

        List<String> diff(String[] schema, String... migration) throws SQLException {
            String database = databases.create("diff", schema);
            CatalogSnapshot before = snapshot(database);
            postgres.execute(database, migration);
            return describe(CatalogDiff.between(before, snapshot(database)));
        }

        CatalogSnapshot snapshot(String database) throws SQLException {
            try (Connection connection = postgres.dataSource(database).getConnection()) {
                return CatalogSnapshot.take(connection, DataFacts.defaults());
            }
        }
    }

    /** On the shared server: PostgreSQL 18, and in the build's matrix each of 14 to 17 (the {@link OnEveryMajor} ones). */
    @Nested
    class OnTheSharedServer extends Scenarios {
        OnTheSharedServer() {
            super(TestPostgres.shared(), TestPostgres.sharedMajor());
        }

        /**
         * PostgreSQL 18 can add a NOT NULL without a scan ({@code NOT VALID}) and validate it later: the constraint
         * changes while the column is NOT NULL throughout. Before 18 the way is a {@code CHECK (... IS NOT NULL) NOT
         * VALID}, validated, then {@code SET NOT NULL} (which uses the check instead of a scan): the check changes,
         * and the column becomes NOT NULL only at the end.
         */
        @Test
        @OnEveryMajor
        void reportsANotNullAddedWithoutAScanAndValidatedLaterTheWayTheMajorVersionAllows() throws SQLException {
            if (TestPostgres.sharedMajor() >= 18) {
                String[] before = concat(SHOP,
                        "ALTER TABLE customers ADD CONSTRAINT phone_required NOT NULL phone NOT VALID");

                List<String> changes = diff(before, "UPDATE customers SET phone = 'none'",
                        "ALTER TABLE customers VALIDATE CONSTRAINT phone_required");

                assertThat(changes).containsExactly("constraint public.customers.phone_required: not valid -> valid");
            } else {
                String[] before = concat(SHOP,
                        "ALTER TABLE customers ADD CONSTRAINT phone_required CHECK (phone IS NOT NULL) NOT VALID");

                List<String> changes = diff(before, "UPDATE customers SET phone = 'none'",
                        "ALTER TABLE customers VALIDATE CONSTRAINT phone_required",
                        "ALTER TABLE customers ALTER COLUMN phone SET NOT NULL");

                assertThat(changes).containsExactly("column public.customers.phone: nullable -> not null",
                        "constraint public.customers.phone_required: not valid -> valid");
            }
        }
    }

    @Nested
    class SideBySide {
        @RegisterExtension
        final TestDatabases on18 = new TestDatabases();
        @RegisterExtension
        final TestDatabases on15 = new TestDatabases(TestPostgres.postgres15());

        @Test
        void columnsAreTheSameOnBothVersionsWhileOnlyPostgres18HasNotNullConstraints() throws SQLException {
            CatalogSnapshot pg18 = snapshot(on18, on18.create("side", SHOP));
            CatalogSnapshot pg15 = snapshot(on15, on15.create("side", SHOP));

            for (Table table : pg18.tables()) {
                Table other = pg15.table(table.schema(), table.name()).orElseThrow();
                assertThat(other.columns()).isEqualTo(table.columns());
                assertThat(withoutNotNull(other.constraints())).isEqualTo(withoutNotNull(table.constraints()));
                assertThat(other.constraints()).noneMatch(c -> c.type().equals("not null"));
            }
            assertThat(pg18.table("public", "customers").orElseThrow().constraints())
                    .filteredOn(c -> c.type().equals("not null")).extracting(Constraint::definition)
                    .containsExactly("NOT NULL email", "NOT NULL id");
            assertThat(pg15.functions()).isEqualTo(pg18.functions());
            assertThat(pg15.enumTypes()).isEqualTo(pg18.enumTypes());
            assertThat(pg15.schemas()).isEqualTo(pg18.schemas());
        }

        private static List<Constraint> withoutNotNull(List<Constraint> constraints) {
            return constraints.stream().filter(c -> !c.type().equals("not null")).toList();
        }

        private static CatalogSnapshot snapshot(TestDatabases databases, String database) throws SQLException {
            try (Connection connection = databases.postgres().dataSource(database).getConnection()) {
                return CatalogSnapshot.take(connection, DataFacts.defaults());
            }
        }
    }

    static List<String> describe(List<SchemaChange> changes) {
        return changes.stream().map(SchemaChange::describe).toList();
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
