package dev.rehearsal.internal.pipeline;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.internal.Durations;
import dev.rehearsal.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 *
 * <p>The session sits idle while the run works elsewhere, so it is protected from what ends idle sessions: it sets
 * {@code idle_session_timeout}, {@code idle_in_transaction_session_timeout}, {@code statement_timeout} and (17+)
 * {@code transaction_timeout} to 0 for itself — a session's own {@code SET} wins over {@code ALTER ROLE/DATABASE ...
 * SET} and {@code postgresql.conf} — and it keeps its TCP connection alive from both ends (pgjdbc's
 * {@code tcpKeepAlive}; the server's {@code tcp_keepalives_*}, where they are at the system default, to a probe after
 * 60 s idle, every 10 s, 6 times), which keeps firewalls and NAT from dropping it and lets the server release the
 * turn of a runner whose machine vanished within about two minutes.
 *
 * <p>Nothing can stop an administrator (or a migration) from terminating the session, though. So a run
 * {@linkplain #verify verifies} that it still holds its turn before each step that relies on having it alone:
 * the session must answer, and {@code pg_locks} must show the lock granted to it.
 */
final class RunnerLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerLock.class);
    /** The first key of every Rehearsal runner lock ("REHR"); the second is a hash of the target's name. */
    private static final int NAMESPACE = 0x52454852;
    private static final String TRY = "SELECT pg_try_advisory_lock(?, hashtext(?))";
    /** Sets the protective settings the server has (transaction_timeout is 17+), in one round trip. */
    private static final String PROTECT = "SELECT set_config(w.name, w.value, false) FROM (VALUES "
            + "('idle_session_timeout', '0'), ('idle_in_transaction_session_timeout', '0'), "
            + "('statement_timeout', '0'), ('transaction_timeout', '0'), ('tcp_keepalives_idle', '60'), "
            + "('tcp_keepalives_interval', '10'), ('tcp_keepalives_count', '6')) AS w(name, value) "
            + "JOIN pg_settings s ON s.name = w.name WHERE NOT starts_with(w.name, 'tcp_') OR s.setting = '0'";
    /** The advisory lock of two int4 keys shows in pg_locks as classid, objid, objsubid 2. */
    private static final String HELD = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            + "AND pid = pg_backend_pid() AND granted AND classid = ?::oid AND objid = hashtext(?)::oid "
            + "AND objsubid = 2)";

    private final Connection connection;
    private final DatabaseLocation maintenance;
    private final String database;
    private String lost;

    private RunnerLock(Connection connection, DatabaseLocation maintenance, String database) {
        this.connection = connection;
        this.maintenance = maintenance;
        this.database = database;
    }

    /**
     * Takes the lock for {@code target}, waiting up to {@code wait} for another runner to finish.
     *
     * @throws RehearsalException with {@link ErrorCode#LOCKED} when another runner holds it longer than that
     */
    public static RunnerLock acquire(DatabaseLocation target, String maintenanceDatabase, Duration wait) {
        DatabaseLocation maintenance = target.withDatabase(maintenanceDatabase);
        Connection connection = Sql.connectKeptAlive(maintenance, "the maintenance database '"
                + maintenanceDatabase + "' (where runners take turns on the target)");
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 50;
        boolean logged = false;
        try (Statement protect = connection.createStatement();
             PreparedStatement statement = connection.prepareStatement(TRY)) {
            protect.execute(PROTECT);
            statement.setInt(1, NAMESPACE);
            statement.setString(2, target.database());
            while (true) {
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (rows.getBoolean(1)) {
                        return new RunnerLock(connection, maintenance, target.database());
                    }
                }
                if (System.nanoTime() >= deadline) {
                    throw new RehearsalException(ErrorCode.LOCKED, "Another Rehearsal runner has been migrating '"
                            + target.database() + "' for longer than " + Durations.format(wait) + ": giving up "
                            + "without changing anything. Run again when it is done, or wait longer with "
                            + Setting.WAIT_FOR_OTHER_RUNNERS.spelled());
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

    /**
     * Why the turn is lost — in words naming the cause, e.g. that the server ended the lock's session by an
     * administrator's command — or null while it is held. Asks the server each time until the answer is "lost";
     * from then on the first cause found is kept.
     */
    public synchronized String lostBecause() {
        if (lost == null) {
            try (PreparedStatement statement = connection.prepareStatement(HELD)) {
                statement.setInt(1, NAMESPACE);
                statement.setString(2, database);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (!rows.getBoolean(1)) {
                        lost = "the session holding it on " + maintenance + " no longer holds the advisory lock "
                                + "(something in that session released it: pg_advisory_unlock_all(), DISCARD ALL, "
                                + "or a connection pooler between Rehearsal and the server)";
                    }
                }
            } catch (SQLException e) {
                lost = "the server closed the session holding it on " + maintenance + ": " + cause(e);
            }
        }
        return lost;
    }

    /**
     * Checks that the turn is still held before {@code step}.
     *
     * @param step      what is about to happen, e.g. "promoting"
     * @param unchanged what the run leaves as it is when the turn is lost, e.g. "Nothing was promoted"
     * @throws RehearsalException with {@link ErrorCode#LOCKED} naming the cause when the turn is lost
     */
    public void verify(String step, String unchanged) {
        String cause = lostBecause();
        if (cause != null) {
            throw lost(step, unchanged, cause, null);
        }
    }

    /**
     * The failure of a run that lost its turn: says before what, why, what it did not change, and what to do.
     *
     * @param because also, the failure the loss explains, or null
     */
    public RehearsalException lost(String step, String unchanged, String cause, String because) {
        return new RehearsalException(ErrorCode.LOCKED, "Lost the runner turn on '" + database + "' before " + step
                + ": " + cause + ". " + (because == null ? "" : because + ". ") + "Another runner may be migrating '"
                + database + "' now. " + unchanged + ". Run again; if a timeout or a job ends idle sessions on that "
                + "server, exempt the sessions of application '" + Sql.APPLICATION_NAME + "' or the database '"
                + maintenance.database() + "' from it");
    }

    /** What a failure of the lock's session says about why it ended. */
    private static String cause(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String why = switch (state) {
            case "57P01" -> "terminated by an administrator's command, pg_terminate_backend() or a server shutdown";
            case "57P05" -> "ended by idle_session_timeout";
            case "25P03" -> "ended by idle_in_transaction_session_timeout";
            case "25P04" -> "ended by transaction_timeout";
            case "57P02", "57P03" -> "the server crashed or restarted";
            default -> state.startsWith("08") ? "the connection to the server was lost" : "it failed";
        };
        return why + " (" + Sql.describe(e) + ")";
    }

    /** Releases the lock (closing the session releases it too, which is what happens when a runner dies). */
    @Override
    public synchronized void close() {
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
