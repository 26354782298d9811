package dev.rehearsal.branch.copy;

import java.time.Duration;
import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchMetadata;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchProviderFactory;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.internal.Ranges;
import dev.rehearsal.internal.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches a <em>live</em> database, while its writers keep running, by copying one consistent snapshot of it with
 * {@code pg_dump} and {@code pg_restore} into a new database — on the same server or on another one (say production
 * to a local PostgreSQL).
 *
 * <p>How: a read-only {@code REPEATABLE READ} transaction on the source exports its snapshot
 * ({@code pg_export_snapshot()}); {@code pg_dump --snapshot} dumps schema and data of exactly that snapshot, in
 * parallel ({@code -j}, its workers share the snapshot) to a private temporary directory (directory format); then
 * {@code pg_restore -j} loads it into the new database. Writers are not blocked: the copy takes only {@code ACCESS
 * SHARE} locks, which conflict with DDL (and {@code VACUUM FULL}, {@code CLUSTER}) only — but DDL waiting for the
 * copy's locks makes the writers queue behind it, so do not run migrations on the source during a copy. Sequences
 * are read after the snapshot, so each is at least as far as the ids that use it.
 *
 * <p>What the copy is: schema and data, comments, sequences; objects are owned by the destination's role and no
 * privileges on them are copied ({@code --no-owner --no-privileges}); subscriptions are not copied (a copy must not
 * replicate); the new database gets the source's encoding and the destination server's default locale. The
 * destination needs the extensions the source uses. {@link Builder#schemaOnly()} copies the schema alone and
 * {@link Builder#sample(int)} a foreign-key-consistent sample of the rows.
 *
 * <p>Who may read it: at most the roles that can read the source. On the source's server the new database gets the
 * source's owner (when the role may act as it), database privileges and settings ({@link BranchAccess}); on another
 * server ({@link Builder#destination}) it is open to {@code PUBLIC} only as far as the source is, and to no role of
 * the source's server. It accepts no connection before it has them, and gets the settings only after the restore.
 *
 * <p>Client programs: {@link Builder#pgDumpPath(Path)} if configured, else {@code pg_dump} on {@code PATH}, else the
 * newest of Debian's {@code /usr/lib/postgresql/<major>/bin}; {@code pg_restore} is the one beside it. pg_dump must
 * be of the source server's major version or later: otherwise the copy fails at once, naming both versions. The
 * password goes to them in their environment ({@code PGPASSWORD}) only; the dump directory is deleted after every
 * copy, and a new database is dropped when its copy fails — nothing is left behind. Should the JVM be killed during a
 * copy, the programs die with it ({@link PgClients}), and its dump — a copy of the source's data — is removed by the
 * next copy, run or {@link #reapOrphans} on the machine ({@link DumpDirectory}).
 *
 * <p>Progress (tables, bytes and estimated rows done, ETA) goes to the log (SLF4J, INFO at most every 5 seconds)
 * and to a {@link CopyProgress.Listener}. Branches carry their {@link BranchMetadata} as a JSON
 * {@code COMMENT ON DATABASE} and are named like {@link TemplateBranchProvider}'s.
 *
 * <pre>{@code
 * BranchProvider provider = SnapshotCopyBranchProvider.builder()
 *         .destination(DatabaseLocation.of("jdbc:postgresql://localhost:5432/postgres", "me", null))
 *         .jobs(4)
 *         .progress(p -> log.info("{}% ETA {}", p.percent(), p.eta()))
 *         .build();
 * }</pre>
 */
public final class SnapshotCopyBranchProvider extends DatabaseBranchProvider {
    /** The option {@code jobs} of {@link Factory}: {@link Builder#jobs}. */
    public static final Setting JOBS = Setting.branchOption("jobs", "SnapshotCopyBranchProvider.builder().jobs(...)");
    /** The option {@code schema-only} ({@code true}/{@code false}) of {@link Factory}: {@link Builder#schemaOnly}. */
    public static final Setting SCHEMA_ONLY = Setting.branchOption("schema-only",
            "SnapshotCopyBranchProvider.builder().schemaOnly()");
    /** The option {@code sample} (rows a table) of {@link Factory}: {@link Builder#sample}. */
    public static final Setting SAMPLE = Setting.branchOption("sample",
            "SnapshotCopyBranchProvider.builder().sample(...)");
    /** The option {@code pg-dump} (a path) of {@link Factory}: {@link Builder#pgDumpPath}. */
    public static final Setting PG_DUMP = Setting.branchOption("pg-dump",
            "SnapshotCopyBranchProvider.builder().pgDumpPath(...)");
    /** The option {@code pg-restore} (a path) of {@link Factory}: {@link Builder#pgRestorePath}. */
    public static final Setting PG_RESTORE = Setting.branchOption("pg-restore",
            "SnapshotCopyBranchProvider.builder().pgRestorePath(...)");
    /** The option {@code work-directory} of {@link Factory}: {@link Builder#workDirectory}. */
    public static final Setting WORK_DIRECTORY = Setting.branchOption("work-directory",
            "SnapshotCopyBranchProvider.builder().workDirectory(...)");
    /** The option {@code maintenance-database} of {@link Factory}: {@link Builder#maintenanceDatabase}. */
    public static final Setting MAINTENANCE_DATABASE = Setting.branchOption("maintenance-database",
            "SnapshotCopyBranchProvider.builder().maintenanceDatabase(...)");

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCopyBranchProvider.class);

    private final BranchNaming naming;
    private final DatabaseLocation destination;
    private final String maintenanceDatabase;
    private final PgClients clients;
    private final int jobs;
    private final boolean schemaOnly;
    private final int sampleRows;
    private final CopyProgress.Listener listener;
    private final Path workDirectory;
    private final Clock clock;
    private final DatabaseBranchManagement management;

    private SnapshotCopyBranchProvider(Builder builder) {
        this.naming = BranchNaming.of(builder.prefix);
        this.destination = builder.destination;
        this.maintenanceDatabase = builder.maintenanceDatabase;
        this.clients = new PgClients(builder.pgDumpPath, builder.pgRestorePath, builder.debianRoot);
        this.jobs = builder.jobs;
        this.schemaOnly = builder.schemaOnly;
        this.sampleRows = builder.sampleRows;
        this.listener = builder.listener;
        this.workDirectory = builder.workDirectory;
        this.clock = builder.clock;
        this.management = new DatabaseBranchManagement(this::maintenance,
                (parent, name, metadata) -> copyNamed(parent, maintenance(parent), name, metadata), naming, clock);
    }

    /** A provider with the defaults: same server, prefix {@value TemplateBranchProvider#DEFAULT_PREFIX}, full copy. */
    public static SnapshotCopyBranchProvider create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "snapshot-copy";
    }

    /** The name prefix of the branches this provider makes for rehearsals. */
    public String prefix() {
        return naming.prefix();
    }

    @Override
    public void validate(DatabaseLocation target) {
        clients.validate();
    }

    @Override
    public Branch create(BranchRequest request) {
        DatabaseLocation parent = request.parent();
        Instant created = clock.instant();
        String name = naming.branchName(parent.database(), created);
        DatabaseLocation maintenance = maintenance(parent);
        long start = System.nanoTime();
        BranchMetadata metadata = copy(parent, maintenance, name, request.metadata(created));
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.debug("Branched '{}' as '{}' on {} in {} ms", parent.database(), name, maintenance.redactedUrl(), millis);
        return new DatabaseBranch(name, maintenance.withDatabase(name), maintenance, metadata, copyMethod(), millis);
    }

    /**
     * Drops, on the destination server, this provider's leftovers of {@code target} with the semantics of
     * {@link TemplateBranchProvider#reapOrphans}: databases of this prefix past their expiry, those of
     * {@code target} made by a runner and not kept, and those of its exact name form still unlabelled a second after
     * they were seen; never one in use (sessions, or a fresh heartbeat of its run). Anything else is left alone.
     * First it removes, from {@code java.io.tmpdir} and the work directory, the dumps of copies whose process is gone
     * (killed), whatever their source; a live process's dump is never touched. Those are logged, not returned.
     */
    @Override
    public List<String> reapOrphans(DatabaseLocation target, Instant now) {
        removeDeadDumps();
        DatabaseLocation maintenance = maintenance(target);
        try (Connection connection = connectMaintenance(maintenance)) {
            return BranchDatabases.dropOrphans(connection,
                    BranchDatabases.orphans(connection, naming, target.database(), now));
        } catch (SQLException e) {
            throw new BranchException("Could not look for orphan branches on " + maintenance.redactedUrl() + ": "
                    + Sql.describe(e), e);
        }
    }

    @Override
    DatabaseBranchManagement management() {
        return management;
    }

    private DatabaseLocation maintenance(DatabaseLocation parent) {
        return destination != null ? destination : parent.withDatabase(maintenanceDatabase);
    }

    private Connection connectMaintenance(DatabaseLocation maintenance) {
        return Sql.connect(maintenance, "the destination server's maintenance database '" + maintenance.database()
                + "' (set it with " + (destination != null ? "SnapshotCopyBranchProvider.builder().destination(...)"
                : MAINTENANCE_DATABASE.spelled()) + ")");
    }

    private String copyMethod() {
        String method = "snapshot copy (pg_dump/pg_restore, " + jobs + " job" + (jobs == 1 ? "" : "s");
        if (schemaOnly) {
            return method + ", schema only)";
        }
        return sampleRows > 0 ? method + ", sample of " + sampleRows + " rows a table)" : method + ")";
    }

    /**
     * Copies one snapshot of {@code parent} into a new database {@code name} on {@code maintenance}'s server,
     * labelled with {@code metadata}; returns the label. On failure nothing is left: neither the dump nor the
     * database. A run's branch is labelled (with its first heartbeat) as soon as it exists, before the restore;
     * during the restore its sessions keep it from being reaped, and after it the run's heartbeats.
     */
    /** A labelled copy of {@code parent} named {@code name} on {@code maintenance}'s server, for branch management. */
    void copyNamed(DatabaseLocation parent, DatabaseLocation maintenance, String name, BranchMetadata metadata) {
        copy(parent, maintenance, name, metadata);
    }

    private BranchMetadata copy(DatabaseLocation parent, DatabaseLocation maintenance, String name,
                                BranchMetadata metadata) {
        removeDeadDumps();
        try (Connection source = Sql.connect(parent, "the database to copy");
             DumpDirectory work = DumpDirectory.create(workDirectory, parent.database())) {
            BranchAccess access = BranchAccess.of(source, parent.database());
            if (destination != null) {
                access = access.onAnotherServer();
            }
            PgClients.Program pgDump = clients.pgDump(Sql.serverVersion(source));
            Path pgRestore = clients.pgRestore(pgDump);
            source.setAutoCommit(false);
            Sql.execute(source, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            String snapshot = single(source, "SELECT pg_export_snapshot()");
            String encoding = single(source, "SELECT pg_encoding_to_char(encoding) FROM pg_database "
                    + "WHERE datname = current_database()");
            List<CopyProgressTracker.Table> tables = schemaOnly ? List.of() : tables(source);
            CopyProgressTracker progress = new CopyProgressTracker(parent.database(), tables, listener);
            Path dump = work.path().resolve("dump");
            List<String> dumpCommand = new ArrayList<>(List.of(pgDump.path().toString(),
                    "--dbname=" + PgClients.conninfo(parent), "--format=directory", "--file=" + dump,
                    "--snapshot=" + snapshot, "--jobs=" + jobs, "--verbose", "--no-sync", "--no-password"));
            if (schemaOnly || sampleRows > 0) {
                dumpCommand.add("--schema-only");
            }
            progress.phase(CopyProgress.Phase.DUMP);
            PgClients.run(dumpCommand, PgClients.passwordEnvironment(parent), progress::line,
                    "pg_dump of '" + parent.database() + "'", PgClients.password(parent));
            progress.programDone();
            if (sampleRows == 0) {
                // The dump holds its snapshot now: the source needs no transaction open during the restore.
                source.rollback();
            }
            try (Connection server = connectMaintenance(maintenance)) {
                String owner = access.owner(server, name);
                // closed to connections until it has the source's privileges (BranchAccess)
                Sql.execute(server, "CREATE DATABASE %I TEMPLATE template0 ENCODING %L ALLOW_CONNECTIONS false "
                        + "OWNER %I", name, encoding, owner);
                BranchMetadata labelled;
                try {
                    labelled = BranchDatabases.label(server, name, metadata);
                    access.grant(server, name, owner);
                    BranchAccess.open(server, name);
                    progress.phase(CopyProgress.Phase.RESTORE);
                    DatabaseLocation branch = maintenance.withDatabase(name);
                    if (sampleRows > 0) {
                        restore(pgRestore, dump, branch, progress, "--section=pre-data");
                        SampleCopy.copy(source, branch, sampleRows, work.path());
                        restore(pgRestore, dump, branch, progress, "--section=post-data");
                    } else {
                        restore(pgRestore, dump, branch, progress);
                    }
                    // after the restore, whose sessions the settings (read only, timeouts...) would otherwise reach
                    access.configure(server, name);
                    progress.complete();
                } catch (SQLException | RuntimeException e) {
                    BranchDatabases.dropQuietly(server, name, e);
                    throw e;
                }
                return labelled;
            }
        } catch (SQLException e) {
            throw new BranchException("Could not copy database '" + parent.database() + "' at "
                    + parent.redactedUrl() + " to '" + name + "' at " + maintenance.redactedUrl() + ": "
                    + Sql.describe(e), e);
        }
    }

    private void restore(Path pgRestore, Path dump, DatabaseLocation branch, CopyProgressTracker progress,
                         String... options) {
        List<String> command = new ArrayList<>(List.of(pgRestore.toString(), "--dbname=" + PgClients.conninfo(branch),
                "--jobs=" + jobs, "--verbose", "--no-owner", "--no-privileges", "--no-subscriptions",
                "--exit-on-error", "--no-password"));
        command.addAll(List.of(options));
        command.add(dump.toString());
        PgClients.run(command, PgClients.passwordEnvironment(branch), progress::line, "pg_restore into '"
                + branch.database() + "'", PgClients.password(branch));
        progress.programDone();
    }

    /** The tables with data, with sizes from the catalog: no lock beyond ACCESS SHARE, which writers never wait for. */
    private static List<CopyProgressTracker.Table> tables(Connection source) throws SQLException {
        List<CopyProgressTracker.Table> tables = new ArrayList<>();
        try (Statement statement = source.createStatement();
             ResultSet rows = statement.executeQuery("SELECT n.nspname, c.relname, pg_table_size(c.oid), "
                     + "greatest(c.reltuples, 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     + "WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                     + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
                     + "ORDER BY 1, 2")) {
            while (rows.next()) {
                tables.add(new CopyProgressTracker.Table(rows.getString(1), rows.getString(2), rows.getLong(3),
                        rows.getLong(4)));
            }
        }
        return tables;
    }

    private static String single(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /**
     * Removes the dumps that copies of processes now gone (killed) left in java.io.tmpdir and the work directory: the
     * next copy, run or {@link #reapOrphans} of any provider on this machine does.
     */
    private void removeDeadDumps() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        DumpDirectory.removeDead(workDirectory == null ? List.of(tmp) : List.of(tmp, workDirectory));
    }

    /** Configures a {@link SnapshotCopyBranchProvider}; every setter checks its argument at once. */
    public static final class Builder {
        private String prefix = TemplateBranchProvider.DEFAULT_PREFIX;
        private DatabaseLocation destination;
        private String maintenanceDatabase = "postgres";
        private Path pgDumpPath;
        private Path pgRestorePath;
        private Path debianRoot = PgClients.DEBIAN_ROOT;
        private int jobs = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private boolean schemaOnly;
        private int sampleRows;
        private CopyProgress.Listener listener = progress -> { };
        private Path workDirectory;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The prefix of the names of branches made for rehearsals; rules as for the template provider. */
        public Builder prefix(String prefix) {
            this.prefix = BranchNaming.requireValidPrefix(prefix);
            return this;
        }

        /**
         * The server to make branches on, as a location of a database there to connect to for {@code CREATE/DROP
         * DATABASE} (e.g. {@code jdbc:postgresql://localhost:5432/postgres}) with a role that has {@code CREATEDB}.
         * Branches are reached with these credentials. Default: the parent's server, through
         * {@link #maintenanceDatabase(String)} with the parent's credentials.
         */
        public Builder destination(DatabaseLocation server) {
            this.destination = Objects.requireNonNull(server, "server");
            return this;
        }

        /** The database to connect to on the parent's server when no destination is set. Default {@code postgres}. */
        public Builder maintenanceDatabase(String database) {
            this.maintenanceDatabase = BranchDatabases.requireMaintenanceDatabase(database);
            return this;
        }

        /** The pg_dump to use; pg_restore is then the one beside it unless {@link #pgRestorePath} is set. */
        public Builder pgDumpPath(Path pgDump) {
            this.pgDumpPath = Objects.requireNonNull(pgDump, "pgDump");
            return this;
        }

        /** The pg_restore to use. Default: the one beside the pg_dump used. */
        public Builder pgRestorePath(Path pgRestore) {
            this.pgRestorePath = Objects.requireNonNull(pgRestore, "pgRestore");
            return this;
        }

        /** Where Debian-style {@code <major>/bin} client directories are looked for. */
        Builder debianRoot(Path root) {
            this.debianRoot = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * How many tables pg_dump and pg_restore copy at once (each job is a session on the server). Default: the
         * number of processors, at most 4.
         */
        public Builder jobs(int jobs) {
            this.jobs = Ranges.number(JOBS, jobs, 1, 64, "about the number of cores the source and destination "
                    + "servers can spare");
            return this;
        }

        /**
         * Copies the schema only, no rows: for databases too big to copy, when the migrations' locking and catalog
         * changes matter but not their run time on real data. Sequences start afresh.
         */
        public Builder schemaOnly() {
            this.schemaOnly = true;
            return this;
        }

        /**
         * Copies at most {@code rowsPerTable} rows of each table, plus every row that the copied rows reference
         * through foreign keys, all from the one snapshot, so that every foreign key holds on the copy.
         *
         * <p>Limits: which rows are sampled is arbitrary (the first ones a sequential scan returns); references are
         * followed from referencing to referenced rows only (a sampled customer comes without its orders); with
         * cycles or self references (a manager chain) the closure may take many more rows than
         * {@code rowsPerTable}, the whole table at worst; partitioned tables are sampled per partition; large objects
         * are not copied; row-level security on the source applies to what is read.
         */
        public Builder sample(int rowsPerTable) {
            this.sampleRows = (int) Ranges.atLeast(SAMPLE, rowsPerTable, 1,
                    "e.g. " + SAMPLE.spelled("1000") + ", or " + SCHEMA_ONLY.spelled("true") + " for no rows");
            return this;
        }

        /** Receives the copy's progress (see {@link CopyProgress}). Default: none, the log only. */
        public Builder progress(CopyProgress.Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Where the dump is written (in a private subdirectory, deleted after each copy): it needs room for the
         * compressed dump of the source. Default: {@code java.io.tmpdir}.
         */
        public Builder workDirectory(Path directory) {
            Objects.requireNonNull(directory, "directory");
            if (!Files.isDirectory(directory)) {
                throw new ConfigurationException("The work directory " + directory + " does not exist: create it, "
                        + "or give an existing directory with room for the dump");
            }
            this.workDirectory = directory;
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The provider; fails when both {@link #schemaOnly()} and {@link #sample(int)} were asked for. */
        public SnapshotCopyBranchProvider build() {
            if (schemaOnly && sampleRows > 0) {
                throw new ConfigurationException("schemaOnly() and sample(" + sampleRows + ") exclude each other: "
                        + "choose no rows or a sample of rows");
            }
            return new SnapshotCopyBranchProvider(this);
        }
    }

    /**
     * Makes the provider {@code snapshot-copy} for the front ends: options {@link #JOBS}, {@link #SCHEMA_ONLY},
     * {@link #SAMPLE}, {@link #PG_DUMP}, {@link #PG_RESTORE}, {@link #WORK_DIRECTORY}, {@link #MAINTENANCE_DATABASE};
     * a {@link CopyProgress.Listener} among the front end's listeners receives the copy's progress.
     */
    public static final class Factory implements BranchProviderFactory {
        @Override
        public String name() {
            return "snapshot-copy";
        }

        @Override
        public String description() {
            return "pg_dump/pg_restore of one snapshot, works while the target is in use";
        }

        @Override
        public List<Setting> options() {
            return List.of(JOBS, SCHEMA_ONLY, SAMPLE, PG_DUMP, PG_RESTORE, WORK_DIRECTORY, MAINTENANCE_DATABASE);
        }

        @Override
        public Class<SnapshotCopyBranchProvider> providerType() {
            return SnapshotCopyBranchProvider.class;
        }

        @Override
        public BranchProvider create(Options options) {
            Builder builder = builder();
            options.number(JOBS).ifPresent(builder::jobs);
            if (options.bool(SCHEMA_ONLY).orElse(false)) {
                builder.schemaOnly();
            }
            options.number(SAMPLE).ifPresent(builder::sample);
            options.path(PG_DUMP).ifPresent(builder::pgDumpPath);
            options.path(PG_RESTORE).ifPresent(builder::pgRestorePath);
            options.path(WORK_DIRECTORY).ifPresent(builder::workDirectory);
            options.text(MAINTENANCE_DATABASE).ifPresent(builder::maintenanceDatabase);
            options.listener(CopyProgress.Listener.class).ifPresent(builder::progress);
            return builder.build();
        }
    }

    /**
     * How far a {@link SnapshotCopyBranchProvider} copy has got, reported to a {@link Listener} each time a table's
     * data is done and at the start and end of each phase. Sizes come from the source's catalog ({@code pg_table_size},
     * {@code reltuples}), read in the copy's snapshot, so rows are an estimate and bytes are the tables' size on disk,
     * not the size of the dump.
     *
     * <pre>{@code
     * SnapshotCopyBranchProvider.builder()
     *         .progress(p -> System.out.printf("%s %d%% ETA %s%n", p.phase(), p.percent(), p.eta()))
     *         .build();
     * }</pre>
     *
     * @param database    the database being copied
     * @param phase       what is being done now
     * @param tablesDone  tables whose data this phase has done
     * @param tablesTotal tables with data to copy (0 for a schema-only copy)
     * @param bytesDone   the size of the tables this phase has done
     * @param bytesTotal  the size of all tables to copy
     * @param rowsDone    the estimated rows of the tables this phase has done
     * @param rowsTotal   the estimated rows of all tables to copy
     * @param elapsed     since the copy started
     * @param eta         the estimated time until the whole copy (dump and restore) is done, or null while unknown
     */
    public record CopyProgress(String database, Phase phase, int tablesDone, int tablesTotal, long bytesDone,
                               long bytesTotal, long rowsDone, long rowsTotal, Duration elapsed, Duration eta) {
        /** The phases of a copy, in order. */
        public enum Phase {
            /** pg_dump writes the schema and data of one snapshot of the source to a local directory. */
            DUMP,
            /** pg_restore loads them into the new database (with a sample: the schema, then the sampled rows). */
            RESTORE,
            /** The copy is complete. */
            DONE
        }

        /**
         * Receives progress on the thread that makes the branch; it should return quickly. An exception it throws is
         * logged and otherwise ignored: it never fails the copy.
         */
        @FunctionalInterface
        public interface Listener {
            void progress(CopyProgress progress);
        }

        /** The whole copy's progress from 0 to 100, dump and restore counting alike. */
        public int percent() {
            if (phase == Phase.DONE) {
                return 100;
            }
            long total = bytesTotal > 0 ? bytesTotal : tablesTotal;
            long done = bytesTotal > 0 ? bytesDone : tablesDone;
            if (total == 0) {
                return phase == Phase.DUMP ? 0 : 50;
            }
            return (int) ((phase == Phase.DUMP ? 0 : 50) + 50 * done / total);
        }
    }
}
