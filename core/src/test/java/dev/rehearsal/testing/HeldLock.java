package dev.rehearsal.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A session of "the application" that ran a statement in a transaction it keeps open, holding its locks — a long
 * report, a stuck batch job — until {@linkplain #releaseAfter released} or {@linkplain #close() closed}.
 */
public final class HeldLock implements AutoCloseable {
    private final Connection session;

    private HeldLock(Connection session) {
        this.session = session;
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
        return new HeldLock(session);
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
