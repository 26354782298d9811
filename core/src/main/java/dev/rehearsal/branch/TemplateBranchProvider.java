package dev.rehearsal.branch;

import dev.rehearsal.BranchException;
import dev.rehearsal.DatabaseLocation;
import dev.rehearsal.internal.Sql;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
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
 * <p>Branch names are {@code <prefix><parent>_<utc timestamp>_<random>}, e.g.
 * {@code rehearsal_shop_20261123T215301_k3f9qa}, so that leftovers are recognisable; each branch records its
 * {@link BranchMetadata} as a JSON {@code COMMENT ON DATABASE}.
 *
 * <pre>{@code
 * BranchProvider provider = TemplateBranchProvider.builder().prefix("ci_rehearsal_").build();
 * }</pre>
 */
public final class TemplateBranchProvider implements BranchProvider {
    /** The default branch name prefix. */
    public static final String DEFAULT_PREFIX = "rehearsal_";

    private static final Logger LOG = LoggerFactory.getLogger(TemplateBranchProvider.class);
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,23}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_IDENTIFIER_BYTES = 63;
    private static final Duration ORPHAN_WAIT = Duration.ofMinutes(1);
    /** {@code _yyyyMMddTHHmmss_xxxxxx}. */
    private static final int SUFFIX_LENGTH = 23;
    /** SQLSTATE object_in_use: "source database ... is being accessed by other users". */
    private static final String OBJECT_IN_USE = "55006";

    private final String prefix;
    private final String maintenanceDatabase;
    private final boolean clone;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private TemplateBranchProvider(Builder builder) {
        this.prefix = builder.prefix;
        this.maintenanceDatabase = builder.maintenanceDatabase;
        this.clone = builder.clone;
        this.clock = builder.clock;
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
        return prefix;
    }

    @Override
    public String name() {
        return "template";
    }

    @Override
    public Branch create(BranchRequest request) {
        DatabaseLocation parent = request.parent();
        Instant created = clock.instant();
        BranchMetadata metadata = new BranchMetadata(parent.database(), created,
                created.plus(request.expiresAfter()), Owner.current(), request.purpose());
        String name = branchName(parent.database(), created);
        DatabaseLocation maintenance = parent.withDatabase(maintenanceDatabase);
        long start = System.nanoTime();
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '" + maintenanceDatabase
                + "' (set another with TemplateBranchProvider.builder().maintenanceDatabase(...))")) {
            String copyMethod = copyLabelled(connection, parent, name, metadata);
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.debug("Branched '{}' as '{}' with {} in {} ms", parent.database(), name, copyMethod, millis);
            return new TemplateBranch(this, name, parent.withDatabase(name), maintenance, metadata, copyMethod, millis);
        } catch (SQLException e) {
            throw new BranchException("Could not branch database '" + parent.database() + "' on "
                    + maintenance.withDatabase(parent.database()) + ": " + Sql.describe(e) + privilegeHint(e, parent),
                    e);
        }
    }

    @Override
    public void validate(DatabaseLocation target) {
        if (maintenanceDatabase.equals(target.database())) {
            throw new dev.rehearsal.ConfigurationException("The maintenance database '" + maintenanceDatabase
                    + "' is the target itself: a database cannot be copied while Rehearsal is connected to it. "
                    + "Use another database of the same server: TemplateBranchProvider.builder()"
                    + ".maintenanceDatabase(\"postgres\")");
        }
    }

    /**
     * Drops, on {@code target}'s server, the databases of this provider's prefix that it can tell are its own
     * leftovers: those whose recorded expiry has passed; those of {@code target} made by a runner and not kept;
     * and those of {@code target} whose name has this provider's exact form but that still have no comment a second
     * after they were seen — a runner killed between {@code CREATE DATABASE} and {@code COMMENT}. A copy that a killed runner's server session
     * is still making is waited for (up to a minute) first, and so are
     * Rehearsal's sessions on the target, which a killed runner leaves finishing their statement. Anything else is left alone, databases of another prefix
     * or without this provider's marker above all.
     */
    @Override
    public List<String> reapOrphans(DatabaseLocation target, Instant now) {
        DatabaseLocation maintenance = target.withDatabase(maintenanceDatabase);
        List<String> dropped = new ArrayList<>();
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '" + maintenanceDatabase
                + "'")) {
            awaitCopiesInProgress(connection, target.database());
            awaitInterruptedSessions(connection, target.database());
            Pattern ownName = Pattern.compile(Pattern.quote(prefix + stem(target.database()))
                    + "_\\d{8}T\\d{6}_[a-z0-9]{6}");
            Map<String, String> orphans = new LinkedHashMap<>();
            List<String> unlabelled = new ArrayList<>();
            for (Map.Entry<String, String> database : databasesWithPrefix(connection).entrySet()) {
                String name = database.getKey();
                BranchMetadata metadata = BranchComment.parse(database.getValue()).orElse(null);
                if (metadata == null) {
                    if (database.getValue() == null && ownName.matcher(name).matches()) {
                        unlabelled.add(name);
                    }
                } else if (metadata.expiredAt(now)) {
                    orphans.put(name, "expired at " + metadata.expires());
                } else if (metadata.parent().equals(target.database())
                        && BranchRequest.RUNNER.equals(metadata.purpose()) && !metadata.kept()) {
                    orphans.put(name, "left by an interrupted run of " + target.database() + " started at "
                            + metadata.created());
                }
            }
            if (!unlabelled.isEmpty()) {
                // A copy that was just made gets its label right after: give it the time to.
                pause(Duration.ofSeconds(1));
                Map<String, String> again = databasesWithPrefix(connection);
                for (String name : unlabelled) {
                    if (again.containsKey(name) && again.get(name) == null) {
                        orphans.put(name, "a copy of " + target.database() + " whose run was interrupted before "
                                + "it was labelled");
                    }
                }
            }
            for (Map.Entry<String, String> orphan : orphans.entrySet()) {
                try {
                    Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", orphan.getKey());
                    dropped.add(orphan.getKey());
                    LOG.info("Dropped orphan branch {} ({})", orphan.getKey(), orphan.getValue());
                } catch (SQLException e) {
                    LOG.warn("Could not drop orphan branch {} ({}): {}", orphan.getKey(), orphan.getValue(),
                            Sql.describe(e));
                }
            }
        } catch (SQLException e) {
            throw new BranchException("Could not look for orphan branches on " + maintenance.redactedUrl() + ": "
                    + Sql.describe(e), e);
        }
        return dropped;
    }

    private Map<String, String> databasesWithPrefix(Connection connection) throws SQLException {
        Map<String, String> databases = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT datname, "
                + "shobj_description(oid, 'pg_database') FROM pg_database WHERE starts_with(datname, ?) "
                + "ORDER BY datname")) {
            statement.setString(1, prefix);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    databases.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return databases;
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

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    private String copy(Connection connection, int serverVersion, String name, String parent) throws SQLException {
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
            Sql.execute(connection, "CREATE DATABASE %I TEMPLATE %I" + strategy, name, parent);
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

    void drop(DatabaseLocation maintenance, String name) {
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '"
                + maintenance.database() + "'")) {
            // FORCE ends sessions on the branch only: they are Rehearsal's own, or a kept branch's debugger.
            Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", name);
        } catch (SQLException e) {
            throw new BranchException("Could not drop branch '" + name + "': " + Sql.describe(e)
                    + ". Drop it by hand: DROP DATABASE \"" + name + "\" WITH (FORCE);", e);
        }
    }

    void comment(DatabaseLocation maintenance, String name, BranchMetadata metadata) {
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '"
                + maintenance.database() + "'")) {
            Sql.execute(connection, "COMMENT ON DATABASE %I IS %L", name, BranchComment.toJson(metadata));
        } catch (SQLException e) {
            throw new BranchException("Could not record the expiry of branch '" + name + "': " + Sql.describe(e), e);
        }
    }

    private static void dropQuietly(Connection connection, String name, Exception primary) {
        try {
            Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", name);
        } catch (SQLException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    /** The parent's name as branch names carry it: lower case, runs of other characters as one underscore. */
    private String stem(String parent) {
        String stem = parent.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        int room = MAX_IDENTIFIER_BYTES - prefix.length() - SUFFIX_LENGTH;
        return stem.length() > room ? stem.substring(0, room) : stem;
    }

    String branchName(String parent, Instant created) {
        StringBuilder suffix = new StringBuilder("_").append(STAMP.format(created)).append('_');
        for (int i = 0; i < 6; i++) {
            suffix.append(RANDOM_ALPHABET.charAt(random.nextInt(RANDOM_ALPHABET.length())));
        }
        return prefix + stem(parent) + suffix;
    }

    /** Copies {@code parent} as {@code name} and labels the copy; the copy is dropped if labelling fails. */
    private String copyLabelled(Connection connection, DatabaseLocation parent, String name, BranchMetadata metadata)
            throws SQLException {
        int serverVersion = Sql.serverVersion(connection);
        requireExists(connection, parent);
        List<SessionInfo> sessions = otherSessions(connection, parent.database());
        if (!sessions.isEmpty()) {
            throw new TargetInUseException(parent.database(), sessions, null);
        }
        String copyMethod = copy(connection, serverVersion, name, parent.database());
        try {
            Sql.execute(connection, "COMMENT ON DATABASE %I IS %L", name, BranchComment.toJson(metadata));
        } catch (SQLException | RuntimeException e) {
            dropQuietly(connection, name, e);
            throw e;
        }
        return copyMethod;
    }

    // Branch management. A named branch is a database of exactly that name, labelled like every other branch.

    @Override
    public BranchInfo createBranch(DatabaseLocation parent, String name, Duration expiresAfter) {
        BranchNames.requireValid(name);
        Instant created = clock.instant();
        BranchMetadata metadata = new BranchMetadata(parent.database(), created, created.plus(expiresAfter),
                Owner.current(), BranchRequest.DEVELOPER);
        return manage(parent, "create branch '" + name + "'", connection -> {
            if (comments(connection, name).containsKey(name)) {
                throw new BranchException("A database named '" + name + "' already exists on "
                        + parent.withDatabase(name).redactedUrl() + ": choose another branch name, or reset or "
                        + "delete that branch if it is one");
            }
            copyLabelled(connection, parent, name, metadata);
            LOG.info("Created branch {} of {}, expiring {}", name, parent.database(), metadata.expires());
            return info(connection, parent, name, metadata);
        });
    }

    @Override
    public List<BranchInfo> listBranches(DatabaseLocation parent) {
        return manage(parent, "list the branches of '" + parent.database() + "'", connection -> {
            List<BranchInfo> branches = new ArrayList<>();
            for (Map.Entry<String, String> database : comments(connection, null).entrySet()) {
                BranchMetadata metadata = BranchComment.parse(database.getValue()).orElse(null);
                if (metadata != null && metadata.parent().equals(parent.database())) {
                    branches.add(info(connection, parent, database.getKey(), metadata));
                }
            }
            return branches;
        });
    }

    /**
     * Copies the parent's current state under a temporary name first, then swaps it in: if the copy fails (the
     * parent is in use, say), the branch is left as it was.
     */
    @Override
    public BranchInfo resetBranch(DatabaseLocation parent, String name) {
        return manage(parent, "reset branch '" + name + "'", connection -> {
            BranchMetadata existing = own(connection, parent, name);
            Instant now = clock.instant();
            BranchMetadata fresh = new BranchMetadata(existing.parent(), now, existing.expires(), existing.owner(),
                    existing.purpose(), existing.kept());
            String temporary = branchName(parent.database(), now);
            copyLabelled(connection, parent, temporary, fresh);
            Sql.execute(connection, "DROP DATABASE %I WITH (FORCE)", name);
            Sql.execute(connection, "ALTER DATABASE %I RENAME TO %I", temporary, name);
            LOG.info("Reset branch {} to the current state of {}", name, parent.database());
            return info(connection, parent, name, fresh);
        });
    }

    @Override
    public BranchInfo extendBranch(DatabaseLocation parent, String name, Instant expires) {
        return manage(parent, "extend branch '" + name + "'", connection -> {
            BranchMetadata existing = own(connection, parent, name);
            BranchMetadata extended = new BranchMetadata(existing.parent(), existing.created(), expires,
                    existing.owner(), existing.purpose(), existing.kept());
            Sql.execute(connection, "COMMENT ON DATABASE %I IS %L", name, BranchComment.toJson(extended));
            return info(connection, parent, name, extended);
        });
    }

    @Override
    public void deleteBranch(DatabaseLocation parent, String name) {
        manage(parent, "delete branch '" + name + "'", connection -> {
            own(connection, parent, name);
            Sql.execute(connection, "DROP DATABASE %I WITH (FORCE)", name);
            LOG.info("Deleted branch {} of {}", name, parent.database());
            return null;
        });
    }

    @Override
    public DatabaseLocation branchLocation(DatabaseLocation parent, String name) {
        return manage(parent, "find branch '" + name + "'", connection -> {
            own(connection, parent, name);
            return parent.withDatabase(name);
        });
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T manage(DatabaseLocation parent, String what, Work<T> work) {
        DatabaseLocation maintenance = parent.withDatabase(maintenanceDatabase);
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '" + maintenanceDatabase
                + "'")) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new BranchException("Could not " + what + " on " + maintenance.redactedUrl() + ": "
                    + Sql.describe(e) + privilegeHint(e, parent), e);
        }
    }

    /** The metadata of branch {@code name} of {@code parent}; refuses any database that is not one. */
    private static BranchMetadata own(Connection connection, DatabaseLocation parent, String name)
            throws SQLException {
        Map<String, String> found = comments(connection, name);
        if (!found.containsKey(name)) {
            throw new BranchException("There is no branch '" + name + "' of '" + parent.database() + "': list them "
                    + "with BranchManager.list()");
        }
        BranchMetadata metadata = BranchComment.parse(found.get(name)).orElse(null);
        if (metadata == null || !metadata.parent().equals(parent.database())) {
            throw new BranchException("Database '" + name + "' is not a branch of '" + parent.database()
                    + "' made by Rehearsal: it is left alone");
        }
        return metadata;
    }

    /** Database name to comment, for {@code name} only or (null) every database. */
    private static Map<String, String> comments(Connection connection, String name) throws SQLException {
        Map<String, String> databases = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT datname, "
                + "shobj_description(oid, 'pg_database') FROM pg_database WHERE ?::text IS NULL OR datname = ? "
                + "ORDER BY datname")) {
            statement.setString(1, name);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    databases.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return databases;
    }

    private static BranchInfo info(Connection connection, DatabaseLocation parent, String name,
                                   BranchMetadata metadata) throws SQLException {
        Long size = null;
        try (PreparedStatement statement = connection.prepareStatement("SELECT CASE WHEN "
                + "has_database_privilege(oid, 'CONNECT') THEN pg_database_size(oid) END FROM pg_database "
                + "WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    long bytes = rows.getLong(1);
                    size = rows.wasNull() ? null : bytes;
                }
            }
        }
        return new BranchInfo(name, metadata.parent(), metadata.created(), metadata.expires(), metadata.owner(),
                metadata.purpose(), metadata.kept(), size, parent.withDatabase(name).redactedUrl());
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
            Objects.requireNonNull(prefix, "prefix");
            if (!PREFIX.matcher(prefix).matches()) {
                throw new dev.rehearsal.ConfigurationException("Branch prefix '" + prefix + "' is not allowed: use "
                        + "1 to 24 lower-case letters, digits and underscores, starting with a letter "
                        + "(e.g. 'rehearsal_')");
            }
            this.prefix = prefix;
            return this;
        }

        /** The database to connect to for CREATE/DROP DATABASE. Default {@code postgres}. */
        public Builder maintenanceDatabase(String database) {
            Objects.requireNonNull(database, "database");
            if (database.isBlank()) {
                throw new dev.rehearsal.ConfigurationException("The maintenance database name is blank: give the "
                        + "name of a database the role may connect to, e.g. 'postgres'");
            }
            this.maintenanceDatabase = database;
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
}
