package dev.rehearsal.internal.pipeline;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.internal.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions a run opened on its target, by backend process id. A closed connection's server process ends a
 * moment after the client has gone, so it may still be listed in {@code pg_stat_activity} when the run goes on to
 * copy the target (about one run in a hundred) — and the copy needs the target free of sessions. The run waits for
 * exactly these to end, and never takes them for someone else's. Not API.
 */
final class OwnSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OwnSessions.class);

    private final Set<Integer> pids = ConcurrentHashMap.newKeySet();

    /** Remembers {@code connection}'s server process; returns the connection. */
    public Connection add(Connection connection) {
        try {
            pids.add(connection.unwrap(PGConnection.class).getBackendPID());
        } catch (SQLException e) {
            LOG.debug("Cannot tell the backend of a connection to the target", e);
        }
        return connection;
    }

    /** True when {@code pid} is the server process of a session the run opened. */
    public boolean contains(int pid) {
        return pids.contains(pid);
    }

    /**
     * Waits, up to {@code bound}, while sessions of this run are still connected to {@code database} and no one
     * else's is: another's session is reported by the copy at once, and waiting for it would only delay that.
     * Asks through a short session of its own on {@code server}'s {@code via} database.
     */
    public void awaitEnded(DatabaseLocation server, String via, String database, Duration bound) {
        if (pids.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + bound.toNanos();
        try (Connection connection = Sql.connect(server.withDatabase(via), "the database '" + via + "'");
             PreparedStatement statement = connection.prepareStatement("SELECT count(*) FILTER (WHERE pid = "
                     + "ANY (?)), count(*) FILTER (WHERE pid <> ALL (?)) FROM pg_stat_activity WHERE datname = ? "
                     + "AND pid <> pg_backend_pid() AND backend_type IS DISTINCT FROM 'autovacuum worker'")) {
            Array own = connection.createArrayOf("int4", pids.toArray());
            statement.setArray(1, own);
            statement.setArray(2, own);
            statement.setString(3, database);
            while (true) {
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (rows.getInt(1) == 0 || rows.getInt(2) > 0 || System.nanoTime() > deadline) {
                        return;
                    }
                }
                LOG.debug("Waiting for the run's own sessions on {} to end", database);
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            LOG.debug("Cannot look for the run's own sessions on {}: going on", database, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
