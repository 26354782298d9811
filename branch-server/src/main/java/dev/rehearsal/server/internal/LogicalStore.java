package dev.rehearsal.server.internal;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.server.MirrorStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The branch store for sources whose physical replication and data directory are closed (Amazon RDS, Cloud SQL,
 * Azure): a <em>refreshed logical mirror</em>. The server runs a PostgreSQL of its own (18, whose
 * {@code file_copy_method = clone} makes a template copy copy-on-write on XFS or Btrfs) in
 * {@code <data>/logical}; on a schedule, a snapshot copy of the source ({@link SnapshotCopyBranchProvider}: one
 * consistent {@code pg_dump} snapshot, restored in parallel) goes into a fresh mirror database, and is swapped in
 * only when complete, so that branching never waits for a refresh; the mirror it replaces is dropped. A branch is
 * {@code CREATE DATABASE ... TEMPLATE <mirror> STRATEGY FILE_COPY}: O(1) with clones, in proportion to the size
 * without. A refresh changes no existing branch (each is a database of its own); new branches see the new mirror.
 *
 * <p>Clients connect to a branch as the source's role with the source's password: the server makes that role on its
 * PostgreSQL (never a superuser; {@code CREATEDB}), sets its password (hashed before it is sent), restores as it,
 * so that it owns what the copy holds. The mirror itself refuses connections ({@code ALLOW_CONNECTIONS false}), so
 * that nobody's session can keep it from being cloned. The server's own superuser has a random password kept in
 * {@code <data>/logical.superuser} (mode 0600).
 */
public final class LogicalStore implements BranchStore {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalStore.class);
    private static final String SUPERUSER = "rehearsal_server";
    private static final String MIRROR = "mirror_";
    private static final String BRANCH = "br_";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final DatabaseLocation source;
    private final Path dataDirectory;
    private final ServerBinaries binaries;
    private final String host;
    private final Duration refreshInterval;
    private final SnapshotCopyBranchProvider.Builder copies;
    private final Clock clock;
    private final Postmaster postmaster;
    private final ReentrantReadWriteLock mirrorLock = new ReentrantReadWriteLock();
    private final Object refreshing = new Object();
    private ScheduledExecutorService scheduler;
    private CopyOnWrite copyOnWrite;
    private volatile int port;
    private volatile Mirror mirror;
    private volatile boolean refreshRunning;
    private volatile String lastRefreshError;

    /** The mirror in use: its database and when its snapshot was taken. */
    private record Mirror(String database, Instant copiedAt) {
    }

    /**
     * @param source          the database to mirror, with a role that may read all of it and its password
     * @param refreshInterval how often the mirror is copied anew; zero: only at the first start and on
     *                        {@link #refresh()}
     * @param copies          how the snapshot copies are made (pg_dump and pg_restore, jobs); its destination is set
     *                        here
     */
    public LogicalStore(DatabaseLocation source, Path dataDirectory, ServerBinaries binaries, String host, int port,
                        Duration refreshInterval, SnapshotCopyBranchProvider.Builder copies, Clock clock) {
        if (!source.hasPassword() || source.user() == null) {
            throw new ConfigurationException("The logical mirror's branches are reached as the source's role with "
                    + "its password: give the source's user and password");
        }
        if (binaries.major() < 18) {
            throw new ConfigurationException("The logical mirror needs PostgreSQL 18 or later for its own server "
                    + "(template copies that clone files): " + binaries + " is " + binaries.major());
        }
        this.source = source;
        this.dataDirectory = dataDirectory;
        this.binaries = binaries;
        this.host = host;
        this.port = port;
        this.refreshInterval = refreshInterval;
        this.copies = copies;
        this.clock = clock;
        this.postmaster = new Postmaster(binaries, dataDirectory.resolve("logical"));
    }

    @Override
    public synchronized List<StoredBranch> start(List<StoredBranch> recorded) {
        copyOnWrite = CopyOnWrite.probe(dataDirectory);
        Path cluster = postmaster.directory();
        Path superuserPassword = dataDirectory.resolve("logical.superuser");
        if (!Files.isRegularFile(cluster.resolve("PG_VERSION"))) {
            FileTrees.deleteQuietly(cluster);
            writeSecret(superuserPassword, randomPassword());
            postmaster.initdb(SUPERUSER, superuserPassword);
        }
        Postmaster.killLeftover(cluster);
        if (port == 0) {
            port = recorded.stream().mapToInt(StoredBranch::port).findFirst().orElseGet(LogicalStore::freePort);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("port", Integer.toString(port));
        settings.put("listen_addresses", host);
        settings.put("unix_socket_directories", "");
        settings.put("max_connections", "200");
        settings.put("file_copy_method", copyOnWrite.supported() ? "clone" : "copy");
        postmaster.configure(settings);
        postmaster.hba(Postmaster.hbaLines(false));
        postmaster.start(START_TIMEOUT);
        List<StoredBranch> alive = new ArrayList<>();
        try (Connection server = superuser("postgres")) {
            prepareRole(server);
            Set<String> kept = recorded.stream().map(StoredBranch::database).collect(Collectors.toSet());
            for (String database : databases(server)) {
                if (database.startsWith(BRANCH) && !kept.contains(database)) {
                    LOG.info("Dropping {}, a branch database nobody has a record of (left by a server that was "
                            + "stopped)", database);
                    drop(server, database);
                }
            }
            Set<String> existing = Set.copyOf(databases(server));
            for (StoredBranch branch : recorded) {
                if (existing.contains(branch.database())) {
                    alive.add(new StoredBranch(branch.id(), host, port, branch.database(), branch.role(),
                            branch.point(), branch.copiedAt()));
                }
            }
            mirror = readMirror(server);
            for (String database : databases(server)) {
                if (database.startsWith(MIRROR) && (mirror == null || !database.equals(mirror.database()))) {
                    LOG.info("Dropping {}, a mirror that was being copied or replaced when the server stopped",
                            database);
                    drop(server, database);
                }
            }
        } catch (SQLException e) {
            throw new BranchException("Could not prepare the branch server's PostgreSQL: " + Sql.describe(e), e);
        }
        if (mirror == null) {
            LOG.info("Copying the first mirror of {} (branches can be made once it is complete)",
                    source.redactedUrl());
            refresh();
        }
        if (!refreshInterval.isZero()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "rehearsal-mirror-refresh");
                thread.setDaemon(true);
                return thread;
            });
            scheduler.scheduleWithFixedDelay(this::refreshQuietly, refreshInterval.toMillis(),
                    refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return alive;
    }

    /**
     * Copies the source into a new mirror and swaps it in when complete; the mirror it replaces is dropped once no
     * branch is being cloned from it. Branches are made from the old mirror meanwhile.
     */
    public void refresh() {
        synchronized (refreshing) {
            refreshRunning = true;
            try {
                Instant started = clock.instant();
                String name = MIRROR + started.toEpochMilli();
                DatabaseLocation destination = location("postgres");
                copies.destination(destination).build().createBranch(source, name, Duration.ofDays(3650));
                String replaced;
                try (Connection server = superuser("postgres")) {
                    Sql.execute(server, "ALTER DATABASE %I WITH ALLOW_CONNECTIONS false", name);
                    Sql.execute(server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %L",
                            name);
                    mirrorLock.writeLock().lock();
                    try {
                        replaced = mirror == null ? null : mirror.database();
                        writeMirror(server, name, started);
                        mirror = new Mirror(name, started);
                        if (replaced != null) {
                            drop(server, replaced);
                        }
                    } finally {
                        mirrorLock.writeLock().unlock();
                    }
                }
                lastRefreshError = null;
                LOG.info("Mirror {} of {} is in use (copied in {} s){}", name, source.redactedUrl(),
                        Duration.between(started, clock.instant()).toSeconds(),
                        replaced == null ? "" : "; dropped " + replaced);
            } catch (SQLException e) {
                lastRefreshError = Sql.describe(e);
                throw new BranchException("Could not swap in the new mirror: " + lastRefreshError, e);
            } catch (RuntimeException e) {
                lastRefreshError = String.valueOf(e.getMessage());
                throw e;
            } finally {
                refreshRunning = false;
            }
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("The mirror's refresh failed; branches are made from the mirror of {} meanwhile: {}",
                    mirror == null ? "(none)" : mirror.copiedAt(), e.getMessage());
        }
    }

    @Override
    public StoredBranch create(String id) {
        String database = BRANCH + id.replaceAll("[^a-z0-9]", "_");
        return clone(id, database);
    }

    private StoredBranch clone(String id, String database) {
        mirrorLock.readLock().lock();
        try {
            Mirror from = mirror;
            if (from == null) {
                throw new BranchException("The branch server has no mirror of the source yet: its first copy did "
                        + "not complete" + (lastRefreshError == null ? "" : " (" + lastRefreshError + ")"));
            }
            try (Connection server = superuser("postgres")) {
                Sql.execute(server, "CREATE DATABASE %I TEMPLATE %I STRATEGY FILE_COPY OWNER %I", database,
                        from.database(), source.user());
                Sql.execute(server, "ALTER DATABASE %I WITH ALLOW_CONNECTIONS true", database);
            } catch (SQLException e) {
                throw new BranchException("Could not copy mirror " + from.database() + " to branch " + id + ": "
                        + Sql.describe(e), e);
            }
            return new StoredBranch(id, host, port, database, source.user(), from.database(), from.copiedAt());
        } finally {
            mirrorLock.readLock().unlock();
        }
    }

    @Override
    public StoredBranch reset(StoredBranch branch) {
        delete(branch);
        return clone(branch.id(), branch.database());
    }

    @Override
    public void delete(StoredBranch branch) {
        try (Connection server = superuser("postgres")) {
            drop(server, branch.database());
        } catch (SQLException e) {
            throw new BranchException("Could not drop branch " + branch.id() + ": " + Sql.describe(e), e);
        }
    }

    @Override
    public boolean inUse(StoredBranch branch) {
        try (Connection server = superuser("postgres");
             PreparedStatement statement = server.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            statement.setString(1, branch.database());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getLong(1) > 0;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Branches are databases of one server, the server's own PostgreSQL. */
    @Override
    public boolean ownServerPerBranch() {
        return false;
    }

    @Override
    public String copyMethod() {
        return copyOnWrite != null && copyOnWrite.supported()
                ? "template clone of a logical mirror (file_copy_method = clone, copy-on-write on "
                + copyOnWrite.fileSystemName() + ")"
                : "template copy of a logical mirror (plain file copy: no copy-on-write file system, in proportion "
                + "to the size)";
    }

    @Override
    public MirrorStatus status() {
        Mirror current = mirror;
        long[] disk = CopyOnWrite.disk(dataDirectory);
        return new MirrorStatus("logical", copyMethod(), copyOnWrite != null && copyOnWrite.supported(),
                sourceMajor(), null, null, null, null, null, null,
                current == null ? null : current.copiedAt(),
                current == null ? null : Duration.between(current.copiedAt(), clock.instant()).toSeconds(),
                refreshRunning, lastRefreshError, dataDirectory.toString(), disk[0], disk[1]);
    }

    private int sourceMajor() {
        try (Connection connection = Sql.connect(source, "the source")) {
            return Sql.serverVersion(connection) / 10000;
        } catch (SQLException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        postmaster.stop("fast");
    }

    @Override
    public synchronized void remove() {
        close();
        FileTrees.deleteQuietly(postmaster.directory());
        try {
            Files.deleteIfExists(postmaster.log());
            Files.deleteIfExists(dataDirectory.resolve("logical.superuser"));
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", postmaster.log(), e.getMessage());
        }
    }

    /** The port of the server's PostgreSQL. */
    public int port() {
        return port;
    }

    private void prepareRole(Connection server) throws SQLException {
        if (!databases(server, "SELECT rolname FROM pg_roles WHERE rolname = ?", source.user()).isEmpty()) {
            Sql.execute(server, "ALTER ROLE %I LOGIN CREATEDB NOSUPERUSER", source.user());
        } else {
            Sql.execute(server, "CREATE ROLE %I LOGIN CREATEDB", source.user());
        }
        // the password of the source's role, hashed (SCRAM) here: neither the statement nor a log holds it
        server.unwrap(PGConnection.class).alterUserPassword(source.user(), sourcePassword(), "scram-sha-256");
    }

    /** The source's password, read through a data source the location configures, not exposed anywhere. */
    private char[] sourcePassword() throws SQLException {
        org.postgresql.ds.PGSimpleDataSource dataSource = source.dataSource("rehearsal-branch-server")
                .unwrap(org.postgresql.ds.PGSimpleDataSource.class);
        return dataSource.getPassword().toCharArray();
    }

    private Mirror readMirror(Connection server) throws SQLException {
        Sql.execute(server, "CREATE TABLE IF NOT EXISTS rehearsal_mirror (database name NOT NULL, copied_at "
                + "timestamptz NOT NULL)");
        try (PreparedStatement statement = server.prepareStatement(
                "SELECT m.database, m.copied_at FROM rehearsal_mirror m JOIN pg_database d ON d.datname = m.database");
             ResultSet rows = statement.executeQuery()) {
            return rows.next() ? new Mirror(rows.getString(1), rows.getTimestamp(2).toInstant()) : null;
        }
    }

    private static void writeMirror(Connection server, String database, Instant copiedAt) throws SQLException {
        boolean auto = server.getAutoCommit();
        server.setAutoCommit(false);
        try (PreparedStatement delete = server.prepareStatement("DELETE FROM rehearsal_mirror");
             PreparedStatement insert = server.prepareStatement("INSERT INTO rehearsal_mirror VALUES (?, ?)")) {
            delete.executeUpdate();
            insert.setString(1, database);
            insert.setTimestamp(2, java.sql.Timestamp.from(copiedAt));
            insert.executeUpdate();
            server.commit();
        } finally {
            server.setAutoCommit(auto);
        }
    }

    private static List<String> databases(Connection server) throws SQLException {
        return databases(server, "SELECT datname FROM pg_database WHERE datname LIKE ? ORDER BY datname", "%");
    }

    private static List<String> databases(Connection server, String sql, String parameter) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = server.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static void drop(Connection server, String database) throws SQLException {
        Sql.execute(server, "DROP DATABASE IF EXISTS %I WITH (FORCE)", database);
    }

    private Connection superuser(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", readSecret(dataDirectory.resolve("logical.superuser")));
        properties.setProperty("ApplicationName", "rehearsal-branch-server");
        return new org.postgresql.Driver().connect("jdbc:postgresql://" + connectHost() + ":" + port + "/"
                + database, properties);
    }

    private DatabaseLocation location(String database) {
        return DatabaseLocation.of("jdbc:postgresql://" + connectHost() + ":" + port + "/" + database, source.user(),
                null).withPasswordOf(source);
    }

    /** Where the server itself reaches its PostgreSQL: the loopback when it listens everywhere. */
    private String connectHost() {
        return host.equals("*") || host.equals("0.0.0.0") ? "127.0.0.1" : host;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BranchException("No free port for a PostgreSQL of the branch server", e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void writeSecret(Path file, String secret) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BranchException("Could not write " + file, e);
        }
    }

    private static String readSecret(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new BranchException("Could not read the branch server's own password from " + file + ": " + e
                    .getMessage(), e);
        }
    }
}
