package dev.rehearsal.internal.pipeline;

import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.InterruptedApply;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.internal.pipeline.PromotionJournal.Entry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What promotions that stopped part-way — their runner was killed, or a migration that runs outside a transaction
 * failed on the target — left there, found through their {@link PromotionJournal}, and how the next run repairs it.
 * The next run inspects the target, holding the runner turn, before it plans or branches:
 *
 * <ol>
 *   <li>It waits (up to {@value #WAIT_SECONDS} s) for Rehearsal's sessions on the target to end: with the turn held,
 *       they are the killed runner's, still finishing a statement (a {@code CREATE INDEX CONCURRENTLY} goes on until
 *       its server process notices that the client is gone; promotion sessions check every second).</li>
 *   <li>For each migration that was recorded as started outside a transaction and not finished, it looks for the
 *       indexes the migration built on the branch, by name, and compares each one's definition:
 *     <ul>
 *       <li>an INVALID one (a killed or failed build) is dropped with {@code DROP INDEX CONCURRENTLY}, whether or not
 *           its migration has a history row (Flyway records a failed non-transactional migration as failed);</li>
 *       <li>a valid one whose migration has no history row (the build finished, the history row was never written)
 *           is dropped the same way, so that the migration runs, and is rehearsed, again: Rehearsal never writes
 *           history the tool did not write, and the index is rebuilt once more;</li>
 *       <li>a valid one of a migration whose history records it is kept;</li>
 *       <li>an object under that name that is not that index (another definition, another table, not an index),
 *           or a migration that does more than build indexes outside a transaction, cannot be repaired safely:
 *           the run stops before branching with a {@link RehearsalException} that names the object or the migration
 *           and the one SQL command that clears the way.</li>
 *     </ul></li>
 *   <li>For the promotion itself, the engine releases its own lock if the killed runner left it held
 *       ({@link MigrationEngine#releaseLockLeftBy}).</li>
 * </ol>
 *
 * <p>A promoting run makes the repairs on the target and deletes the record. A rehearse-only run changes nothing on
 * the target: it makes the same index drops on its branch, so that it rehearses what the next promotion will find,
 * and leaves the record for that promotion. Not API.
 */
final class InterruptedPromotions {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptedPromotions.class);
    private static final int WAIT_SECONDS = 60;
    private static final InterruptedPromotions NONE = new InterruptedPromotions(null, List.of(), List.of());
    private static final String OBJECT = "SELECT c.relkind::text, i.indisvalid, "
            + "CASE WHEN c.relkind IN ('i', 'I') THEN pg_get_indexdef(c.oid) END, "
            + "format('%I.%I', n.nspname, c.relname) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "LEFT JOIN pg_index i ON i.indexrelid = c.oid WHERE n.nspname = ? AND c.relname = ?";

    /**
     * One index to drop.
     *
     * @param index  its qualified name
     * @param reason why it goes, as a relative clause ("migration 3 (...) left INVALID when ...")
     */
    private record Repair(String index, String reason) {
        /** The command that drops it on the target. */
        String command() {
            return "DROP INDEX CONCURRENTLY " + index;
        }
    }

    private final String table;
    private final List<Entry> entries;
    private final List<Repair> repairs;

    private InterruptedPromotions(String table, List<Entry> entries, List<Repair> repairs) {
        this.table = table;
        this.entries = List.copyOf(entries);
        this.repairs = List.copyOf(repairs);
    }

    /**
     * Reads the record of interrupted promotions on the target, waits for the killed runners' sessions, and judges
     * what they left. Reads only. Cheap when there is no record: one catalog query.
     *
     * @throws RehearsalException with {@link ErrorCode#PROMOTION_FAILED} when something cannot be repaired safely,
     *                            or when the killed runner's sessions do not end
     */
    public static InterruptedPromotions inspect(DataSource target, MigrationEngine engine) {
        try (Connection connection = target.getConnection()) {
            String table = PromotionJournal.find(connection);
            if (table == null) {
                return NONE;
            }
            List<Entry> entries = PromotionJournal.entries(connection, table);
            if (entries.isEmpty()) {
                return new InterruptedPromotions(table, entries, List.of());
            }
            LOG.warn("A promotion of this target stopped part-way ({} record(s) in {}): looking at what it left "
                    + "before anything else", entries.size(), table);
            awaitSessionsOfKilledRunners(connection);
            boolean migrations = entries.stream().anyMatch(entry -> !entry.isPromotion());
            Set<String> pending = migrations ? Set.copyOf(engine.plan(target).ids()) : Set.of();
            List<Repair> repairs = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (Entry entry : entries) {
                if (!entry.isPromotion()) {
                    judge(connection, table, entry, pending.contains(entry.migration()), repairs, problems);
                }
            }
            if (!problems.isEmpty()) {
                throw new RehearsalException(ErrorCode.PROMOTION_FAILED, "A promotion of this target stopped "
                        + "part-way (its runner was killed, or a migration that runs outside a transaction failed "
                        + "there) and left what Rehearsal cannot repair safely; nothing was changed and no branch was "
                        + "made:\n  - " + String.join("\n  - ", problems));
            }
            return new InterruptedPromotions(table, entries, repairs);
        } catch (SQLException e) {
            throw new DatabaseException("Cannot read what interrupted promotions left on the target: "
                    + Sql.describe(e), e);
        }
    }

    private static void judge(Connection connection, String table, Entry entry, boolean pending, List<Repair> repairs,
                              List<String> problems) throws SQLException {
        String subject = "migration " + entry.label();
        String interrupted = "interrupted on the target at " + entry.started() + " (runner " + entry.runner() + ")";
        String migration = subject + ", " + interrupted + ",";
        if (pending && !entry.intent().indexOnly()) {
            problems.add(migration + " runs `" + entry.otherStatement() + "` outside a transaction, so Rehearsal "
                    + "cannot tell how far it got, nor undo it. Bring the target back to where it had not run (or "
                    + "finish it by hand and record it with " + entry.engine() + "), then delete Rehearsal's record "
                    + "of it: " + PromotionJournal.removal(connection, table, entry));
            return;
        }
        for (BuiltIndex index : entry.indexes()) {
            try (PreparedStatement statement = connection.prepareStatement(OBJECT)) {
                statement.setString(1, index.schema());
                statement.setString(2, index.name());
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        continue;
                    }
                    String name = rows.getString(4);
                    String definition = rows.getString(3);
                    boolean valid = rows.getBoolean(2);
                    if (index.definition().equals(definition)) {
                        if (!valid) {
                            repairs.add(new Repair(name, subject + " left INVALID when it was " + interrupted));
                        } else if (pending) {
                            repairs.add(new Repair(name, subject + " built before it was " + interrupted
                                    + ", without its history row: the migration runs, and is rehearsed, again"));
                        }
                    } else if (pending) {
                        problems.add(definition == null
                                ? name + " exists on the target and is not an index, but " + migration + " builds "
                                + "an index of that name (`" + index.definition() + "`): rename it, e.g. "
                                + Sql.format(connection, "ALTER TABLE %s RENAME TO %I", name, index.name() + "_old")
                                : "index " + name + " exists on the target but is not the index that " + migration
                                + " builds (`" + index.definition() + "`): it is `" + definition + "`, so it is not "
                                + "known to be that migration's leftover. If it is, drop it: DROP INDEX CONCURRENTLY "
                                + name + " (if it is not, rename it instead)");
                    }
                }
            }
        }
    }

    /**
     * Waits for Rehearsal's other sessions on this database to end. With the runner turn held, they are what killed
     * runners left, finishing a statement.
     */
    private static void awaitSessionsOfKilledRunners(Connection connection) throws SQLException {
        String query = "SELECT pid, state, query_start, left(regexp_replace(query, '\\s+', ' ', 'g'), 200) "
                + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                + "AND application_name = ?";
        long deadline = System.nanoTime() + Duration.ofSeconds(WAIT_SECONDS).toNanos();
        boolean logged = false;
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, Sql.APPLICATION_NAME);
            while (true) {
                List<String> sessions = new ArrayList<>();
                List<String> commands = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        sessions.add("pid " + rows.getInt(1) + " (" + rows.getString(2) + " since " + rows.getString(3)
                                + ": " + rows.getString(4) + ")");
                        commands.add("SELECT pg_terminate_backend(" + rows.getInt(1) + ")");
                    }
                }
                if (sessions.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new RehearsalException(ErrorCode.PROMOTION_FAILED, "Sessions of a killed Rehearsal runner "
                            + "are still at work on the target after " + WAIT_SECONDS + " s: " + String.join("; ",
                            sessions) + ". Nothing was changed. Wait for them to end, or end them: "
                            + String.join("; ", commands));
                }
                if (!logged) {
                    LOG.info("Waiting up to {} s for the sessions a killed runner left on the target to end: {}",
                            WAIT_SECONDS, sessions);
                    logged = true;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("Interrupted while waiting for a killed runner's sessions to end", e);
        }
    }

    /**
     * Repairs the target: releases the engine's lock a killed runner left held, drops the indexes, deletes the record
     * and drops its table. Each repair is logged at WARN.
     *
     * @return what was done, one sentence each
     */
    public List<String> repairTarget(DataSource target, MigrationEngine engine) {
        if (table == null) {
            return List.of();
        }
        List<String> done = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.isPromotion() && entry.zone() != null) {
                String released = engine.releaseLockLeftBy(target, new InterruptedApply(entry.started(),
                        entry.lockHolder(), entry.zone(), entry.runner()));
                if (released != null) {
                    LOG.warn("Interrupted promotion: {}", released);
                    done.add(released);
                }
            }
        }
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(true);
            for (Repair repair : repairs) {
                LOG.warn("Interrupted promotion: dropping index {}, which {}: {}", repair.index(), repair.reason(),
                        repair.command());
                Sql.execute(connection, "DROP INDEX CONCURRENTLY IF EXISTS " + repair.index());
                done.add("dropped index " + repair.index() + ", which " + repair.reason() + " ("
                        + repair.command() + ")");
            }
            for (Entry entry : entries) {
                PromotionJournal.remove(connection, table, entry);
            }
            PromotionJournal.dropIfEmpty(connection, table);
        } catch (SQLException e) {
            throw new DatabaseException("Cannot repair what an interrupted promotion left on the target: "
                    + Sql.describe(e) + ". Nothing else was changed; the next run tries again", e);
        }
        return done;
    }

    /**
     * Makes the index drops on a branch, for a rehearsal that must not change the target.
     *
     * @return what was done, one sentence each
     */
    public List<String> repairBranch(DataSource branch) {
        List<String> done = new ArrayList<>();
        try (Connection connection = branch.getConnection()) {
            connection.setAutoCommit(true);
            for (Repair repair : repairs) {
                Sql.execute(connection, "DROP INDEX IF EXISTS " + repair.index());
                done.add("dropped index " + repair.index() + " on the branch only, which " + repair.reason()
                        + "; the next promoting run drops it on the target: " + repair.command());
            }
        } catch (SQLException e) {
            throw new DatabaseException("Cannot drop on the branch what an interrupted promotion left on the target: "
                    + Sql.describe(e), e);
        }
        return done;
    }
}
