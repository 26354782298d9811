package dev.rehearsal.junit;

import dev.rehearsal.benchmarks.Report;
import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.internal.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;

/**
 * How long a test waits for its isolated, migrated database, per strategy, at parallelism 2 (two tests at a time),
 * on a schema of 120 tables: the extension's warm pool; a synchronous {@code CREATE DATABASE ... TEMPLATE} per test
 * (pgtestdb's way); the migrations run again per test; {@code TRUNCATE} and reseed; a transaction rolled back. Each
 * test then does a little work on its database (an insert and a query) before the next. Writes its section of
 * BENCHMARKS.md. In this package to reach the extension's pool directly.
 */
public final class AcquireLatency {
    private static final int TABLES = 120;
    private static final int TESTS = 500;
    private static final int SLOW_TESTS = 40;
    private static final int PARALLELISM = 2;
    /** How long a typical integration test keeps its database: its queries plus the code under test. */
    private static final int TEST_MILLIS = 50;

    private final TestServer server;
    private final FlywayEngine engine;
    private final String template;

    private AcquireLatency(TestServer server, FlywayEngine engine, String template) {
        this.server = server;
        this.engine = engine;
        this.template = template;
    }

    /** One way of giving a test its database: acquire (timed), then release after the test (not timed). */
    private interface Strategy {
        String acquire(int worker) throws Exception;

        void release(int worker, String database) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "BENCHMARKS.md");
        Path migrations = Files.createTempDirectory("rehearsal-acquire");
        writeSchema(migrations);
        TestServer server = TestServer.get();
        FlywayEngine engine = FlywayEngine.of(Flyway.configure().locations("filesystem:" + migrations));
        String template = MigratedTemplate.ensure(server, engine);
        AcquireLatency benchmark = new AcquireLatency(server, engine, template);

        List<String> rows = new ArrayList<>();
        double poolP50;
        double syncP50;
        try (ClonePool pool = new ClonePool(server, template, 8)) {
            Thread.sleep(3000); // the pool fills before the first test, as it does while JUnit discovers tests
            List<Double> pooled = benchmark.measure(TESTS, benchmark.pool(pool));
            poolP50 = percentile(pooled, 50);
            rows.add(row("warm pool (this extension, 8 ready)", pooled,
                    "waited for a clone " + pool.usage().misses() + " time(s)"));
        }
        try (ClonePool pool = new ClonePool(server, template, 8)) {
            Thread.sleep(3000);
            List<Double> pooled = benchmark.measure(TESTS, benchmark.pool(pool), 0);
            rows.add(row("warm pool, tests back to back (no time between acquires)", pooled,
                    "each test only connects, inserts and queries; waited for a clone " + pool.usage().misses() + " time(s)"));
        }
        List<Double> sync = benchmark.measure(TESTS, benchmark.syncClone());
        syncP50 = percentile(sync, 50);
        rows.add(row("synchronous CREATE DATABASE … TEMPLATE per test", sync, ""));
        rows.add(row("migrations run again per test (CREATE DATABASE + Flyway)",
                benchmark.measure(SLOW_TESTS, benchmark.migrateEachTime()), SLOW_TESTS + " tests"));
        rows.add(row("TRUNCATE every table + reseed", benchmark.measure(TESTS, benchmark.truncateAndReseed()), ""));
        rows.add(row("transaction rolled back (one database per worker)",
                benchmark.measure(TESTS, benchmark.rollback()), "not isolated from what the code commits"));

        String section = section(rows, poolP50, syncP50, benchmark.serverVersion());
        Report.replaceSection(report, "acquire-latency", section);
        System.out.println(section);
    }

    private List<Double> measure(int tests, Strategy strategy) throws Exception {
        return measure(tests, strategy, TEST_MILLIS);
    }

    private List<Double> measure(int tests, Strategy strategy, int testMillis) throws Exception {
        List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(PARALLELISM);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < PARALLELISM; w++) {
            int worker = w;
            done.add(workers.submit(() -> {
                while (next.getAndIncrement() < tests) {
                    long start = System.nanoTime();
                    String database = strategy.acquire(worker);
                    millis.add((System.nanoTime() - start) / 1e6);
                    long began = System.nanoTime();
                    work(database);
                    long left = testMillis - (System.nanoTime() - began) / 1_000_000;
                    if (left > 0) {
                        Thread.sleep(left);
                    }
                    strategy.release(worker, database);
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        workers.shutdown();
        return millis;
    }

    /** What a test does with its database: an insert and a query. */
    private void work(String database) throws SQLException {
        try (Connection connection = server.database(database).dataSource("bench").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO t1 (name) VALUES ('test')");
            statement.executeQuery("SELECT count(*) FROM t1 JOIN t2 ON t2.t1_id = t1.id").close();
        }
    }

    private Strategy pool(ClonePool pool) {
        return new Strategy() {
            public String acquire(int worker) {
                return pool.acquire();
            }

            public void release(int worker, String database) {
                pool.release(database);
            }
        };
    }

    private Strategy syncClone() throws SQLException {
        AtomicInteger counter = new AtomicInteger();
        List<Connection> sessions = maintenanceSessions();
        return new Strategy() {
            public String acquire(int worker) throws SQLException {
                String database = "bench_sync_" + counter.incrementAndGet();
                Sql.execute(sessions.get(worker), "CREATE DATABASE " + database + " TEMPLATE " + template);
                return database;
            }

            public void release(int worker, String database) throws SQLException {
                Sql.execute(sessions.get(worker), "DROP DATABASE " + database + " WITH (FORCE)");
            }
        };
    }

    /** One open session per worker, as a test helper keeps: connecting is not what is measured. */
    private List<Connection> maintenanceSessions() throws SQLException {
        List<Connection> sessions = new ArrayList<>();
        for (int w = 0; w < PARALLELISM; w++) {
            sessions.add(Sql.connect(server.maintenance(), "the benchmark server"));
        }
        return sessions;
    }

    private Strategy migrateEachTime() {
        AtomicInteger counter = new AtomicInteger();
        return new Strategy() {
            public String acquire(int worker) throws SQLException {
                String database = "bench_migrate_" + counter.incrementAndGet();
                execute("CREATE DATABASE " + database + " TEMPLATE template0");
                var dataSource = server.database(database).dataSource("bench");
                engine.apply(dataSource, engine.plan(dataSource), dev.rehearsal.engine.MigrationObserver.NONE);
                return database;
            }

            public void release(int worker, String database) throws SQLException {
                execute("DROP DATABASE " + database + " WITH (FORCE)");
            }
        };
    }

    private Strategy truncateAndReseed() throws SQLException {
        List<String> databases = perWorkerDatabases("bench_truncate_");
        List<Connection> sessions = new ArrayList<>();
        for (String database : databases) {
            sessions.add(server.database(database).dataSource("bench").getConnection());
        }
        StringBuilder truncate = new StringBuilder("TRUNCATE ");
        for (int t = 1; t <= TABLES; t++) {
            truncate.append(t == 1 ? "" : ", ").append('t').append(t);
        }
        truncate.append(" RESTART IDENTITY");
        return new Strategy() {
            public String acquire(int worker) throws SQLException {
                try (Statement statement = sessions.get(worker).createStatement()) {
                    statement.execute(truncate.toString());
                    statement.execute(seed());
                }
                return databases.get(worker);
            }

            public void release(int worker, String database) {
            }
        };
    }

    /** A connection per worker kept open, as a transaction-per-test framework's pool keeps it. */
    private Strategy rollback() throws SQLException {
        List<String> databases = perWorkerDatabases("bench_rollback_");
        List<Connection> sessions = new ArrayList<>();
        for (String database : databases) {
            Connection connection = server.database(database).dataSource("bench").getConnection();
            connection.setAutoCommit(false);
            sessions.add(connection);
        }
        return new Strategy() {
            public String acquire(int worker) throws SQLException {
                try (Statement statement = sessions.get(worker).createStatement()) {
                    statement.execute("SELECT 1"); // BEGIN reaches the server with the first statement
                }
                return databases.get(worker);
            }

            public void release(int worker, String database) throws SQLException {
                sessions.get(worker).rollback();
            }
        };
    }

    private List<String> perWorkerDatabases(String prefix) throws SQLException {
        List<String> databases = new ArrayList<>();
        for (int w = 0; w < PARALLELISM; w++) {
            String database = prefix + w;
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            execute("CREATE DATABASE " + database + " TEMPLATE " + template);
            databases.add(database);
        }
        return databases;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = Sql.connect(server.maintenance(), "the benchmark server")) {
            Sql.execute(connection, sql);
        }
    }

    private String serverVersion() throws SQLException {
        try (Connection connection = Sql.connect(server.maintenance(), "the benchmark server");
             Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SHOW server_version")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** 120 tables in a chain of foreign keys, each with an index, and a few seed rows in the first ones. */
    private static void writeSchema(Path directory) throws java.io.IOException {
        StringBuilder ddl = new StringBuilder();
        for (int t = 1; t <= TABLES; t++) {
            ddl.append("CREATE TABLE t").append(t).append(" (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, ")
                    .append("name text NOT NULL, created timestamptz NOT NULL DEFAULT now()")
                    .append(t == 1 ? "" : ", t1_id bigint REFERENCES t1 (id)").append(");\n")
                    .append("CREATE INDEX t").append(t).append("_name ON t").append(t).append(" (name);\n");
        }
        Files.writeString(directory.resolve("V1__schema.sql"), ddl);
        Files.writeString(directory.resolve("V2__seed.sql"), seed());
    }

    private static String seed() {
        return "INSERT INTO t1 (name) SELECT 'seed ' || i FROM generate_series(1, 20) i; "
                + "INSERT INTO t2 (name, t1_id) SELECT 'seed ' || i, i FROM generate_series(1, 20) i;";
    }

    private static String row(String strategy, List<Double> millis, String note) {
        return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %s |", strategy, millis.size(),
                percentile(millis, 50), percentile(millis, 95), percentile(millis, 99), note);
    }

    private static double percentile(List<Double> values, int percentile) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String section(List<String> rows, double poolP50, double syncP50, String postgres) {
        return "## Test database acquire latency\n\n"
                + "Measured " + LocalDate.now() + " on " + Report.machine() + ", PostgreSQL " + postgres
                + " (embedded, fsync off).\n\n"
                + "How long a test waits for its own migrated database (" + TABLES + " tables with indexes and "
                + "foreign keys), two tests at a time; each test then inserts and queries, and keeps its database "
                + TEST_MILLIS + " ms in all, as a typical integration test does. "
                + "Targets for the pool: p50 ≤ 2 ms, p99 ≤ 20 ms, ≥ 5× faster than a synchronous clone.\n\n"
                + "| strategy | tests | p50 ms | p95 ms | p99 ms | note |\n|---|---|---|---|---|---|\n"
                + String.join("\n", rows) + "\n\n"
                + String.format(Locale.ROOT, "The pool's median wait is %.0f× shorter than a synchronous clone's.",
                syncP50 / Math.max(poolP50, 0.001)) + "\n\n"
                + "Run it: `mvn -B -ntp -q -Pbenchmarks -DskipTests verify`.\n";
    }
}
