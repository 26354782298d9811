package dev.rehearsal.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A session of "the application" that ran a statement in a transaction it keeps open, holding its locks — a long
 * report, a stuck batch job — until {@linkplain #releaseAfter released} or {@linkplain #close() closed}.
 */
public final class HeldLock implements AutoCloseable {
    /** How long {@link #releaseAfterBlocking} waits for someone to be blocked before it releases anyway. */
    private static final Duration NOBODY_BLOCKED = Duration.ofSeconds(60);
    private final Connection session;
    private final TestPostgres postgres;
    private final String database;

    private HeldLock(Connection session, TestPostgres postgres, String database) {
        this.session = session;
        this.postgres = postgres;
        this.database = database;
    }

    /** Opens a session on {@code database} named {@code application} and runs {@code sql} in a transaction. */
    public static HeldLock hold(TestPostgres postgres, String database, String application, String sql) {
        Connection session = postgres.openSession(database, application);
        try (Statement statement = session.createStatement()) {
            session.setAutoCommit(false);
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot hold a lock with: " + sql, e);
        }
        return new HeldLock(session, postgres, database);
    }

    /** Commits and closes the session after {@code delay}, in the background; completes when it did. */
    public CompletableFuture<Void> releaseAfter(Duration delay) {
        return CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(delay.toMillis());
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Commits and closes the session {@code delay} after another session first waited for one of its locks (or after
     * a minute without one), in the background; completes when it did. Unlike {@link #releaseAfter}, the lock is
     * sure to be met however slowly the machine runs what comes before.
     */
    public CompletableFuture<Void> releaseAfterBlocking(Duration delay) {
        return CompletableFuture.runAsync(() -> {
            try (Connection watcher = postgres.openSession(database, "held-lock-watcher");
                 PreparedStatement blocked = watcher.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                         + "WHERE ? = ANY (pg_blocking_pids(pid))")) {
                int holder;
                try (Statement statement = session.createStatement();
                     ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
                    pid.next();
                    holder = pid.getInt(1);
                }
                blocked.setInt(1, holder);
                Instant giveUp = Instant.now().plus(NOBODY_BLOCKED);
                while (!isBlocking(blocked) && Instant.now().isBefore(giveUp)) {
                    Thread.sleep(20);
                }
                Thread.sleep(delay.toMillis());
                close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static boolean isBlocking(PreparedStatement blocked) throws SQLException {
        try (ResultSet rows = blocked.executeQuery()) {
            rows.next();
            return rows.getInt(1) > 0;
        }
    }

    /** Ends the transaction and the session (idempotent). */
    @Override
    public synchronized void close() {
        try {
            if (!session.isClosed()) {
                session.commit();
                session.close();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
