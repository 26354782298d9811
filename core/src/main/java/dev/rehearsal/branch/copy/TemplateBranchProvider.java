package dev.rehearsal.branch.copy;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchMetadata;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchProviderFactory;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.branch.TargetInUseException.SessionInfo;
import dev.rehearsal.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches a database on its own server with {@code CREATE DATABASE branch TEMPLATE parent STRATEGY FILE_COPY}.
 *
 * <p>On PostgreSQL 18 it sets {@code file_copy_method = clone} for the copy, which makes it copy-on-write (near
 * O(1) in time and space) on file systems with reflinks (XFS, Btrfs) and an efficient in-kernel copy elsewhere.
 * Before 15, where {@code STRATEGY} does not exist, the copy is the server's only (file) method.
 *
 * <p>PostgreSQL copies a database only while no one else is connected to it: when someone is, this provider fails
 * with a {@link TargetInUseException} that lists them — it never terminates anyone. Its own connections go to a
 * maintenance database ({@code postgres} by default) on the same server, with the parent's credentials; the role
 * needs {@code CREATEDB} and must own the parent (or be a superuser).
 *
 * <p>A branch is readable by at most the roles that can read the parent: it gets the parent's owner (when the role
 * may act as it), database privileges and settings before it accepts a connection ({@link BranchAccess});
 * {@code CREATE DATABASE} alone would let {@code PUBLIC} connect.
 *
 * <p>Branch names are {@code <prefix><parent>_<utc timestamp>_<random>}, e.g.
 * {@code rehearsal_shop_20261123T215301_k3f9qa}, so that leftovers are recognisable; each branch records its
 * {@link BranchMetadata} as a JSON {@code COMMENT ON DATABASE}.
 *
 * <pre>{@code
 * BranchProvider provider = TemplateBranchProvider.builder().prefix("ci_rehearsal_").build();
 * }</pre>
 */
public final class TemplateBranchProvider extends DatabaseBranchProvider {
    /** The default branch name prefix. */
    public static final String DEFAULT_PREFIX = BranchNaming.DEFAULT_PREFIX;
    /** The option {@code clone} ({@code true}/{@code false}) of {@link Factory}: {@link Builder#clone}. */
    public static final Setting CLONE = Setting.branchOption("clone", "TemplateBranchProvider.builder().clone(...)");
    /** The option {@code maintenance-database} of {@link Factory}: {@link Builder#maintenanceDatabase}. */
    public static final Setting MAINTENANCE_DATABASE = Setting.branchOption("maintenance-database",
            "TemplateBranchProvider.builder().maintenanceDatabase(...)");

    private static final Logger LOG = LoggerFactory.getLogger(TemplateBranchProvider.class);
    private static final Duration ORPHAN_WAIT = Duration.ofMinutes(1);
    /** SQLSTATE object_in_use: "source database ... is being accessed by other users". */
    private static final String OBJECT_IN_USE = "55006";

    private final BranchNaming naming;
    private final String maintenanceDatabase;
    private final boolean clone;
    private final Clock clock;
    private final DatabaseBranchManagement management;

    private TemplateBranchProvider(Builder builder) {
        this.naming = BranchNaming.of(builder.prefix);
        this.maintenanceDatabase = builder.maintenanceDatabase;
        this.clone = builder.clone;
        this.clock = builder.clock;
        this.management = new DatabaseBranchManagement(parent -> parent.withDatabase(maintenanceDatabase),
                this::copyNamed, naming, clock);
    }

    /** A provider with the defaults: prefix {@value #DEFAULT_PREFIX}, maintenance database {@code postgres}, clone. */
    public static TemplateBranchProvider create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The name prefix every branch of this provider carries. */
    public String prefix() {
        return naming.prefix();
    }

    @Override
    public String name() {
        return "template";
    }

    @Override
    public Branch create(BranchRequest request) {
        DatabaseLocation parent = request.parent();
        Instant created = clock.instant();
        BranchMetadata metadata = request.metadata(created);
        String name = branchName(parent.database(), created);
        DatabaseLocation maintenance = parent.withDatabase(maintenanceDatabase);
        long start = System.nanoTime();
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '" + maintenanceDatabase
                + "' (set another with " + MAINTENANCE_DATABASE.spelled() + ")")) {
            Labelled copy = copyLabelled(connection, parent, name, metadata);
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.debug("Branched '{}' as '{}' with {} in {} ms", parent.database(), name, copy.copyMethod(), millis);
            return new DatabaseBranch(name, parent.withDatabase(name), maintenance, copy.metadata(),
                    copy.copyMethod(), millis);
        } catch (SQLException e) {
            throw new BranchException("Could not branch database '" + parent.database() + "' on "
                    + maintenance.withDatabase(parent.database()) + ": " + Sql.describe(e) + privilegeHint(e, parent),
                    e);
        }
    }

    @Override
    public void validate(DatabaseLocation target) {
        if (maintenanceDatabase.equals(target.database())) {
            throw new dev.rehearsal.api.ConfigurationException("The maintenance database '" + maintenanceDatabase
                    + "' is the target itself: a database cannot be copied while Rehearsal is connected to it. "
                    + "Use another database of the same server: "
                    + MAINTENANCE_DATABASE.spelled("postgres"));
        }
    }

    /**
     * Drops, on {@code target}'s server, the databases of this provider's prefix that it can tell are its own
     * leftovers: those whose recorded expiry has passed; those of {@code target} made by a runner and not kept;
     * and those of {@code target} whose name has this provider's exact form but that still have no comment a second
     * after they were seen — a runner killed between {@code CREATE DATABASE} and {@code COMMENT}. A copy that a killed runner's server session
     * is still making is waited for (up to a minute) first, and so are
     * Rehearsal's sessions on the target, which a killed runner leaves finishing their statement. Anything else is left alone, databases of another prefix
     * or without this provider's marker above all — and so is a branch in use: one with sessions, or whose run's
     * heartbeat is fresh (waiting, when there is such a branch, at most {@link BranchMetadata#HEARTBEAT_TIMEOUT}
     * to tell a run that lives on from one that was just killed).
     */
    @Override
    public List<String> reapOrphans(DatabaseLocation target, Instant now) {
        DatabaseLocation maintenance = target.withDatabase(maintenanceDatabase);
        List<String> dropped = new ArrayList<>();
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '" + maintenanceDatabase
                + "'")) {
            awaitCopiesInProgress(connection, target.database());
            awaitInterruptedSessions(connection, target.database());
            dropped.addAll(BranchDatabases.dropOrphans(connection,
                    BranchDatabases.orphans(connection, naming, target.database(), now)));
        } catch (SQLException e) {
            throw new BranchException("Could not look for orphan branches on " + maintenance.redactedUrl() + ": "
                    + Sql.describe(e), e);
        }
        return dropped;
    }

    /** Waits for {@code CREATE DATABASE} statements of Rehearsal sessions copying {@code parent} to end. */
    private static void awaitCopiesInProgress(Connection connection, String parent) throws SQLException {
        awaitNone(connection, "a copy of " + parent + " left running by an interrupted run", "SELECT count(*) "
                + "FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name = ? "
                + "AND state <> 'idle' AND starts_with(query, 'CREATE DATABASE ') AND strpos(query, ?) > 0",
                Sql.APPLICATION_NAME, Sql.format(connection, "TEMPLATE %I", parent));
    }

    /**
     * Waits for Rehearsal's sessions on {@code target} to end: with the runner turn held, they are what a killed
     * runner left, still finishing a statement (their transaction rolls back when they find their client gone).
     */
    private static void awaitInterruptedSessions(Connection connection, String target) throws SQLException {
        awaitNone(connection, "sessions of an interrupted run on " + target + " to end", "SELECT count(*) "
                + "FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name = ? AND datname = ?",
                Sql.APPLICATION_NAME, target);
    }

    private static void awaitNone(Connection connection, String what, String countQuery, String... parameters)
            throws SQLException {
        long deadline = System.nanoTime() + ORPHAN_WAIT.toNanos();
        boolean logged = false;
        try (PreparedStatement statement = connection.prepareStatement(countQuery)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            while (System.nanoTime() < deadline) {
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (rows.getInt(1) == 0) {
                        return;
                    }
                }
                if (!logged) {
                    LOG.info("Waiting up to {} for {}", ORPHAN_WAIT, what);
                    logged = true;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String privilegeHint(SQLException e, DatabaseLocation parent) {
        if (!"42501".equals(e.getSQLState())) {
            return "";
        }
        String role = parent.user() == null ? "the role" : "role '" + parent.user() + "'";
        return ". To branch, " + role + " needs CREATEDB (ALTER ROLE ... CREATEDB) and must own database '"
                + parent.database() + "' (or be a superuser); or give Rehearsal a role that has both";
    }

    private String copy(Connection connection, int serverVersion, String name, String parent, String owner)
            throws SQLException {
        String copyMethod;
        if (serverVersion >= 180000 && clone) {
            Sql.execute(connection, "SET file_copy_method = clone");
            copyMethod = "FILE_COPY (file_copy_method=clone)";
        } else if (serverVersion >= 150000) {
            copyMethod = "FILE_COPY";
        } else {
            copyMethod = "file copy (PostgreSQL " + serverVersion / 10000 + ")";
        }
        String strategy = serverVersion >= 150000 ? " STRATEGY FILE_COPY" : "";
        try {
            // closed to connections until it has the parent's privileges (BranchAccess)
            Sql.execute(connection, "CREATE DATABASE %I TEMPLATE %I" + strategy + " ALLOW_CONNECTIONS false OWNER %I",
                    name, parent, owner);
        } catch (PSQLException e) {
            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                // Someone connected between our look and the copy: list whoever is there now.
                String detail = e.getServerErrorMessage() == null ? null : e.getServerErrorMessage().getDetail();
                throw new TargetInUseException(parent, otherSessions(connection, parent), detail);
            }
            throw e;
        }
        return copyMethod;
    }

    private static void requireExists(Connection connection, DatabaseLocation parent) throws SQLException {
        try (PreparedStatement statement =
                     connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, parent.database());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new BranchException("Database '" + parent.database() + "' does not exist on "
                            + parent.withDatabase(parent.database()).redactedUrl() + ": check the database name in "
                            + "the target URL");
                }
            }
        }
    }

    /** Sessions connected to {@code database} other than this one; autovacuum workers are excluded (PostgreSQL
     * stops them itself for the copy). */
    static List<SessionInfo> otherSessions(Connection connection, String database) throws SQLException {
        List<SessionInfo> sessions = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pid, usename, application_name, host(client_addr), backend_start, state "
                        + "FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid() "
                        + "AND backend_type IS DISTINCT FROM 'autovacuum worker' ORDER BY backend_start, pid")) {
            statement.setString(1, database);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Timestamp since = rows.getTimestamp(5);
                    sessions.add(new SessionInfo(rows.getInt(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), since == null ? null : since.toInstant(), rows.getString(6)));
                }
            }
        }
        return sessions;
    }

    String branchName(String parent, Instant created) {
        return naming.branchName(parent, created);
    }

    /** A labelled copy: how it was made and what its label says. */
    private record Labelled(String copyMethod, BranchMetadata metadata) {
    }

    /**
     * Copies {@code parent} as {@code name}, labels the copy and gives it the parent's owner, privileges and settings
     * ({@link BranchAccess}) before it accepts connections; the copy is dropped if any of that fails.
     */
    private Labelled copyLabelled(Connection connection, DatabaseLocation parent, String name,
                                  BranchMetadata metadata) throws SQLException {
        int serverVersion = Sql.serverVersion(connection);
        requireExists(connection, parent);
        List<SessionInfo> sessions = otherSessions(connection, parent.database());
        if (!sessions.isEmpty()) {
            throw new TargetInUseException(parent.database(), sessions, null);
        }
        BranchAccess access = BranchAccess.of(connection, parent.database());
        String owner = access.owner(connection, name);
        String copyMethod = copy(connection, serverVersion, name, parent.database(), owner);
        try {
            BranchMetadata labelled = BranchDatabases.label(connection, name, metadata);
            access.grant(connection, name, owner);
            access.configure(connection, name);
            BranchAccess.open(connection, name);
            return new Labelled(copyMethod, labelled);
        } catch (SQLException | RuntimeException e) {
            BranchDatabases.dropQuietly(connection, name, e);
            throw e;
        }
    }

    @Override
    DatabaseBranchManagement management() {
        return management;
    }

    /** Where the branches of {@code parent} live: the maintenance database of its server. */
    DatabaseLocation maintenance(DatabaseLocation parent) {
        return parent.withDatabase(maintenanceDatabase);
    }

    BranchNaming naming() {
        return naming;
    }

    Clock clock() {
        return clock;
    }

    /** A labelled copy of the parent, for branch management. */
    void copyNamed(DatabaseLocation parent, String name, BranchMetadata metadata) {
        DatabaseLocation maintenance = parent.withDatabase(maintenanceDatabase);
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '" + maintenanceDatabase
                + "'")) {
            copyLabelled(connection, parent, name, metadata);
        } catch (SQLException e) {
            throw new BranchException("Could not copy database '" + parent.database() + "' as '" + name + "' on "
                    + maintenance.redactedUrl() + ": " + Sql.describe(e) + privilegeHint(e, parent), e);
        }
    }

    /** Configures a {@link TemplateBranchProvider}; every setter checks its argument at once. */
    public static final class Builder {
        private String prefix = DEFAULT_PREFIX;
        private String maintenanceDatabase = "postgres";
        private boolean clone = true;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * The prefix of every branch name, by which leftovers are recognised: lower-case letters, digits and
         * underscores, starting with a letter, at most 24 characters. Default {@value #DEFAULT_PREFIX}.
         */
        public Builder prefix(String prefix) {
            this.prefix = BranchNaming.requireValidPrefix(prefix);
            return this;
        }

        /** The database to connect to for CREATE/DROP DATABASE. Default {@code postgres}. */
        public Builder maintenanceDatabase(String database) {
            this.maintenanceDatabase = BranchDatabases.requireMaintenanceDatabase(database);
            return this;
        }

        /** Whether to ask PostgreSQL 18+ for {@code file_copy_method = clone}. Default true. */
        public Builder clone(boolean clone) {
            this.clone = clone;
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public TemplateBranchProvider build() {
            return new TemplateBranchProvider(this);
        }
    }

    /**
     * Makes the provider {@code template} for the front ends: options {@link #CLONE} and
     * {@link #MAINTENANCE_DATABASE}.
     */
    public static final class Factory implements BranchProviderFactory {
        @Override
        public String name() {
            return "template";
        }

        @Override
        public String description() {
            return "CREATE DATABASE ... TEMPLATE, needs the target without other sessions";
        }

        @Override
        public List<Setting> options() {
            return List.of(CLONE, MAINTENANCE_DATABASE);
        }

        @Override
        public Class<TemplateBranchProvider> providerType() {
            return TemplateBranchProvider.class;
        }

        @Override
        public BranchProvider create(Options options) {
            Builder builder = builder();
            options.bool(CLONE).ifPresent(builder::clone);
            options.text(MAINTENANCE_DATABASE).ifPresent(builder::maintenanceDatabase);
            return builder.build();
        }
    }
}
