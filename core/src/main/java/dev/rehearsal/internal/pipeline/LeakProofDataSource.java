package dev.rehearsal.internal.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Hands out the wrapped DataSource's connections and remembers them, so that {@link #closeLeftovers()} can close
 * those a migration tool failed to close (Flyway leaves one open when it fails part-way, for instance on a location
 * that does not exist). A session left on the target would outlive the run — and keep the target from being copied.
 * Every connection's server process is added to the run's {@link OwnSessions}.
 */
final class LeakProofDataSource extends ForwardingDataSource {
    private final List<Connection> opened = new ArrayList<>();
    private final OwnSessions own;

    public LeakProofDataSource(DataSource delegate, OwnSessions own) {
        super(delegate);
        this.own = own;
    }

    @Override
    protected synchronized Connection wrap(Connection connection) {
        opened.removeIf(LeakProofDataSource::isClosed);
        opened.add(own.add(connection));
        return connection;
    }

    /** Closes every connection handed out and not closed yet; returns how many there were. */
    public synchronized int closeLeftovers() {
        int closed = 0;
        for (Connection connection : opened) {
            if (!isClosed(connection)) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // it is being closed anyway
                }
                closed++;
            }
        }
        opened.clear();
        return closed;
    }

    private static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
