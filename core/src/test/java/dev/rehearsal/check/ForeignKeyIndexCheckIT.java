package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Foreign keys added without an index on their referencing columns, on a shop of 300 customers and 2 000 orders (and
 * on an empty one). The time threshold is out of reach, so that timings decide nothing.
 */
class ForeignKeyIndexCheckIT {
    private static final String[] SHOP = {
            "CREATE TABLE customers (id bigint PRIMARY KEY, region text NOT NULL, UNIQUE (region, id))",
            "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, region text NOT NULL, "
                    + "status text NOT NULL)",
            "INSERT INTO customers SELECT g, 'r' || g % 3 FROM generate_series(1, 300) g",
            "INSERT INTO orders SELECT g, g % 300 + 1, 'r' || (g % 300 + 1) % 3, 'open' "
                    + "FROM generate_series(1, 2000) g"};
    private static final String[] EMPTY_SHOP = {SHOP[0], SHOP[1]};
    private static final Policy POLICY = Policy.builder().lockThreshold(Duration.ofMinutes(10)).build();
    private static final String ADD_KEY = "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk "
            + "FOREIGN KEY (customer_id) REFERENCES customers NOT VALID";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    private Outcome rehearse(String[] target, ScriptEngine migrations) {
        return rehearse(target, migrations, POLICY);
    }

    private Outcome rehearse(String[] target, ScriptEngine migrations, Policy policy) {
        String database = databases.create("fk_index", target);
        return Rehearsal.configure().target(postgres.location(database)).engine(migrations).policy(policy).load()
                .rehearse();
    }

    private static List<Finding> unindexed(Outcome outcome) {
        return outcome.findings().stream().filter(f -> f.kind().equals(FindingKinds.UNINDEXED_FOREIGN_KEY)).toList();
    }

    @Test
    @OnEveryMajor
    void aForeignKeyAddedWithoutAnIndexIsAWarningOfTheMigrationThatAddedItWithTheRowsOfBothTables() {
        Outcome outcome = rehearse(SHOP, new ScriptEngine()
                .migration("1", "CREATE INDEX orders_status ON orders (status)")
                .migration("2", ADD_KEY)
                .migration("3", "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk")
                .migration("4", "ALTER TABLE orders ADD COLUMN note text",
                        "COMMENT ON CONSTRAINT orders_customer_fk ON orders IS 'references the customer who ordered'")
                // a key on the same columns, added and dropped again: not the one that stays
                .migration("5", "ALTER TABLE orders ADD CONSTRAINT orders_customer_probe "
                        + "FOREIGN KEY (customer_id) REFERENCES customers NOT VALID",
                        "ALTER TABLE orders DROP CONSTRAINT orders_customer_probe"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(unindexed(outcome)).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.migration()).isEqualTo("2");
            assertThat(finding.statement()).isEqualTo(ADD_KEY);
            assertThat(finding.evidence()).containsEntry("constraint", "orders_customer_fk")
                    .containsEntry("table", "public.orders").containsEntry("tableRows", 2000L)
                    .containsEntry("referencedTable", "public.customers").containsEntry("referencedTableRows", 300L)
                    .containsEntry("columns", List.of("customer_id"));
            assertThat(finding.message()).isEqualTo("foreign key orders_customer_fk of public.orders (2000 rows) has "
                    + "no index on (customer_id): every delete from public.customers (300 rows), and every update "
                    + "of its key, scans public.orders for referencing rows");
            assertThat(finding.remedy()).contains("CREATE INDEX CONCURRENTLY ON public.orders (customer_id)")
                    .contains("outside a transaction");
        });
    }

    @Test
    void aForeignKeyIndexedInTheSameMigrationIsNoFinding() {
        Outcome outcome = rehearse(SHOP, new ScriptEngine()
                .migration("1", ADD_KEY, "CREATE INDEX orders_customer ON orders (customer_id)"));

        assertThat(unindexed(outcome)).isEmpty();
    }

    @Test
    void aForeignKeyIndexedConcurrentlyInALaterMigrationIsNoFinding() {
        Outcome outcome = rehearse(SHOP, new ScriptEngine()
                .migration("1", ADD_KEY)
                .migration("2!", "CREATE INDEX CONCURRENTLY orders_customer ON orders (customer_id)"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(unindexed(outcome)).isEmpty();
    }

    @Test
    void aCompositeKeyIsServedByAnIndexOnItsColumnsInAnotherOrder() {
        Outcome outcome = rehearse(SHOP, new ScriptEngine().migration("1",
                "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (region, customer_id) "
                        + "REFERENCES customers (region, id)",
                "CREATE INDEX orders_customer_region_status ON orders (customer_id, region, status)"));

        assertThat(unindexed(outcome)).isEmpty();
    }

    @Test
    void aCompositeKeyIsNotServedByAnIndexThatStartsWithAnotherColumn() {
        Outcome outcome = rehearse(SHOP, new ScriptEngine().migration("1",
                "CREATE INDEX orders_status_region_customer ON orders (status, region, customer_id)",
                "CREATE INDEX orders_region ON orders (region)",
                "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (region, customer_id) "
                        + "REFERENCES customers (region, id)"));

        assertThat(unindexed(outcome)).singleElement().satisfies(finding -> {
            assertThat(finding.migration()).isEqualTo("1");
            assertThat(finding.statement()).contains("ADD CONSTRAINT orders_customer_fk");
            assertThat(finding.evidence()).containsEntry("columns", List.of("region", "customer_id"));
            assertThat(finding.remedy()).contains("CREATE INDEX CONCURRENTLY ON public.orders (region, customer_id)");
        });
    }

    @Test
    void aPartialIndexOrAnIndexOnAnExpressionDoesNotServeAForeignKey() {
        Outcome outcome = rehearse(SHOP, new ScriptEngine().migration("1",
                "CREATE INDEX orders_open_customer ON orders (customer_id) WHERE status = 'open'",
                "CREATE INDEX orders_customer_plus_one ON orders ((customer_id + 1))",
                ADD_KEY));

        assertThat(unindexed(outcome)).singleElement()
                .satisfies(finding -> assertThat(finding.evidence()).containsEntry("constraint", "orders_customer_fk"));
    }

    @Test
    void onEmptyTablesTheForeignKeyIsInformationWithTheRowsMeasured() {
        Outcome outcome = rehearse(EMPTY_SHOP, new ScriptEngine().migration("1", ADD_KEY));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(unindexed(outcome)).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.migration()).isEqualTo("1");
            assertThat(finding.evidence()).containsEntry("tableRows", 0L).containsEntry("referencedTableRows", 0L);
        });
    }

    @Test
    void aChildSmallerThanTheMinimumRowsIsInformationEvenWhenAKindsSeverityIsRaised() {
        Policy policy = Policy.builder().lockThreshold(Duration.ofMinutes(10)).minRows(5000)
                .severity(FindingKinds.UNINDEXED_FOREIGN_KEY, Severity.BLOCKING).build();

        Outcome outcome = rehearse(SHOP, new ScriptEngine().migration("1", ADD_KEY), policy);

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(unindexed(outcome)).singleElement()
                .satisfies(finding -> assertThat(finding.severity()).isEqualTo(Severity.INFO));
    }

    @Test
    void aNewTableThatReferencesAnotherWithoutAnIndexIsAFindingOfItsCreateTable() {
        String create = "CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders, "
                + "customer_id bigint, FOREIGN KEY (customer_id) REFERENCES customers)";
        Outcome outcome = rehearse(SHOP, new ScriptEngine()
                .migration("1", "CREATE TABLE carriers (id int PRIMARY KEY)")
                .migration("2", create, "INSERT INTO shipments SELECT id, id, customer_id FROM orders")
                .migration("3", "CREATE INDEX shipments_customer ON shipments (customer_id)",
                        "ALTER TABLE shipments ADD COLUMN carrier_id int REFERENCES carriers",
                        "CREATE INDEX shipments_carrier ON shipments USING hash (carrier_id)"));

        assertThat(unindexed(outcome)).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.migration()).isEqualTo("2");
            assertThat(finding.statement()).isEqualTo(create);
            assertThat(finding.evidence()).containsEntry("constraint", "shipments_order_id_fkey")
                    .containsEntry("table", "public.shipments").containsEntry("tableRows", 2000L)
                    .containsEntry("referencedTable", "public.orders").containsEntry("referencedTableRows", 2000L);
        });
    }

    @Test
    void droppingTheIndexThatServedAForeignKeyIsAFindingOfTheDrop() {
        String[] target = {SHOP[0], SHOP[1], SHOP[2], SHOP[3],
                "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers",
                "CREATE INDEX orders_customer ON orders (customer_id)"};
        Outcome outcome = rehearse(target, new ScriptEngine()
                .migration("1", "ALTER TABLE orders ADD COLUMN note text")
                .migration("2!", "DROP INDEX CONCURRENTLY orders_customer")
                .migration("3", "CREATE INDEX orders_status ON orders (status)"));

        assertThat(unindexed(outcome)).singleElement().satisfies(finding -> {
            assertThat(finding.migration()).isEqualTo("2!");
            assertThat(finding.statement()).isEqualTo("DROP INDEX CONCURRENTLY orders_customer");
            assertThat(finding.evidence()).containsEntry("droppedIndex", "orders_customer");
            assertThat(finding.message()).contains("lost its index orders_customer on (customer_id)");
        });
    }

    @Test
    void aForeignKeyWithoutAnIndexBeforeTheMigrationsIsNotTheirs() {
        String[] target = {SHOP[0], SHOP[1], SHOP[2], SHOP[3], ADD_KEY};
        Outcome outcome = rehearse(target, new ScriptEngine()
                .migration("1", "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk",
                        "CREATE INDEX orders_status ON orders (status)"));

        assertThat(unindexed(outcome)).isEmpty();
    }
}
