package dev.rehearsal.branch.copy;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchMetadata;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the providers that make branches as databases (template, snapshot copy) do alike on the server that holds
 * them, through a connection to its maintenance database: find their branches by prefix or by marker, tell orphans,
 * label, drop.
 */
final class BranchDatabases {
    private static final Logger LOG = LoggerFactory.getLogger(BranchDatabases.class);

    private BranchDatabases() {
    }

    /** A database that carries a branch's metadata. */
    record Marked(String name, BranchMetadata metadata, Long sizeBytes) {
    }

    /** Returns {@code database} as the name of a maintenance database, or fails naming the fix when it is blank. */
    static String requireMaintenanceDatabase(String database) {
        Objects.requireNonNull(database, "database");
        if (database.isBlank()) {
            throw new ConfigurationException("The maintenance database name is blank: give the name of a database "
                    + "the role may connect to, e.g. 'postgres'");
        }
        return database;
    }

    /** The databases whose name starts with {@code prefix}, with their comment (null when none). */
    static Map<String, String> withPrefix(Connection connection, String prefix) throws SQLException {
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

    /**
     * Every database on the server that carries branch metadata of parent {@code parent}, whatever its name, with
     * its size when the role may connect to it.
     */
    static List<Marked> branchesOf(Connection connection, String parent) throws SQLException {
        List<Marked> branches = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT datname, comment, CASE WHEN "
                + "has_database_privilege(oid, 'CONNECT') THEN pg_database_size(oid) END FROM (SELECT oid, datname, "
                + "shobj_description(oid, 'pg_database') AS comment FROM pg_database) d "
                + "WHERE strpos(comment, ?) > 0 ORDER BY datname")) {
            statement.setString(1, BranchComment.MARKER);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Optional<BranchMetadata> metadata = BranchComment.parse(rows.getString(2));
                    if (metadata.isPresent() && metadata.get().parent().equals(parent)) {
                        long size = rows.getLong(3);
                        branches.add(new Marked(rows.getString(1), metadata.get(), rows.wasNull() ? null : size));
                    }
                }
            }
        }
        return branches;
    }

    /** True when a database named {@code name} exists on the server. */
    static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement =
                     connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * The databases of {@code naming}'s prefix that are leftovers, with why: those whose recorded expiry has passed;
     * those of {@code target} made by a runner and not kept; and those of {@code target} whose name has the exact form
     * of {@code naming} but that still have no comment a second after they were seen — a runner killed between
     * creating and labelling them. Databases of another prefix or without the marker are never among them; nor is
     * one that is alive ({@link #spareTheLiving}), whatever its expiry says.
     */
    static Map<String, String> orphans(Connection connection, BranchNaming naming, String target, Instant now)
            throws SQLException {
        Pattern ownName = naming.ownNames(target);
        Map<String, String> orphans = new LinkedHashMap<>();
        List<String> unlabelled = new ArrayList<>();
        for (Map.Entry<String, String> database : withPrefix(connection, naming.prefix()).entrySet()) {
            String name = database.getKey();
            BranchMetadata metadata = BranchComment.parse(database.getValue()).orElse(null);
            if (metadata == null) {
                if (database.getValue() == null && ownName.matcher(name).matches()) {
                    unlabelled.add(name);
                }
            } else if (metadata.expiredAt(now)) {
                orphans.put(name, "expired at " + metadata.expires());
            } else if (metadata.parent().equals(target)
                    && BranchRequest.RUNNER.equals(metadata.purpose()) && !metadata.kept()) {
                orphans.put(name, "left by an interrupted run of " + target + " started at " + metadata.created()
                        + (metadata.runner() == null ? "" : " (" + metadata.runner() + ")"));
            }
        }
        if (!unlabelled.isEmpty()) {
            // A copy that was just made gets its label right after: give it the time to.
            pause(Duration.ofSeconds(1));
            Map<String, String> again = withPrefix(connection, naming.prefix());
            for (String name : unlabelled) {
                if (again.containsKey(name) && again.get(name) == null) {
                    orphans.put(name, "a copy of " + target + " whose run was interrupted before it was labelled");
                }
            }
        }
        return spareTheLiving(connection, naming, orphans);
    }

    /**
     * The {@code candidates} that are not alive. A branch is alive while it has sessions (its run's, or anyone's: a
     * branch in use is never dropped) or while its heartbeat is fresh ({@link BranchMetadata#heartbeatFreshAt}) —
     * what is true of a branch whose runner lost its turn but lives on. Branches without a heartbeat (made before
     * heartbeats, or unlabelled) are judged by their sessions alone.
     *
     * <p>A fresh heartbeat may also be the last one of a runner that was just killed. So the reaper, which holds the
     * turn, waits for each fresh heartbeat to either move on (the runner lives: the branch is left alone, at once) or
     * go stale (the runner is gone: the branch is an orphan) — at most {@link BranchMetadata#HEARTBEAT_TIMEOUT}, and
     * only when there is such a branch. Sessions of a killed runner end on their own within about a second: runs'
     * branches are made with {@code client_connection_check_interval} (see {@link #label}).
     */
    private static Map<String, String> spareTheLiving(Connection connection, BranchNaming naming,
                                                      Map<String, String> candidates) throws SQLException {
        Map<String, String> orphans = new LinkedHashMap<>(candidates);
        if (orphans.isEmpty()) {
            return orphans;
        }
        Map<String, Instant> firstBeat = new LinkedHashMap<>();
        Set<String> alive = new LinkedHashSet<>();
        long deadline = System.nanoTime() + BranchMetadata.HEARTBEAT_TIMEOUT.plusSeconds(1).toNanos();
        boolean logged = false;
        while (true) {
            Liveness now = Liveness.read(connection, naming.prefix());
            boolean waiting = false;
            for (String name : List.copyOf(orphans.keySet())) {
                if (alive.contains(name)) {
                    continue;
                }
                if (!now.comments().containsKey(name)) {
                    orphans.remove(name); // dropped meanwhile, by its own run most likely
                    continue;
                }
                BranchMetadata metadata = BranchComment.parse(now.comments().get(name)).orElse(null);
                if (metadata == null || !metadata.heartbeatFreshAt(now.serverTime())) {
                    continue;
                }
                Instant first = firstBeat.putIfAbsent(name, metadata.lastSeen());
                if (first != null && metadata.lastSeen().isAfter(first)) {
                    alive.add(name);
                } else {
                    waiting = true;
                }
            }
            if (!waiting || System.nanoTime() > deadline) {
                for (String name : List.copyOf(orphans.keySet())) {
                    String inUse = now.inUse(name, alive.contains(name));
                    if (inUse != null) {
                        LOG.info("Left branch {} alone, though {}: it is in use ({})", name, orphans.remove(name),
                                inUse);
                    }
                }
                return orphans;
            }
            if (!logged) {
                LOG.info("Waiting up to {} to tell whether the runs of {} are alive", BranchMetadata.HEARTBEAT_TIMEOUT,
                        firstBeat.keySet());
                logged = true;
            }
            pause(Duration.ofMillis(250));
        }
    }

    /** The comments of the databases of a prefix, their sessions, and the server's clock, read together. */
    private record Liveness(Map<String, String> comments, Map<String, Integer> sessions, Instant serverTime) {
        static Liveness read(Connection connection, String prefix) throws SQLException {
            Map<String, Integer> sessions = new LinkedHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT datname, count(*) "
                    + "FROM pg_stat_activity WHERE starts_with(datname, ?) AND pid <> pg_backend_pid() "
                    + "AND backend_type IS DISTINCT FROM 'autovacuum worker' GROUP BY datname")) {
                statement.setString(1, prefix);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        sessions.put(rows.getString(1), rows.getInt(2));
                    }
                }
            }
            return new Liveness(withPrefix(connection, prefix), sessions, BranchDatabases.serverTime(connection));
        }

        /** Why database {@code name} is in use, or null when it is not; {@code beating}: its heartbeat moved on. */
        String inUse(String name, boolean beating) {
            BranchMetadata metadata = BranchComment.parse(comments.get(name)).orElse(null);
            int count = sessions.getOrDefault(name, 0);
            if (!beating && count == 0 && (metadata == null || !metadata.heartbeatFreshAt(serverTime))) {
                return null;
            }
            String run = metadata == null || metadata.runner() == null ? "its run" : metadata.runner().toString();
            return (metadata == null || metadata.lastSeen() == null ? "" : run + " was alive "
                    + Duration.between(metadata.lastSeen(), serverTime).toMillis() + " ms ago; ")
                    + count + " session(s) on it";
        }
    }

    /** Drops the orphans (name to why), logging each; a failure to drop one is logged and the others go on. */
    static List<String> dropOrphans(Connection connection, Map<String, String> orphans) {
        List<String> dropped = new ArrayList<>();
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
        return dropped;
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void comment(Connection connection, String name, BranchMetadata metadata) throws SQLException {
        Sql.execute(connection, "COMMENT ON DATABASE %I IS %L", name, BranchComment.toJson(metadata));
    }

    /**
     * Labels a new branch with its metadata; returns what was recorded. A run's branch gets its first heartbeat
     * (by the server's clock) and {@code client_connection_check_interval}, so that a session of a run that was
     * killed in the middle of a statement ends when the server sees its client gone (within a second) instead of
     * when the statement ends: until then the branch counts as in use and is not reaped. Servers where that setting
     * does not exist or is not supported (Windows) do without it.
     */
    static BranchMetadata label(Connection connection, String name, BranchMetadata metadata) throws SQLException {
        if (metadata.runner() == null) {
            comment(connection, name, metadata);
            return metadata;
        }
        BranchMetadata seen = metadata.seenAt(serverTime(connection));
        comment(connection, name, seen);
        try {
            Sql.execute(connection, "ALTER DATABASE %I SET client_connection_check_interval = '1s'", name);
        } catch (SQLException e) {
            LOG.debug("Branch {} goes without client_connection_check_interval: {}", name, Sql.describe(e));
        }
        return seen;
    }

    /** The server's clock, which heartbeats are written and judged by. */
    static Instant serverTime(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT clock_timestamp()")) {
            rows.next();
            return rows.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    /** Records a heartbeat of branch {@code name}'s run through a new connection to {@code maintenance}. */
    static BranchMetadata heartbeat(DatabaseLocation maintenance, String name, BranchMetadata metadata) {
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '"
                + maintenance.database() + "'")) {
            BranchMetadata seen = metadata.seenAt(serverTime(connection));
            comment(connection, name, seen);
            return seen;
        } catch (SQLException e) {
            throw new BranchException("Could not record the heartbeat of branch '" + name + "': "
                    + Sql.describe(e), e);
        }
    }

    /** Drops branch {@code name} through a new connection to {@code maintenance}. */
    static void drop(DatabaseLocation maintenance, String name) {
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '"
                + maintenance.database() + "'")) {
            // FORCE ends sessions on the branch only: they are Rehearsal's own, or a kept branch's debugger.
            Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", name);
        } catch (SQLException e) {
            throw new BranchException("Could not drop branch '" + name + "': " + Sql.describe(e)
                    + ". Drop it by hand: DROP DATABASE \"" + name + "\" WITH (FORCE);", e);
        }
    }

    /** Records {@code metadata} on branch {@code name} through a new connection to {@code maintenance}. */
    static void comment(DatabaseLocation maintenance, String name, BranchMetadata metadata) {
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '"
                + maintenance.database() + "'")) {
            comment(connection, name, metadata);
        } catch (SQLException e) {
            throw new BranchException("Could not record the expiry of branch '" + name + "': " + Sql.describe(e), e);
        }
    }

    /** Drops {@code name}, adding a failure to {@code primary} rather than hiding it. */
    static void dropQuietly(Connection connection, String name, Exception primary) {
        try {
            Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", name);
        } catch (SQLException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }
}
