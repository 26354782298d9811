package dev.rehearsal.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.internal.pipeline.KnownRelations;
import dev.rehearsal.internal.pipeline.StatementGuard;
import dev.rehearsal.internal.pipeline.TracingDataSource;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.trace.ContentFingerprint;
import dev.rehearsal.trace.ContentFingerprint.ContentHash;
import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fingerprint the tracer takes of what a migration drops, on the migration's own connection: what it hashes, and
 * that it never changes what the migration does or what the trace says the statement did.
 */
class DropFingerprintsIT {
    private static final String[] ORDERS = {
            "CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2), note text)",
            "INSERT INTO orders SELECT g, CASE WHEN g % 10 <> 0 THEN g * 1.25 END, 'note ' || g "
                    + "FROM generate_series(1, 5000) g"};
    private static final Migration MIGRATION = new Migration("7", "7", "swap", "V7__swap.sql", "SQL", 1);

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    private static TracingDataSource traced(DataSource database) throws SQLException {
        return new TracingDataSource(database, KnownRelations.read(database));
    }

    /** Runs the statements inside migration 7, in one transaction unless {@code autoCommit}, and commits. */
    private static void migrate(TracingDataSource traced, boolean autoCommit, String... statements)
            throws SQLException {
        traced.starting(MIGRATION);
        try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(autoCommit);
            for (String sql : statements) {
                statement.execute(sql);
            }
            if (!autoCommit) {
                connection.commit();
            }
        } finally {
            traced.finished(MIGRATION, true);
        }
    }

    private static long count(DataSource database, String query) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Test
    void aDroppedColumnIsHashedWithItsRowsPrimaryKeyInTheMigrationsTransaction() throws SQLException {
        DataSource database = postgres.dataSource(databases.create("column", ORDERS));
        try (TracingDataSource traced = traced(database)) {
            migrate(traced, false, "UPDATE orders SET amount = 0 WHERE id = 10",
                    "ALTER TABLE orders DROP COLUMN amount");

            assertThat(traced.fingerprints()).singleElement().satisfies(fingerprint -> {
                assertThat(fingerprint.sequence()).isEqualTo(2);
                assertThat(fingerprint.table()).isEqualTo("public.orders");
                assertThat(fingerprint.column()).isEqualTo("amount");
                assertThat(fingerprint.columnNumber()).isEqualTo(2);
                assertThat(fingerprint.key()).containsExactly("id");
                assertThat(fingerprint.skipped()).isNull();
                assertThat(fingerprint.content().rows()).as("as the transaction saw it: with the value it set")
                        .isEqualTo(4501);
            });
        }
    }

    @Test
    void theHashIsTheSameForTheSameValuesInAWiderTypeAndDiffersForOthers() throws SQLException {
        String name = databases.create("hash", ORDERS);
        DataSource database = postgres.dataSource(name);
        postgres.execute(name, "ALTER TABLE orders ADD COLUMN wide numeric, ADD COLUMN cut numeric",
                "UPDATE orders SET wide = amount, cut = round(amount)");
        try (Connection connection = database.getConnection()) {
            ContentHash amount = ContentHash.of(connection, "public.orders", List.of("id"), List.of("amount"), "amount");
            ContentHash wide = ContentHash.of(connection, "public.orders", List.of("id"), List.of("wide"), "wide");
            ContentHash cut = ContentHash.of(connection, "public.orders", List.of("id"), List.of("cut"), "cut");
            ContentHash unkeyed = ContentHash.of(connection, "public.orders", List.of(), List.of("amount"), "amount");

            assertThat(wide).isEqualTo(amount);
            assertThat(cut.rows()).isEqualTo(amount.rows());
            assertThat(cut.sum()).isNotEqualTo(amount.sum());
            assertThat(unkeyed.sum()).isNotEqualTo(amount.sum());
        }
    }

    @Test
    void aDroppedTableIsHashedWholeOutsideATransactionAndItsScanIsNotTheDrops() throws SQLException {
        DataSource database = postgres.dataSource(databases.create("table", ORDERS));
        try (TracingDataSource traced = traced(database)) {
            migrate(traced, true, "DROP TABLE IF EXISTS public.orders, no_such_table");

            assertThat(traced.fingerprints()).singleElement().satisfies(fingerprint -> {
                assertThat(fingerprint.ofTable()).isTrue();
                assertThat(fingerprint.columns()).containsExactly("id", "amount", "note");
                assertThat(fingerprint.key()).isEmpty();
                assertThat(fingerprint.content().rows()).isEqualTo(5000);
            });
            assertThat(traced.statements()).singleElement().satisfies(drop -> {
                assertThat(drop.failed()).isFalse();
                assertThat(drop.scans()).isEmpty();
            });
        }
    }

    @Test
    void aPartitionedTableIsHashedAndMeasuredAcrossItsPartitions() throws SQLException {
        DataSource database = postgres.dataSource(databases.create("partitioned",
                "CREATE TABLE events (id bigint, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "INSERT INTO events SELECT g, date '2024-06-01' + g FROM generate_series(1, 400) g"));
        KnownRelations known = KnownRelations.read(database);
        try (TracingDataSource whole = new TracingDataSource(database, known);
             TracingDataSource small = new TracingDataSource(database, known, StatementGuard.NONE, 8192)) {
            migrate(small, false, "ALTER TABLE events DROP COLUMN id");
            migrate(whole, false, "DROP TABLE events");

            assertThat(small.fingerprints()).singleElement().satisfies(fingerprint -> {
                assertThat(fingerprint.content()).isNull();
                assertThat(fingerprint.skipped()).matches("the table \\(\\d+ bytes\\) is larger than 8192 bytes, the "
                        + "most Rehearsal hashes");
            });
            assertThat(whole.fingerprints()).singleElement()
                    .satisfies(fingerprint -> assertThat(fingerprint.content().rows()).isEqualTo(400));
        }
    }

    @Test
    void theFingerprintsLocksAndScansInATransactionAreNotChargedToTheDrop() throws SQLException {
        DataSource database = postgres.dataSource(databases.create("evidence", ORDERS));
        try (TracingDataSource traced = traced(database)) {
            migrate(traced, false, "ALTER TABLE orders DROP COLUMN note");

            assertThat(traced.fingerprints()).hasSize(1);
            StatementTrace drop = traced.statements().get(0);
            assertThat(drop.scans()).isEmpty();
            assertThat(drop.locks()).extracting(LockTrace::relation, LockTrace::mode)
                    .containsExactly(tuple("public.orders", LockMode.ACCESS_EXCLUSIVE));
        }
    }

    @Test
    void aTableTheMigrationsMadeOrAStatementThatDropsNothingIsNotFingerprinted() throws SQLException {
        DataSource database = postgres.dataSource(databases.create("new", ORDERS));
        try (TracingDataSource traced = traced(database)) {
            migrate(traced, false, "CREATE TABLE scratch (id int)", "INSERT INTO scratch VALUES (1)",
                    "DROP TABLE scratch", "SELECT 'drop table orders'", "DROP INDEX IF EXISTS orders_pkey_x");

            assertThat(traced.fingerprints()).isEmpty();
        }
    }

    @Test
    void aFingerprintThatFailsLeavesTheMigrationsTransactionAsItWas() throws SQLException {
        String name = databases.create("denied", ORDERS);
        String owner = databases.role("owner", "secret");
        // the owner may drop the table (or its columns) but no longer read it: the fingerprint's query fails
        postgres.execute(name, "ALTER TABLE orders OWNER TO " + owner, "REVOKE SELECT ON orders FROM " + owner);
        DataSource asOwner = DatabaseLocation.of(postgres.jdbcUrl(name), owner, "secret").dataSource("test");
        try (TracingDataSource traced = traced(asOwner)) {
            migrate(traced, false, "ALTER TABLE orders ADD COLUMN amount_new numeric",
                    "ALTER TABLE orders DROP COLUMN amount", "INSERT INTO orders (id, note) VALUES (0, 'after')");
            migrate(traced, true, "ALTER TABLE orders DROP COLUMN note");

            assertThat(traced.statements()).noneMatch(StatementTrace::failed);
            assertThat(traced.fingerprints()).extracting(ContentFingerprint::column).containsExactly("amount", "note");
            assertThat(traced.fingerprints()).allSatisfy(fingerprint -> {
                assertThat(fingerprint.content()).isNull();
                assertThat(fingerprint.skipped()).startsWith("the hash could not be taken: ")
                        .contains("permission denied");
            });
        }
        DataSource database = postgres.dataSource(name);
        assertThat(count(database, "SELECT count(*) FROM orders")).as("the transaction committed").isEqualTo(5001);
        assertThat(count(database, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders'"))
                .as("id and amount_new").isEqualTo(2);
    }

    @Test
    void noFingerprintIsTakenInAnAbortedTransaction() throws SQLException {
        DataSource database = postgres.dataSource(databases.create("aborted", ORDERS));
        try (TracingDataSource traced = traced(database)) {
            traced.starting(MIGRATION);
            try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                assertThatThrownBy(() -> statement.execute("SELECT 1 / 0")).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> statement.execute("ALTER TABLE orders DROP COLUMN amount"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("current transaction is aborted");
                connection.rollback();
            }
            traced.finished(MIGRATION, false);

            assertThat(traced.fingerprints()).isEmpty();
        }
    }
}
