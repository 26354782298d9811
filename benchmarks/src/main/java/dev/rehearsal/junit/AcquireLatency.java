package dev.rehearsal.junit;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.benchmarks.Report;
import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.testing.XfsLoopMount;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;

/**
 * How long a test waits for its isolated, migrated database, per strategy, two tests at a time, on a schema of 120
 * tables. The extension's warm pool as it is and as it was ({@link FormerClonePool}), interleaved A-B-B-A in one run
 * after a warm-up, for tests that keep their database 50 ms and for tests back to back, on the default file system
 * and, where a loop mount can be made (root, xfsprogs), on XFS with reflinks; then what a clone, a test and a drop
 * cost ({@link CloneCosts}), which bounds any pool; then the other ways: a synchronous
 * {@code CREATE DATABASE ... TEMPLATE} per test (pgtestdb's way), the migrations run again per test, {@code TRUNCATE}
 * and reseed, a transaction rolled back. Each test connects to its database, inserts and queries. Writes its section of
 * BENCHMARKS.md. In this package to reach the extension's pool directly.
 */
public final class AcquireLatency {
    private static final int TABLES = 120;
    private static final int TESTS = 500;
    private static final int WARM_UP_TESTS = 100;
    private static final int SLOW_TESTS = 40;
    private static final int PARALLELISM = 2;
    /** How long a typical integration test keeps its database: its queries plus the code under test. */
    private static final int TEST_MILLIS = 50;
    /** Both pools keep this many ready before the first test (the former one only this many). */
    private static final int MINIMUM = 8;

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

    /** A pool under test, the current one or the former one, as a strategy, with how often a test waited. */
    private record Pool(Strategy strategy, IntSupplier waits, Supplier<String> note, AutoCloseable closer)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    /** The acquire and test times of one run, how many tests waited for a clone, and how fast the tests went. */
    private record Run(List<Double> millis, List<Double> testMillis, int waits, String note, double testsPerSecond) {
    }

    /** One file system's runs: the table's rows, the costs and the back-to-back pace of the current pool. */
    private record Measured(String where, List<String> rows, CloneCosts.Result costs, double backToBack) {
    }

    public static void main(String[] args) throws Exception {
        if (!Report.selected("acquire-latency")) {
            return;
        }
        Path report = Path.of(args.length > 0 ? args[0] : "BENCHMARKS.md");
        String loadBefore = Report.load();
        Path migrations = Files.createTempDirectory("rehearsal-acquire");
        writeSchema(migrations);
        FlywayEngine engine = FlywayEngine.of(Flyway.configure().locations("filesystem:" + migrations));
        TestServer server = TestServer.get();
        AcquireLatency benchmark = new AcquireLatency(server, engine, MigratedTemplate.ensure(server, engine));
        String fileSystem = describe(Files.getFileStore(Path.of(System.getProperty(
                TestServer.DATA_DIRECTORY_PROPERTY, "target/rehearsal-postgres"))));

        List<Measured> measured = new ArrayList<>();
        measured.add(benchmark.onThisFileSystem(fileSystem, true));
        Path work = Files.createTempDirectory("rehearsal-acquire-xfs");
        XfsLoopMount.Result mounted = XfsLoopMount.tryMount(work, 8L << 30);
        if (mounted.mount() != null) {
            try (XfsLoopMount xfs = mounted.mount(); EmbeddedPostgres postgres = embedded(xfs.path().resolve("pg"))) {
                TestServer onXfs = TestServer.external(DatabaseLocation.of("jdbc:postgresql://localhost:"
                        + postgres.getPort() + "/postgres", "postgres", null));
                measured.add(new AcquireLatency(onXfs, engine, MigratedTemplate.ensure(onXfs, engine))
                        .onThisFileSystem("XFS with reflinks", false));
            }
        }
        deleteTree(work);

        List<String> rows = new ArrayList<>();
        measured.forEach(m -> rows.addAll(m.rows()));
        rows.add(row("synchronous CREATE DATABASE … TEMPLATE per test",
                benchmark.measure(TESTS, benchmark.syncClone(), TEST_MILLIS), ""));
        rows.add(row("migrations run again per test (CREATE DATABASE + Flyway)",
                benchmark.measure(SLOW_TESTS, benchmark.migrateEachTime(), TEST_MILLIS), SLOW_TESTS + " tests"));
        rows.add(row("TRUNCATE every table + reseed",
                benchmark.measure(TESTS, benchmark.truncateAndReseed(), TEST_MILLIS), ""));
        rows.add(row("transaction rolled back (one database per worker)",
                benchmark.measure(TESTS, benchmark.rollback(), TEST_MILLIS),
                "not isolated from what the code commits"));

        String section = section(fileSystem, rows, measured,
                mounted.mount() != null ? "" : "No XFS loop mount here (" + mounted.whyNot() + ").",
                benchmark.serverVersion(), loadBefore, Report.load());
        Report.replaceSection(report, "acquire-latency", section);
        System.out.println(section);
    }

    /**
     * The pools compared on this server (tests of 50 ms too if {@code slowTests}, always back to back), after a
     * warm-up run, and what a clone costs here.
     */
    private Measured onThisFileSystem(String where, boolean slowTests) throws Exception {
        try (Pool pool = current()) {
            measure(WARM_UP_TESTS, pool.strategy(), 0); // the first clones of a new template wait on its checkpoint
        }
        List<String> rows = new ArrayList<>();
        String prefix = where.startsWith("XFS") ? where + ": " : "";
        if (slowTests) {
            rows.addAll(comparePools(prefix, "tests of " + TEST_MILLIS + " ms", TEST_MILLIS).rows());
        }
        Compared backToBack = comparePools(prefix, "tests back to back", 0);
        rows.addAll(backToBack.rows());
        CloneCosts.Result costs = new CloneCosts(server, template, this::work).measure();
        return new Measured(where, rows, costs, backToBack.currentTestsPerSecond());
    }

    /** The rows of a comparison, and how many tests a second the current pool served. */
    private record Compared(List<String> rows, double currentTestsPerSecond) {
    }

    /** The current pool and the former one, A-B-B-A, each run on a pool of its own filled before the first test. */
    private Compared comparePools(String prefix, String tests, int testMillis) throws Exception {
        Map<Boolean, List<Run>> runs = new LinkedHashMap<>();
        for (boolean current : new boolean[] {true, false, false, true}) {
            try (Pool pool = current ? current() : former()) {
                Thread.sleep(3000); // the pool fills before the first test, as it does while JUnit discovers tests
                Run run = measure(TESTS, pool.strategy(), testMillis);
                run = new Run(run.millis(), run.testMillis(), pool.waits().getAsInt(), pool.note().get(),
                        run.testsPerSecond());
                runs.computeIfAbsent(current, k -> new ArrayList<>()).add(run);
                System.out.printf(Locale.ROOT, "%s%s, %s: p99 %.2f ms, waited %d×, %.1f tests/s (load %s)%n",
                        prefix, current ? "pool" : "former pool", tests, percentile(run.millis(), 99), run.waits(),
                        run.testsPerSecond(), Report.load());
            }
        }
        List<String> rows = new ArrayList<>();
        runs.forEach((current, both) -> rows.add(row(prefix + (current ? "**warm pool**, " : "former pool, ")
                + tests, both)));
        return new Compared(rows, runs.get(true).stream().mapToDouble(Run::testsPerSecond).average().orElse(0));
    }

    private Pool current() {
        ClonePool pool = new ClonePool(server, template, ClonePool.Settings.of(MINIMUM));
        return new Pool(strategy(pool::acquire, pool::release), () -> pool.usage().misses(),
                () -> "at most " + pool.usage().peak() + " ready or in the making", pool);
    }

    private Pool former() {
        FormerClonePool pool = new FormerClonePool(server, template, MINIMUM);
        return new Pool(strategy(pool::acquire, pool::release), pool::misses, () -> "", pool);
    }

    private static Strategy strategy(Supplier<String> acquire, java.util.function.Consumer<String> release) {
        return new Strategy() {
            public String acquire(int worker) {
                return acquire.get();
            }

            public void release(int worker, String database) {
                release.accept(database);
            }
        };
    }

    /** {@code tests} tests, {@value #PARALLELISM} at a time, each keeping its database at least {@code testMillis}. */
    private Run measure(int tests, Strategy strategy, int testMillis) throws Exception {
        List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        List<Double> testTimes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(PARALLELISM);
        List<Future<?>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < PARALLELISM; w++) {
            int worker = w;
            done.add(workers.submit(() -> {
                while (next.getAndIncrement() < tests) {
                    long asked = System.nanoTime();
                    String database = strategy.acquire(worker);
                    long began = System.nanoTime();
                    millis.add((began - asked) / 1e6);
                    work(database);
                    testTimes.add((System.nanoTime() - began) / 1e6);
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
        return new Run(millis, testTimes, 0, "", tests / ((System.nanoTime() - start) / 1e9));
    }

    /** What a test does with its database: connects, inserts and queries. */
    private void work(String database) throws SQLException {
        try (Connection connection = server.database(database).dataSource("bench").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO t1 (name) VALUES ('test')");
            statement.executeQuery("SELECT count(*) FROM t1 JOIN t2 ON t2.t1_id = t1.id").close();
        }
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
                engine.apply(dataSource, engine.plan(dataSource), dev.rehearsal.engine.MigrationEngine.MigrationObserver.NONE);
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

    /** A second server set up as the extension sets up its own (see TestServer), in {@code directory}. */
    private static EmbeddedPostgres embedded(Path directory) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(true)
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "300")
                .start();
    }

    /** 120 tables in a chain of foreign keys, each with an index, and a few seed rows in the first ones. */
    private static void writeSchema(Path directory) throws IOException {
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

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A pool's row: its runs' acquisitions together, and for each run how many tests waited and how fast they went. */
    private static String row(String strategy, List<Run> runs) {
        List<Double> millis = new ArrayList<>();
        List<Double> testMillis = new ArrayList<>();
        runs.forEach(run -> {
            millis.addAll(run.millis());
            testMillis.addAll(run.testMillis());
        });
        String notes = runs.stream().map(Run::note).filter(note -> !note.isEmpty()).distinct()
                .collect(Collectors.joining("; "));
        return row(strategy, millis, runs.stream().map(run -> Integer.toString(run.waits()))
                        .collect(Collectors.joining(" + ")),
                runs.stream().map(run -> String.format(Locale.ROOT, "%.1f", run.testsPerSecond()))
                        .collect(Collectors.joining(", ")),
                String.format(Locale.ROOT, "a test took %.0f ms (median)", percentile(testMillis, 50))
                        + (notes.isEmpty() ? "" : "; " + notes));
    }

    /**
     * The file system's type, and for ext4 whether it has a journal (the kernel lists each journal under
     * {@code /proc/fs/jbd2}): without one, ext4 makes new files slower while many were deleted in the last minutes.
     */
    private static String describe(FileStore store) {
        if (!store.type().equals("ext4")) {
            return store.type();
        }
        String device = Path.of(store.name()).getFileName().toString();
        return Files.exists(Path.of("/proc/fs/jbd2", device + "-8")) ? "ext4" : "ext4 without a journal";
    }

    private static String row(String strategy, Run run, String note) {
        return row(strategy, run.millis(), "—", String.format(Locale.ROOT, "%.1f", run.testsPerSecond()), note);
    }

    private static String row(String strategy, List<Double> millis, String waits, String testsPerSecond,
                              String note) {
        return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %s | %s | %s |", strategy, millis.size(),
                percentile(millis, 50), percentile(millis, 95), percentile(millis, 99), waits, testsPerSecond, note);
    }

    private static double percentile(List<Double> values, int percentile) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String section(String fileSystem, List<String> rows, List<Measured> measured, String xfsNote,
                                  String postgres, String loadBefore, String loadAfter) {
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder costs = new StringBuilder();
        StringBuilder findings = new StringBuilder();
        for (Measured m : measured) {
            CloneCosts.Result c = m.costs();
            List<Double> pace = c.perSecond();
            costs.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.0f ms | %s | %s |%n",
                    m.where(), c.create().format(), c.test().format(), c.uncachedTest().format(),
                    c.connect().format(), c.drop().format(),
                    c.cpuPerTest(), pace.stream().map(perSecond -> String.format(Locale.ROOT, "%.1f", perSecond))
                            .collect(Collectors.joining(" / ")), c.waits()));
            findings.append(String.format(Locale.ROOT, " On %s a test back to back costs %.0f ms of CPU in all: "
                            + "%.0f its own (connecting to a fresh database, then its queries; any connection costs "
                            + "the server %.0f), %.0f its clone and %.0f its drop. So %d cores could serve at most "
                            + "%.0f such tests a second if nothing else ran; the pool served %.1f a second here. "
                            + "With two fillers the pool made %.1f× the clones a second it made with one, with four "
                            + "%.1f×. The template's relation cache file saved each test %.0f ms of CPU and %.0f ms "
                            + "of its time.", m.where(), c.cpuPerTest(), c.test().cpu(), c.connect().cpu(),
                    c.create().cpu(), c.drop().cpu(), cores, cores * 1000 / c.cpuPerTest(), m.backToBack(),
                    pace.get(1) / pace.get(0), pace.get(2) / pace.get(0), c.uncachedTest().cpu() - c.test().cpu(),
                    c.uncachedTest().wall() - c.test().wall()));
        }
        return "## Test database acquire latency\n\n"
                + "Measured " + LocalDate.now() + " on " + Report.machine() + ", PostgreSQL " + postgres
                + " (embedded, fsync off), data directory on " + fileSystem + "; load average (1, 5, 15 minutes) "
                + loadBefore + " before, " + loadAfter + " after (the benchmark itself keeps about 2 busy; more is "
                + "others' work on this shared machine).\n\n"
                + "How long a test waits for its own migrated database (" + TABLES + " tables with indexes and "
                + "foreign keys), " + PARALLELISM + " tests at a time; each test connects, inserts and queries, and "
                + "keeps its database " + TEST_MILLIS + " ms in all as a typical integration test does, or hands it "
                + "back at once (back to back). The pool as it is (" + ClonePool.Settings.of(MINIMUM).fillers()
                + " fillers here; as many ready or in the making as the tests' pace asks for; a test that finds "
                + "none ready waits for the next one made) and as it was (0.1.0: a fixed " + MINIMUM + " ready, "
                + "topped up by two threads after each test; a test that finds none ready makes one itself) "
                + "run interleaved A-B-B-A after a warm-up, " + TESTS + " tests a run, each on a pool filled before "
                + "the first test; both keep " + MINIMUM + " ready at least. \"Waited\": tests of each run that found "
                + "no clone ready. Targets for the pool: p50 ≤ 2 ms, p99 ≤ 20 ms, ≥ 5× faster than a "
                + "synchronous clone.\n\n"
                + "| strategy | tests | p50 ms | p95 ms | p99 ms | waited | tests/s | note |\n"
                + "|---|---|---|---|---|---|---|---|\n"
                + String.join("\n", rows) + "\n\n" + (xfsNote.isEmpty() ? "" : xfsNote + "\n\n")
                + "What a pool is up against, one at a time (CPU: the server's processes, and for a test its JVM "
                + "thread too): a clone (`CREATE DATABASE … STRATEGY FILE_COPY`, `file_copy_method = clone`); a test "
                + "on a fresh clone; the same on a clone of a template without its relation cache file "
                + "(`pg_internal.init`: the server deletes it when it starts, so the pool connects to the template "
                + "once for its clones to copy one); a connection alone (to the maintenance database); a drop. Then "
                + "how many clones a second the pool makes, and drops, with one, two and four fillers for a test "
                + "that takes each as soon as it can (run 1, 2, 4, 4, 2, 1 fillers; the mean of each pair), and what "
                + "four fillers and the dropper wait on.\n\n"
                + "| file system | clone | test | test, template without cache file | a connection alone | drop "
                + "| CPU a test, all three | clones a second, 1 / 2 / 4 fillers | 4 fillers wait on |\n"
                + "|---|---|---|---|---|---|---|---|---|\n"
                + costs + "\n"
                + "What bounds a pool when tests run back to back: every test needs a clone made and dropped, and "
                + "the tests, the clones and the drops share the cores." + findings + " A pool cannot go beyond "
                + "that: it can only make the clones while the tests run, so that no test waits for one, which "
                + "takes fillers enough to get the clones' share of the CPU."
                + (fileSystem.endsWith("without a journal") ? " On ext4 without a journal the kernel passes over the "
                + "inodes freed in the last minutes when it makes a file, so a clone made while others are dropped "
                + "costs more than one made alone (compare the pool's pace with the costs one at a time)."
                : "") + "\n\n"
                + "Run it: `mvn -B -ntp -q -Pbenchmarks -DskipTests -Dbenchmark=acquire-latency verify` (as root, "
                + "with xfsprogs, for the XFS loop mount).\n";
    }
}
