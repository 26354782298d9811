package dev.rehearsal.benchmarks;

import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.XfsLoopMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How long it takes to branch a 100 MB and a 1 GB database, and how much disk the branch takes, by each method side
 * by side in one run, interleaved so that the shared machine's noise falls on all alike: {@code CREATE DATABASE}
 * with {@code STRATEGY WAL_LOG} (PostgreSQL's default), {@code FILE_COPY}, {@code FILE_COPY} with
 * {@code file_copy_method = clone} (PostgreSQL 18), the snapshot-copy provider, and as the reference
 * {@code pg_dump -Fd -j2} then {@code pg_restore -j2}. Every server's data directory is on one loop-mounted XFS
 * (reflinks) when the machine allows it. Writes its section of BENCHMARKS.md.
 *
 * <p>Debian's pg_dump is version 15 and cannot dump a PostgreSQL 18 server, so the dump-based methods copy from a
 * PostgreSQL 15 server holding the same data; the template methods run on PostgreSQL 18.
 */
public final class BranchSpeed {
    private static final int ROUNDS = 3;
    private static final long MIB = 1024 * 1024;
    private static final Map<String, Long> SIZES = new LinkedHashMap<>();

    static {
        // rows of ~610 bytes on disk (with the primary key): 100 MB and 1 GB on disk; a quick trial of the benchmark itself
        // with -Drehearsal.bench.quick=true
        boolean quick = Boolean.getBoolean("rehearsal.bench.quick");
        SIZES.put(quick ? "10 MB" : "100 MB", quick ? 16_000L : 165_000L);
        SIZES.put(quick ? "20 MB" : "1 GB", quick ? 32_000L : 1_750_000L);
    }

    private final Path work;
    private final XfsLoopMount xfs;
    private final TestPostgres pg18;
    private final TestPostgres pg15;
    private final Path pgBin;

    private BranchSpeed(Path work, XfsLoopMount xfs, TestPostgres pg18, TestPostgres pg15, Path pgBin) {
        this.work = work;
        this.xfs = xfs;
        this.pg18 = pg18;
        this.pg15 = pg15;
        this.pgBin = pgBin;
    }

    /** A way of branching, timed on one server. */
    private interface Method {
        String name();

        TestPostgres server();

        /** Makes the copy, returns its database name. */
        String copy(String source) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (!Report.selected("branch-speed")) {
            return;
        }
        Path report = Path.of(args.length > 0 ? args[0] : "BENCHMARKS.md");
        Path work = Files.createTempDirectory("rehearsal-branch-speed");
        XfsLoopMount.Result mounted = XfsLoopMount.tryMount(work, 24 * 1024 * MIB);
        Path base = mounted.mount() != null ? mounted.mount().path() : work;
        String fileSystem = mounted.mount() != null ? "XFS on a loop device (reflinks)"
                : "the default file system (no XFS loop mount: " + mounted.whyNot() + ")";
        TestPostgres pg18 = TestPostgres.startIn(base.resolve("pg18"));
        TestPostgres pg15 = TestPostgres.postgres15In(base.resolve("pg15"));
        try {
            BranchSpeed benchmark = new BranchSpeed(work, mounted.mount(), pg18, pg15,
                    Path.of("/usr/lib/postgresql/15/bin"));
            String section = benchmark.run(fileSystem);
            Report.replaceSection(report, "branch-speed", section);
            System.out.println(section);
        } finally {
            pg18.stop();
            pg15.stop();
            if (mounted.mount() != null) {
                mounted.mount().close();
            }
            deleteTree(work);
        }
    }

    private String run(String fileSystem) throws Exception {
        List<Method> methods = methods();
        Map<String, Map<String, List<Long>>> millis = new LinkedHashMap<>();
        Map<String, Map<String, Long>> disk = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Map.Entry<String, Long> size : SIZES.entrySet()) {
            String source = "src_" + size.getValue();
            for (TestPostgres server : List.of(pg18, pg15)) {
                seed(server, source, size.getValue());
            }
            sizes.put(size.getKey(), Long.parseLong(pg18.query(source,
                    "SELECT pg_database_size(current_database())").get(0)));
            for (int round = 0; round < ROUNDS; round++) {
                for (Method method : methods) {
                    long used = usedBytes(method.server());
                    long start = System.nanoTime();
                    String copy = method.copy(source);
                    long elapsed = (System.nanoTime() - start) / 1_000_000;
                    long taken = usedBytes(method.server()) - used;
                    method.server().dropDatabase(copy);
                    millis.computeIfAbsent(method.name(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(size.getKey(), k -> new ArrayList<>()).add(elapsed);
                    disk.computeIfAbsent(method.name(), k -> new LinkedHashMap<>()).merge(size.getKey(), taken,
                            Math::max);
                    System.out.printf(Locale.ROOT, "%-40s %-7s round %d: %6d ms, %5d MiB of disk%n", method.name(),
                            size.getKey(), round + 1, elapsed, taken / MIB);
                }
            }
            for (TestPostgres server : List.of(pg18, pg15)) {
                server.dropDatabase(source);
            }
        }
        return section(fileSystem, methods, millis, disk, sizes);
    }

    private List<Method> methods() {
        List<Method> methods = new ArrayList<>();
        methods.add(sql("CREATE DATABASE … STRATEGY WAL_LOG (default)", pg18, "WAL_LOG"));
        methods.add(provider("CREATE DATABASE … STRATEGY FILE_COPY", pg18,
                TemplateBranchProvider.builder().prefix("bench_").clone(false).build()));
        methods.add(provider("FILE_COPY with file_copy_method = clone (template provider)", pg18,
                TemplateBranchProvider.builder().prefix("bench_").build()));
        methods.add(provider("snapshot copy provider (live source, pg_dump/pg_restore -j2)", pg15,
                SnapshotCopyBranchProvider.builder().prefix("bench_").jobs(2).build()));
        methods.add(pgDumpRestore());
        return methods;
    }

    private static Method sql(String name, TestPostgres server, String strategy) {
        return new Method() {
            private int counter;

            public String name() {
                return name;
            }

            public TestPostgres server() {
                return server;
            }

            public String copy(String source) {
                String copy = "bench_" + strategy.toLowerCase(Locale.ROOT) + "_" + ++counter;
                server.execute("postgres", "CREATE DATABASE " + copy + " TEMPLATE " + source + " STRATEGY "
                        + strategy);
                return copy;
            }
        };
    }

    private static Method provider(String name, TestPostgres server, BranchProvider provider) {
        return new Method() {
            public String name() {
                return name;
            }

            public TestPostgres server() {
                return server;
            }

            public String copy(String source) {
                Branch branch = provider.create(new BranchRequest(server.location(source), Duration.ofHours(1),
                        "benchmark"));
                return branch.name(); // dropped by the benchmark, outside the timing

            }
        };
    }

    /** The reference: {@code pg_dump -Fd -j2} to a directory, then {@code pg_restore -j2} into a new database. */
    private Method pgDumpRestore() {
        return new Method() {
            private int counter;

            public String name() {
                return "pg_dump -Fd -j2, pg_restore -j2 (reference)";
            }

            public TestPostgres server() {
                return pg15;
            }

            public String copy(String source) throws Exception {
                String copy = "bench_dump_" + ++counter;
                Path dump = work.resolve("dump_" + counter);
                try {
                    exec(pgBin.resolve("pg_dump").toString(), "-h", "localhost", "-p", String.valueOf(pg15.port()),
                            "-U", "postgres", "-Fd", "-j2", "-f", dump.toString(), source);
                    pg15.execute("postgres", "CREATE DATABASE " + copy + " TEMPLATE template0");
                    exec(pgBin.resolve("pg_restore").toString(), "-h", "localhost", "-p",
                            String.valueOf(pg15.port()), "-U", "postgres", "-j2", "-d", copy, dump.toString());
                } finally {
                    deleteTree(dump);
                }
                return copy;
            }
        };
    }

    private static void seed(TestPostgres server, String database, long rows) {
        server.execute("postgres", "CREATE DATABASE " + database);
        server.execute(database, "CREATE TABLE big (i bigint PRIMARY KEY, pad text)",
                "INSERT INTO big SELECT i, repeat(md5(i::text), 16) FROM generate_series(1, " + rows + ") i",
                "VACUUM ANALYZE big", "CHECKPOINT");
    }

    /** Disk in use under the server's data directory's file system, after a checkpoint wrote everything out. */
    private long usedBytes(TestPostgres server) throws IOException {
        server.execute("postgres", "CHECKPOINT");
        if (xfs != null) {
            return xfs.usedBytes();
        }
        var store = Files.getFileStore(work);
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }

    private String section(String fileSystem, List<Method> methods, Map<String, Map<String, List<Long>>> millis,
                           Map<String, Map<String, Long>> disk, Map<String, Long> sizes) {
        StringBuilder text = new StringBuilder("## Branching speed\n\n");
        text.append("Measured ").append(LocalDate.now()).append(" on ").append(Report.machine())
                .append(", PostgreSQL ").append(pg18.query("postgres", "SHOW server_version").get(0))
                .append(" and ").append(pg15.query("postgres", "SHOW server_version").get(0))
                .append(" (embedded, fsync off), data directories on ").append(fileSystem).append(".\n\n");
        text.append("Time to make a copy of a database (one table with a primary key), median of ").append(ROUNDS)
                .append(" interleaved rounds (min–max), and the disk the copy took (after a checkpoint). Sizes: ");
        sizes.forEach((label, bytes) -> text.append(label).append(" = ").append(bytes / MIB).append(" MiB; "));
        text.setLength(text.length() - 2);
        text.append(".\n\n| method | server |");
        SIZES.keySet().forEach(size -> text.append(' ').append(size).append(" |"));
        SIZES.keySet().forEach(size -> text.append(" disk, ").append(size).append(" |"));
        text.append("\n|---|---|");
        SIZES.keySet().forEach(size -> text.append("---|---|"));
        text.append('\n');
        for (Method method : methods) {
            text.append("| ").append(method.name()).append(" | PostgreSQL ")
                    .append(method.server() == pg18 ? "18" : "15").append(" |");
            for (String size : SIZES.keySet()) {
                text.append(' ').append(stats(millis.get(method.name()).get(size))).append(" |");
            }
            for (String size : SIZES.keySet()) {
                text.append(' ').append(Math.max(0, disk.get(method.name()).get(size)) / MIB).append(" MiB |");
            }
            text.append('\n');
        }
        text.append("\nThe template methods need the source free of other sessions (Rehearsal's template provider "
                + "says so and who is connected); the dump-based ones copy a live database. Debian's pg_dump 15 "
                + "cannot dump PostgreSQL 18, hence the second server.\n\n");
        text.append("Run it: `mvn -B -ntp -q -Pbenchmarks -DskipTests verify` (as root, with xfsprogs, for the "
                + "XFS loop mount).\n");
        return text.toString();
    }

    private static String stats(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        return String.format(Locale.ROOT, "%d ms (%d–%d)", median, sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException(command[0] + " failed: " + output);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
