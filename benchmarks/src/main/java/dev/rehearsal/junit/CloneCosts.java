package dev.rehearsal.junit;

import dev.rehearsal.internal.Sql;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What one clone, one test and one drop cost, in time and in CPU, and how many clones a second the extension's pool
 * makes (and drops) with one, two and four fillers: what bounds a pool that must make a clone for every test. CPU is
 * the server's (its processes' times from {@code /proc}, the postmaster's reaped children included) plus, for a
 * test, the JVM thread that ran it; the server must be on this machine.
 */
final class CloneCosts {
    /** Operations a serial measurement averages over. */
    private static final int SERIAL = 24;
    /** Clones taken per measurement of the pool's pace. */
    private static final int CYCLES = 48;
    /** The pool's maximum while its pace is measured: what a small template allows by default is more. */
    private static final int PACE_MAXIMUM = 8;
    private static final int[] FILLERS = {1, 2, 4};
    /** Linux's USER_HZ: the unit of the times in {@code /proc/<pid>/stat}. */
    private static final int TICKS_PER_SECOND = 100;

    private final TestServer server;
    private final String template;
    private final Work work;

    /** Something done to a database: a test's work (the benchmark's own, so that the costs match its runs). */
    interface Work {
        void on(String database) throws SQLException;
    }

    /**
     * Averages of {@value #SERIAL}, one at a time: wall and CPU milliseconds of a clone, of a test on a fresh one
     * (and on one whose template had no relation cache file), of a connection to the server's maintenance database
     * (what any connection costs), and of a drop; clones a second the pool makes, and
     * drops, with one, two and four fillers (the mean of two runs each); what the four wait on.
     */
    record Result(Cost create, Cost test, Cost uncachedTest, Cost connect, Cost drop, List<Double> perSecond,
                  String waits) {
        /** CPU for each test that takes a fresh clone: the test's, its clone's and its drop's. */
        double cpuPerTest() {
            return test.cpu() + create.cpu() + drop.cpu();
        }
    }

    /** Wall and CPU milliseconds of one operation. */
    record Cost(double wall, double cpu) {
        String format() {
            return String.format(Locale.ROOT, "%.0f ms (CPU %.0f ms)", wall, cpu);
        }
    }

    CloneCosts(TestServer server, String template, Work work) {
        this.server = server;
        this.template = template;
        this.work = work;
    }

    Result measure() throws Exception {
        try (Connection session = session()) {
            Path dataDirectory = dataDirectory(session);
            long postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0)
                    .strip());
            // the relation cache file clones copy from their template (see ClonePool): without it, and with it
            Files.deleteIfExists(dataDirectory.resolve("base").resolve(oid(session, template))
                    .resolve("pg_internal.init"));
            Cost uncached = serial(session, postmaster)[1];
            Sql.connect(server.database(template), "the template").close();
            Cost[] costs = serial(session, postmaster);
            List<String> maintenance = Collections.nCopies(SERIAL, server.maintenance().database());
            Cost connect = timed(postmaster, maintenance, database -> Sql.connect(server.database(database),
                    "the benchmark server").close());
            // 1, 2, 4, 4, 2, 1 fillers: what a file system does after many drops falls on each count alike
            Map<Integer, Double> paces = new TreeMap<>();
            Map<String, Integer> samples = new TreeMap<>();
            for (int run = 0; run < 2 * FILLERS.length; run++) {
                int fillers = FILLERS[run < FILLERS.length ? run : 2 * FILLERS.length - 1 - run];
                boolean sampled = fillers == FILLERS[FILLERS.length - 1] && samples.isEmpty();
                paces.merge(fillers, pace(fillers, sampled ? samples : null) / 2, Double::sum);
            }
            int total = samples.values().stream().mapToInt(Integer::intValue).sum();
            String waits = samples.entrySet().stream().sorted(Map.Entry.comparingByValue(Collections.reverseOrder()))
                    .limit(5).map(e -> String.format(Locale.ROOT, "%s %.0f %%", e.getKey(),
                            100.0 * e.getValue() / total)).collect(Collectors.joining(", "));
            List<Double> perSecond = List.copyOf(paces.values());
            return new Result(costs[0], costs[1], uncached, connect, costs[2], perSecond, waits);
        }
    }

    /** {@value #SERIAL} clones made, then a test on each, then each dropped: the mean cost of each of the three. */
    private Cost[] serial(Connection session, long postmaster) throws Exception {
        List<String> clones = new ArrayList<>();
        for (int i = 0; i < SERIAL; i++) {
            clones.add("bench_cost_" + i);
        }
        Cost create = timed(postmaster, clones, name -> Sql.execute(session,
                "CREATE DATABASE %I TEMPLATE %I STRATEGY FILE_COPY", name, template));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long jvmBefore = threads.getCurrentThreadCpuTime();
        Cost test = timed(postmaster, clones, work::on);
        double jvm = (threads.getCurrentThreadCpuTime() - jvmBefore) / 1e6 / SERIAL;
        Cost drop = timed(postmaster, clones, name -> Sql.execute(session, "DROP DATABASE %I", name));
        return new Cost[] {create, new Cost(test.wall(), test.cpu() + jvm), drop};
    }

    /** The mean wall and server CPU milliseconds of {@code operation} on each database, one after the other. */
    private Cost timed(long postmaster, List<String> databases, Work operation) throws Exception {
        long cpuBefore = serverCpuMillis(postmaster);
        long start = System.nanoTime();
        for (String database : databases) {
            operation.on(database);
        }
        double wall = (System.nanoTime() - start) / 1e6 / databases.size();
        return new Cost(wall, (serverCpuMillis(postmaster) - cpuBefore) / (double) databases.size());
    }

    /**
     * Clones a second that the extension's pool with {@code fillers} fillers hands to a test that takes them as fast
     * as it can and gives each back at once (so the pool drops as much as it makes); samples what the clones and
     * drops wait on into {@code samples} if given: whether PostgreSQL serializes clones of one template shows as
     * lock waits.
     */
    private double pace(int fillers, Map<String, Integer> samples) throws Exception {
        ExecutorService test = Executors.newSingleThreadExecutor();
        try (ClonePool pool = new ClonePool(server, template, new ClonePool.Settings(1, PACE_MAXIMUM, fillers))) {
            for (int i = 0; i < PACE_MAXIMUM; i++) {
                pool.release(pool.acquire()); // past the clones it made before the first was asked for
            }
            long start = System.nanoTime();
            Future<?> done = test.submit(() -> {
                for (int i = 0; i < CYCLES; i++) {
                    pool.release(pool.acquire());
                }
                return null;
            });
            if (samples != null) {
                sampleWaits(List.of(done), samples);
            }
            done.get();
            return CYCLES / ((System.nanoTime() - start) / 1e9);
        } finally {
            test.shutdown();
        }
    }

    /** What the sessions running CREATE or DROP DATABASE wait on, sampled every 5 ms until the cloners are done. */
    private void sampleWaits(List<Future<?>> cloners, Map<String, Integer> samples) throws Exception {
        try (Connection connection = Sql.connect(server.maintenance(), "the benchmark server");
             var statement = connection.prepareStatement("SELECT coalesce(wait_event_type || ':' || wait_event, "
                     + "'on CPU') FROM pg_stat_activity WHERE state = 'active' AND (query LIKE 'CREATE DATABASE%' "
                     + "OR query LIKE 'DROP DATABASE%')")) {
            while (cloners.stream().anyMatch(future -> !future.isDone())) {
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        samples.merge(rows.getString(1), 1, Integer::sum);
                    }
                }
                Thread.sleep(5);
            }
        }
    }

    /** A session as the pool's workers have: clones by reflink where the file system has them. */
    private Connection session() throws SQLException {
        Connection session = Sql.connect(server.maintenance(), "the benchmark server");
        Sql.execute(session, "SET file_copy_method = clone");
        return session;
    }

    private static Path dataDirectory(Connection session) throws SQLException {
        try (Statement statement = session.createStatement();
             ResultSet rows = statement.executeQuery("SHOW data_directory")) {
            rows.next();
            return Path.of(rows.getString(1));
        }
    }

    private static String oid(Connection session, String database) throws SQLException {
        try (var statement = session.prepareStatement("SELECT oid FROM pg_database WHERE datname = ?")) {
            statement.setString(1, database);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /** CPU milliseconds the server has used: the postmaster, its children gone and its children running. */
    private static long serverCpuMillis(long postmaster) throws IOException {
        long[] own = stat(postmaster);
        long ticks = own[1] + own[2] + own[3] + own[4];
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.toList()) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long[] child = stat(Long.parseLong(name));
                if (child[0] == postmaster) {
                    ticks += child[1] + child[2];
                }
            }
        }
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    /** A process's parent, user and system ticks, and its waited-for children's; zeros if it is gone. */
    private static long[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the fields after the command name, which may hold spaces: state, ppid, ... (fields 3, 4, ...)
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                    Long.parseLong(fields[13]), Long.parseLong(fields[14])};
        } catch (IOException | RuntimeException gone) {
            return new long[5];
        }
    }
}
