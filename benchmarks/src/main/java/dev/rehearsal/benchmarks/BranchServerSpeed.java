package dev.rehearsal.benchmarks;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import dev.rehearsal.server.BranchServer;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.XfsLoopMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Branch and Branch Reset of a live 1 GB and 5 GB source under continuous writes, through the branch server's API
 * (physical mode, the Neon provider as client), side by side in one run with a snapshot copy of the same source: time
 * (median, max), the disk a branch takes, and the writer's p99 latency while branching against the same writer's
 * without branching (the windows between operations). Writes its section of BENCHMARKS.md.
 *
 * <p>Source: PostgreSQL 15 (Debian's pg_basebackup and pg_dump are 15) on the same loop-mounted XFS as the server's
 * data directory when the machine allows it (as root, with xfsprogs).
 */
public final class BranchServerSpeed {
    private static final int ROUNDS = Integer.getInteger("rehearsal.bench.rounds", 5);
    private static final long MIB = 1024 * 1024;
    private static final String KEY = "benchmark-key-0123456789abcdef";
    private static final String PASSWORD = "benchmark-password";
    private static final Map<String, Long> SIZES = new LinkedHashMap<>();

    static {
        boolean quick = Boolean.getBoolean("rehearsal.bench.quick");
        // rows of ~610 bytes on disk with the primary key
        SIZES.put(quick ? "20 MB" : "1 GB", quick ? 32_000L : 1_750_000L);
        SIZES.put(quick ? "50 MB" : "5 GB", quick ? 80_000L : 8_750_000L);
    }

    /** The writer's statements: start time and latency, in nanoseconds. */
    private final List<long[]> writes = Collections.synchronizedList(new ArrayList<>());
    /** The intervals during which a branch or reset ran. */
    private final List<long[]> busy = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) throws Exception {
        if (!Report.selected("branch-server")) {
            return;
        }
        Path report = Path.of(args.length > 0 ? args[0] : "BENCHMARKS.md");
        Path work = Files.createTempDirectory("rehearsal-branch-server-speed");
        XfsLoopMount.Result mounted = XfsLoopMount.tryMount(work, 40 * 1024 * MIB);
        Path base = mounted.mount() != null ? mounted.mount().path() : work;
        String fileSystem = mounted.mount() != null ? "XFS on a loop device (reflinks)"
                : "the default file system (no XFS loop mount: " + mounted.whyNot() + ")";
        TestPostgres source = TestPostgres.postgres15In(base.resolve("source"));
        StringBuilder rows = new StringBuilder();
        try {
            for (Map.Entry<String, Long> size : SIZES.entrySet()) {
                rows.append(new BranchServerSpeed().measure(source, base, mounted.mount(), size.getKey(),
                        size.getValue()));
            }
            String section = section(fileSystem, source, rows.toString());
            Report.replaceSection(report, "branch-server", section);
            System.out.println(section);
        } finally {
            source.stop();
            if (mounted.mount() != null) {
                mounted.mount().close();
            }
        }
    }

    private String measure(TestPostgres source, Path base, XfsLoopMount xfs, String label, long rowCount)
            throws Exception {
        String database = "bench_" + rowCount;
        source.execute("postgres", "CREATE DATABASE " + database);
        source.execute(database, "CREATE TABLE big (i bigint PRIMARY KEY, pad text)",
                "INSERT INTO big SELECT i, repeat(md5(i::text), 16) FROM generate_series(1, " + rowCount + ") i",
                "CREATE TABLE writes (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), n int)",
                "VACUUM ANALYZE big", "CHECKPOINT");
        long bytes = Long.parseLong(source.query(database, "SELECT pg_database_size(current_database())").get(0));
        // the branches are copies of the source and ask for its passwords: the role gets one
        source.execute("postgres", "ALTER ROLE postgres PASSWORD '" + PASSWORD + "'");
        DatabaseLocation target = DatabaseLocation.of(source.jdbcUrl(database), "postgres", PASSWORD);
        Path data = Files.createDirectories(base.resolve("server-" + rowCount));
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(target, writing), "writer");
        List<Long> branchMillis = new ArrayList<>();
        List<Long> resetMillis = new ArrayList<>();
        long disk = 0;
        long snapshotMillis;
        long started = System.nanoTime();
        try (BranchServer server = BranchServer.builder().source(target).dataDirectory(data).apiKey(KEY).port(0)
                .serverBinaries(Path.of(System.getProperty(TestPostgres.POSTGRES_15_PROPERTY)))
                .pgBasebackup(Path.of("/usr/lib/postgresql/15/bin/pg_basebackup")).fastCheckpoint(true).build()
                .start()) {
            System.out.printf(Locale.ROOT, "%s: standby ready in %d s%n", label,
                    (System.nanoTime() - started) / 1_000_000_000);
            NeonBranchProvider client = NeonBranchProvider.builder().apiBaseUrl(server.baseUrl()).projectId("local")
                    .apiKey(KEY).databaseName(database).roleName("postgres").build();
            writer.start();
            Thread.sleep(5_000);
            for (int round = 0; round < ROUNDS; round++) {
                long used = used(xfs, base);
                long start = System.nanoTime();
                Branch branch = client.create(new BranchRequest(target, Duration.ofHours(1), "benchmark"));
                long end = System.nanoTime();
                busy.add(new long[] {start, end});
                branchMillis.add((end - start) / 1_000_000);
                disk = Math.max(disk, used(xfs, base) - used);
                Thread.sleep(2_000);
                String name = "reset-" + round;
                client.createBranch(target, name, Duration.ofHours(1));
                Thread.sleep(2_000);
                start = System.nanoTime();
                client.resetBranch(target, name);
                end = System.nanoTime();
                busy.add(new long[] {start, end});
                resetMillis.add((end - start) / 1_000_000);
                client.deleteBranch(target, name);
                branch.close();
                System.out.printf(Locale.ROOT, "%s round %d: branch %d ms, reset %d ms, disk %d MiB%n", label,
                        round + 1, branchMillis.get(round), resetMillis.get(round), disk / MIB);
                Thread.sleep(3_000);
            }
            long start = System.nanoTime();
            var snapshot = SnapshotCopyBranchProvider.builder().prefix("bench_").jobs(2).build()
                    .create(new BranchRequest(target, Duration.ofHours(1), "benchmark"));
            long end = System.nanoTime();
            snapshotMillis = (end - start) / 1_000_000;
            String snapshotName = snapshot.name();
            snapshot.close();
            source.dropDatabase(snapshotName);
            server.remove();
        } finally {
            writing.set(false);
            writer.join();
            source.dropDatabase(database);
        }
        double[] p99 = p99();
        return String.format(Locale.ROOT, "| %s (%d MiB) | %s | %s | %d MiB | %.2f ms | %.2f ms (%.2f×) | %.1f s |%n",
                label, bytes / MIB, stats(branchMillis), stats(resetMillis), disk / MIB, p99[0], p99[1],
                p99[1] / p99[0], snapshotMillis / 1000.0);
    }

    /** Small transactions, one after the other, as fast as the source takes them; each one's latency recorded. */
    private void write(DatabaseLocation target, AtomicBoolean writing) {
        try (Connection connection = target.dataSource("writer").getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO writes (n) VALUES (?)");
             PreparedStatement update = connection.prepareStatement("UPDATE big SET pad = md5(pad) WHERE i = ?")) {
            while (writing.get()) {
                long start = System.nanoTime();
                insert.setInt(1, ThreadLocalRandom.current().nextInt());
                insert.executeUpdate();
                update.setLong(1, ThreadLocalRandom.current().nextLong(1, 1000));
                update.executeUpdate();
                writes.add(new long[] {start, System.nanoTime() - start});
                Thread.sleep(2);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The writer failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The writer's p99 in ms outside and inside the branching intervals. */
    private double[] p99() {
        List<Long> quiet = new ArrayList<>();
        List<Long> branching = new ArrayList<>();
        synchronized (writes) {
            for (long[] write : writes) {
                boolean during = busy.stream().anyMatch(b -> write[0] + write[1] >= b[0] && write[0] <= b[1]);
                (during ? branching : quiet).add(write[1]);
            }
        }
        return new double[] {percentile(quiet, 0.99) / 1e6, percentile(branching, 0.99) / 1e6};
    }

    private static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static long used(XfsLoopMount xfs, Path base) throws Exception {
        if (xfs != null) {
            return xfs.usedBytes();
        }
        var store = Files.getFileStore(base);
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }

    private static String stats(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return String.format(Locale.ROOT, "%.2f s (max %.2f)", sorted.get(sorted.size() / 2) / 1000.0,
                sorted.get(sorted.size() - 1) / 1000.0);
    }

    private static String section(String fileSystem, TestPostgres source, String rows) {
        return "## Branch server\n\n"
                + "Measured " + LocalDate.now() + " on " + Report.machine() + ", source PostgreSQL "
                + source.query("postgres", "SHOW server_version").get(0) + " (embedded, fsync off) and the branch "
                + "server in physical mode (standby and branches PostgreSQL 15 from the same binaries), data "
                + "directories on " + fileSystem + ".\n\n"
                + "A writer runs on the source throughout (an insert and an update per transaction, 2 ms apart). "
                + "Branch: `NeonBranchProvider.create` through the server's API until the branch accepts connections. "
                + "Reset: `resetBranch` of a named branch. " + ROUNDS + " rounds each, interleaved. Disk: the most "
                + "a branch added to the file system. Writer p99: outside vs during branch and reset. Snapshot copy: "
                + "the snapshot-copy provider (pg_dump/pg_restore -j2) of the same live source, once.\n\n"
                + "| source | branch, median (max) | reset, median (max) | disk per branch | writer p99, no branching "
                + "| writer p99, branching | snapshot copy |\n|---|---|---|---|---|---|---|\n"
                + rows + "\nTarget: ≤ 2 s per branch or reset at 5 GB, ≤ 50 MiB extra disk, writer p99 within 1.2× "
                + "of no branching.\n\nRun it: `mvn -B -ntp -q -Pbenchmarks -pl benchmarks -am -DskipTests "
                + "-Dbenchmark=branch-server verify` (as root, with xfsprogs, for the XFS loop mount).\n";
    }
}
