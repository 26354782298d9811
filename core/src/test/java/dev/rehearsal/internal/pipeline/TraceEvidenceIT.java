package dev.rehearsal.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.testing.HeldLock;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import dev.rehearsal.trace.StatementTrace.RelationRewrite;
import dev.rehearsal.trace.StatementTrace.TableScan;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the tracer learns about each statement on a table with 100 000 rows. */
@OnEveryMajor
class TraceEvidenceIT {
    private static final String[] ORDERS = {
            "CREATE TABLE customers (id bigint PRIMARY KEY)",
            "INSERT INTO customers SELECT generate_series(1, 1000)",
            "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note text)",
            "INSERT INTO orders SELECT g, g % 1000 + 1, 'note ' || g FROM generate_series(1, 100000) g",
            "VACUUM ANALYZE"};
    private static final Migration MIGRATION = new Migration("7", "7", "evidence", "V7__evidence.sql", "SQL", 1);

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    private TracingDataSource traced(String database) throws SQLException {
        DataSource source = postgres.dataSource(database);
        return new TracingDataSource(source, KnownRelations.read(source));
    }

    /** Runs the statements in one transaction, inside migration 7, pausing before the commit. */
    private List<StatementTrace> inTransaction(TracingDataSource traced, long pauseMillis, String... statements)
            throws Exception {
        traced.starting(MIGRATION);
        try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String sql : statements) {
                statement.execute(sql);
            }
            Thread.sleep(pauseMillis);
            connection.commit();
        } finally {
            traced.finished(MIGRATION, true);
        }
        return traced.statements();
    }

    @Test
    void aPlainCreateIndexHoldsAShareLockUntilCommitWhileScanningTheWholeTable() throws Exception {
        String database = databases.create("index", ORDERS);
        try (TracingDataSource traced = traced(database)) {
            StatementTrace create = inTransaction(traced, 300, "CREATE INDEX orders_customer ON orders (customer_id)")
                    .get(0);

            assertThat(create.migration()).isEqualTo("7");
            assertThat(create.locks()).filteredOn(lock -> lock.relation().equals("public.orders"))
                    .singleElement().satisfies(lock -> {
                        assertThat(lock.mode()).isEqualTo(LockMode.SHARE);
                        assertThat(lock.blocksWrites()).isTrue();
                        assertThat(lock.blocksReads()).isFalse();
                        assertThat(lock.existedBefore()).isTrue();
                        assertThat(lock.sampled()).isFalse();
                        assertThat(lock.heldMillis()).as("held until the commit").isGreaterThanOrEqualTo(300);
                    });
            assertThat(create.scans()).extracting(TableScan::relation, TableScan::rows)
                    .containsExactly(tuple("public.orders", 100_000L));
            assertThat(create.rewrites()).isEmpty();
        }
    }

    @Test
    void aLockIsChargedToTheStatementThatTookItNotToLaterOnes() throws Exception {
        String database = databases.create("attribution", ORDERS);
        try (TracingDataSource traced = traced(database)) {
            List<StatementTrace> statements = inTransaction(traced, 0,
                    "ALTER TABLE orders ADD COLUMN shipped boolean", "UPDATE customers SET id = id WHERE id = 1");

            assertThat(statements.get(0).locks()).extracting(LockTrace::relation, LockTrace::mode)
                    .contains(tuple("public.orders", LockMode.ACCESS_EXCLUSIVE));
            assertThat(statements.get(1).locks()).extracting(LockTrace::relation)
                    .doesNotContain("public.orders").contains("public.customers");
            assertThat(statements.get(0).scans()).as("adding a nullable column reads no row").isEmpty();
        }
    }

    @Test
    void aTypeChangeRewritesTheTable() throws Exception {
        String database = databases.create("rewrite", ORDERS);
        try (TracingDataSource traced = traced(database)) {
            StatementTrace alter = inTransaction(traced, 0, "ALTER TABLE orders ALTER COLUMN id TYPE numeric").get(0);

            // (its primary key index is rebuilt as a new relation: that shows in the catalog diff, not here)
            assertThat(alter.rewrites()).extracting(RelationRewrite::relation, RelationRewrite::kind)
                    .containsExactly(tuple("public.orders", "table"));
            assertThat(alter.rewrites().get(0).sizeBytes()).isGreaterThan(1_000_000);
            // read once to copy the rows, once more to rebuild the primary key on the new storage
            assertThat(alter.scans()).extracting(TableScan::rows).containsExactly(200_000L);
            assertThat(alter.locks()).extracting(LockTrace::relation, LockTrace::mode)
                    .contains(tuple("public.orders", LockMode.ACCESS_EXCLUSIVE));
        }
    }

    @Test
    void validatingAForeignKeyScansBothTables() throws Exception {
        String database = databases.create("fk", ORDERS);
        try (TracingDataSource traced = traced(database)) {
            StatementTrace fk = inTransaction(traced, 0, "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk "
                    + "FOREIGN KEY (customer_id) REFERENCES customers (id)").get(0);

            assertThat(fk.scans()).extracting(TableScan::relation).contains("public.orders");
            assertThat(fk.scans()).filteredOn(scan -> scan.relation().equals("public.orders"))
                    .singleElement().extracting(TableScan::rows).isEqualTo(100_000L);
            assertThat(fk.locks()).extracting(LockTrace::relation, LockTrace::mode)
                    .contains(tuple("public.orders", LockMode.SHARE_ROW_EXCLUSIVE),
                            tuple("public.customers", LockMode.SHARE_ROW_EXCLUSIVE));
        }
    }

    @Test
    void aConcurrentIndexBuildIsSampledFromAnotherSessionAndBlocksNoWrites() throws Exception {
        String database = databases.create("concurrently", ORDERS);
        // a writer's open transaction makes the build wait for it, holding its lock, however fast the machine:
        // the sampler is sure to see the lock, which a build on 100 000 rows may otherwise finish before
        try (TracingDataSource traced = traced(database);
             HeldLock writer = HeldLock.hold(postgres, database, "writer",
                     "UPDATE orders SET note = note WHERE id = 1")) {
            CompletableFuture<Void> released = writer.releaseAfterBlocking(Duration.ofMillis(200));
            traced.starting(MIGRATION);
            try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE INDEX CONCURRENTLY orders_note ON orders (note)");
            }
            traced.finished(MIGRATION, true);
            released.join();

            StatementTrace create = traced.statements().get(0);
            assertThat(create.inTransaction()).isFalse();
            assertThat(create.locks()).filteredOn(lock -> lock.relation().equals("public.orders"))
                    .isNotEmpty()
                    .allSatisfy(lock -> {
                        assertThat(lock.sampled()).isTrue();
                        assertThat(lock.blocksWrites()).isFalse();
                    })
                    .extracting(LockTrace::mode).contains(LockMode.SHARE_UPDATE_EXCLUSIVE);
        }
    }

    @Test
    void aVacuumFullOutsideATransactionIsSeenAsARewrite() throws Exception {
        String database = databases.create("vacuum", ORDERS);
        try (TracingDataSource traced = traced(database)) {
            traced.starting(MIGRATION);
            try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("VACUUM FULL orders");
            }
            traced.finished(MIGRATION, true);

            StatementTrace vacuum = traced.statements().get(0);
            assertThat(vacuum.rewrites()).extracting(RelationRewrite::relation).contains("public.orders");
            assertThat(vacuum.locks()).extracting(LockTrace::relation, LockTrace::mode)
                    .contains(tuple("public.orders", LockMode.ACCESS_EXCLUSIVE));
        }
    }

    @Test
    void aFailedStatementLeavesTheTransactionAloneAndItsLocksEndWithTheRollback() throws Exception {
        String database = databases.create("failed", ORDERS);
        try (TracingDataSource traced = traced(database)) {
            traced.starting(MIGRATION);
            try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("LOCK TABLE customers IN EXCLUSIVE MODE");
                try {
                    statement.execute("ALTER TABLE orders ADD CONSTRAINT positive CHECK (id < 0)");
                } catch (SQLException expected) {
                    assertThat(expected.getSQLState()).isEqualTo("23514");
                }
                Thread.sleep(200);
                connection.rollback();
            }
            traced.finished(MIGRATION, true);

            List<StatementTrace> statements = traced.statements();
            assertThat(statements.get(1).sqlState()).isEqualTo("23514");
            assertThat(statements.get(0).locks()).extracting(LockTrace::relation, LockTrace::mode)
                    .containsExactly(tuple("public.customers", LockMode.EXCLUSIVE));
            assertThat(statements.get(0).locks().get(0).heldMillis()).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void repeatedInsertsIntoATableAlreadyLockedNeedNoProbeAndLoseNoEvidence() throws Exception {
        String database = databases.create("inserts", ORDERS);
        postgres.logStatements(database);
        try (TracingDataSource traced = traced(database)) {
            List<StatementTrace> statements = inTransaction(traced, 0,
                    "INSERT INTO customers VALUES (1001)", "INSERT INTO customers VALUES (1002)",
                    "-- the third\nINSERT INTO public.customers (id) VALUES (1003)",
                    "INSERT INTO customers SELECT id + 2000 FROM customers WHERE id % 100 = 0",
                    "ALTER TABLE orders ADD COLUMN shipped boolean");

            assertThat(statements.get(0).locks()).extracting(LockTrace::relation, LockTrace::mode)
                    .contains(tuple("public.customers", LockMode.ROW_EXCLUSIVE));
            assertThat(statements.subList(1, 3)).allSatisfy(s -> assertThat(s.locks()).isEmpty());
            assertThat(statements.get(3).scans()).extracting(TableScan::relation, TableScan::rows)
                    .containsExactly(tuple("public.customers", 1003L));
            assertThat(statements.get(4).locks()).extracting(LockTrace::relation, LockTrace::mode)
                    .containsExactly(tuple("public.orders", LockMode.ACCESS_EXCLUSIVE));
        }
        assertThat(postgres.query(database, "SELECT count(*) FROM customers")).containsExactly("1013");
    }

    @Test
    void scansOfAnEarlierTransactionAreNotChargedToTheNextOne() throws Exception {
        String database = databases.create("earlier", ORDERS);
        try (TracingDataSource traced = traced(database)) {
            traced.starting(MIGRATION);
            try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("ALTER TABLE orders ADD CONSTRAINT note_present CHECK (note IS NOT NULL) NOT VALID");
                connection.commit();
                statement.execute("ALTER TABLE orders VALIDATE CONSTRAINT note_present");
                connection.commit();
                // the validated check proves there is no NULL: SET NOT NULL reads no row
                statement.execute("ALTER TABLE orders ALTER COLUMN note SET NOT NULL");
                connection.commit();
            } finally {
                traced.finished(MIGRATION, true);
            }

            List<StatementTrace> statements = traced.statements();
            assertThat(statements.get(1).scans()).extracting(TableScan::relation, TableScan::rows)
                    .containsExactly(tuple("public.orders", 100_000L));
            assertThat(statements.get(2).scans()).isEmpty();
        }
    }

    /**
     * PostgreSQL 14 shows a transaction the statistics collector's counts as they were up to half a second earlier:
     * the next transaction, started at once, may see a count lower than the last one, without the rows the session
     * just committed; the one after, later, sees them again. Those rows were charged to the statement that read them
     * and are charged to no other. (On 15 and later the counts are live and this is the plain case.)
     */
    @Test
    void rowsThatPostgres14ShowsLateAreChargedOnlyToTheStatementThatReadThem() throws Exception {
        String database = databases.create("late", "CREATE TABLE items (id int, price int)",
                "INSERT INTO items SELECT g, g FROM generate_series(1, 20000) g", "VACUUM ANALYZE items");
        try (TracingDataSource traced = traced(database)) {
            traced.starting(MIGRATION);
            try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                // a session sends its counts to the collector at most every 500 ms: this commit's are sent
                Thread.sleep(600);
                statement.execute("UPDATE items SET price = price + 1");
                connection.commit();
                statement.execute("ALTER TABLE items ADD COLUMN a int");
                connection.commit();
                Thread.sleep(700);
                statement.execute("ALTER TABLE items ADD COLUMN b int");
                connection.commit();
            } finally {
                traced.finished(MIGRATION, true);
            }

            List<StatementTrace> statements = traced.statements();
            assertThat(statements.get(0).scans()).extracting(TableScan::relation, TableScan::rows)
                    .containsExactly(tuple("public.items", 20_000L));
            assertThat(statements.subList(1, 3)).allSatisfy(alter -> {
                assertThat(alter.sql()).startsWith("ALTER TABLE items ADD COLUMN");
                assertThat(alter.scans()).isEmpty();
            });
        }
    }

    /**
     * From PostgreSQL 15 on the rows parallel workers read are counted at once; PostgreSQL 14 has them only in its
     * statistics collector, which a transaction sees as of its first look: only the rows the leader read itself are
     * counted — all of them when no worker got to start, a part otherwise.
     */
    @Test
    void countsTheRowsParallelWorkersScanForAnIndexBuild() throws Exception {
        String database = databases.create("parallel",
                "CREATE TABLE big (id bigint, note text)",
                "INSERT INTO big SELECT g, repeat('n', 60) || g FROM generate_series(1, 300000) g",
                "VACUUM ANALYZE big");
        assertThat(Long.parseLong(postgres.query(database, "SELECT pg_relation_size('big')").get(0)))
                .as("large enough for a parallel build").isGreaterThan(8L * 1024 * 1024);
        try (TracingDataSource traced = traced(database)) {
            StatementTrace create = inTransaction(traced, 0, "SET LOCAL max_parallel_maintenance_workers = 2",
                    "CREATE INDEX big_note ON big (note)").get(1);

            if (postgres.major() >= 15) {
                assertThat(create.scans()).extracting(TableScan::relation, TableScan::rows)
                        .containsExactly(tuple("public.big", 300_000L));
            } else {
                assertThat(create.scans()).singleElement().satisfies(scan -> {
                    assertThat(scan.relation()).isEqualTo("public.big");
                    assertThat(scan.rows()).isPositive().isLessThanOrEqualTo(300_000L);
                });
            }
        }
    }
}
