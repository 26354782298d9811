package dev.rehearsal.internal.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, from a session of its own, which table locks another backend holds while one of its auto-commit
 * statements runs (e.g. {@code CREATE INDEX CONCURRENTLY}, {@code VACUUM FULL}): their locks are gone by the time the
 * statement returns, so they cannot be read in the statement's own transaction.
 */
final class LockSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LockSampler.class);
    private static final long INTERVAL_MILLIS = 2;
    private static final String QUERY = "SELECT l.relation::int8, l.mode, l.relation::regclass::text FROM pg_locks l "
            + "WHERE l.pid = ? AND l.locktype = 'relation' AND l.granted AND l.relation >= 16384";

    /** A lock seen by the sampler. */
    record Seen(long oid, String mode, String name) {
    }

    private final DataSource dataSource;
    private Connection connection;

    LockSampler(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Starts watching {@code pid}; the returned run collects until it is stopped. */
    synchronized Run start(int pid) {
        try {
            if (connection == null || connection.isClosed()) {
                connection = dataSource.getConnection();
                connection.setAutoCommit(true);
            }
            Run run = new Run(connection, pid);
            run.thread.start();
            return run;
        } catch (SQLException e) {
            LOG.debug("Cannot sample locks", e);
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Cannot close the lock sampler's connection", e);
            }
        }
    }

    /** One sampling run, on its own thread. */
    static final class Run {
        private final Map<String, Seen> seen = new LinkedHashMap<>();
        private final Thread thread;
        private volatile boolean stopped;

        private Run(Connection connection, int pid) {
            this.thread = new Thread(() -> sample(connection, pid), "rehearsal-lock-sampler");
            this.thread.setDaemon(true);
        }

        private void sample(Connection connection, int pid) {
            try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
                statement.setInt(1, pid);
                while (!stopped) {
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            Seen lock = new Seen(rows.getLong(1), rows.getString(2), rows.getString(3));
                            synchronized (seen) {
                                seen.putIfAbsent(lock.oid() + "/" + lock.mode(), lock);
                            }
                        }
                    }
                    Thread.sleep(INTERVAL_MILLIS);
                }
            } catch (SQLException e) {
                LOG.debug("Lock sampling stopped", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops sampling and returns every lock seen. */
        java.util.List<Seen> stop() {
            stopped = true;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (seen) {
                return java.util.List.copyOf(seen.values());
            }
        }
    }
}
