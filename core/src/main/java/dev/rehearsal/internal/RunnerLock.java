package dev.rehearsal.internal;

import dev.rehearsal.DatabaseLocation;
import dev.rehearsal.ErrorCode;
import dev.rehearsal.RehearsalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runner at a time per target: a session-level advisory lock, held from before planning until after promotion.
 *
 * <p>The lock's session is on the server's maintenance database, not on the target: a session on the target would
 * make it impossible to branch it (CREATE DATABASE ... TEMPLATE needs it idle). Runners wait by polling
 * {@code pg_try_advisory_lock} with backoff rather than blocking in {@code pg_advisory_lock}, so no waiting runner
 * sits in a long statement; and since {@code CREATE INDEX CONCURRENTLY} only waits for transactions of its own
 * database, the lock never holds up a concurrent index build on the target or a branch. The lock goes with its
 * session: a runner that dies releases it. Not API.
 */
public final class RunnerLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerLock.class);
    /** The first key of every Rehearsal runner lock ("REHR"); the second is a hash of the target's name. */
    private static final int NAMESPACE = 0x52454852;
    private static final String TRY = "SELECT pg_try_advisory_lock(?, hashtext(?))";

    private final Connection connection;
    private final String database;

    private RunnerLock(Connection connection, String database) {
        this.connection = connection;
        this.database = database;
    }

    /**
     * Takes the lock for {@code target}, waiting up to {@code wait} for another runner to finish.
     *
     * @throws RehearsalException with {@link ErrorCode#LOCKED} when another runner holds it longer than that
     */
    public static RunnerLock acquire(DatabaseLocation target, String maintenanceDatabase, Duration wait) {
        DatabaseLocation maintenance = target.withDatabase(maintenanceDatabase);
        Connection connection = Sql.connect(maintenance, "the maintenance database '" + maintenanceDatabase
                + "' (where runners take turns on the target)");
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 50;
        boolean logged = false;
        try (PreparedStatement statement = connection.prepareStatement(TRY)) {
            statement.setInt(1, NAMESPACE);
            statement.setString(2, target.database());
            while (true) {
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (rows.getBoolean(1)) {
                        return new RunnerLock(connection, target.database());
                    }
                }
                if (System.nanoTime() >= deadline) {
                    throw new RehearsalException(ErrorCode.LOCKED, "Another Rehearsal runner has been migrating '"
                            + target.database() + "' for longer than " + wait + ": giving up without changing "
                            + "anything. Run again when it is done, or wait longer with waitForOtherRunners(...)");
                }
                if (!logged) {
                    LOG.info("Another runner is migrating {}: waiting up to {}", target.database(), wait);
                    logged = true;
                }
                Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                pause = Math.min(pause * 2, 1000);
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new RehearsalException(ErrorCode.DATABASE, "Cannot take the runner lock for '" + target.database()
                    + "' on " + maintenance + ": " + Sql.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(connection);
            throw new RehearsalException(ErrorCode.LOCKED, "Interrupted while waiting for another runner to finish "
                    + "migrating '" + target.database() + "'");
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** Releases the lock (closing the session releases it too, which is what happens when a runner dies). */
    @Override
    public void close() {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_advisory_unlock(?, hashtext(?))")) {
            statement.setInt(1, NAMESPACE);
            statement.setString(2, database);
            statement.execute();
        } catch (SQLException e) {
            LOG.debug("Could not release the runner lock explicitly; closing its session releases it", e);
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("Cannot close the runner lock's session", e);
        }
    }
}
