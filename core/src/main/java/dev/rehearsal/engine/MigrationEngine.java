package dev.rehearsal.engine;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A migration tool, seen from Rehearsal: what is pending, and applying it to a database. Implementations live in
 * the adapters ({@code rehearsal-flyway}); core depends on no tool.
 *
 * <p>An engine is used twice per run with the same plan: first on the branch, then (on promotion) on the target.
 * It must apply exactly the plan's migrations, in its order, and nothing else, using only connections from the
 * DataSource it is given — that is how every statement is traced.
 */
public interface MigrationEngine {
    /** Tool and version, e.g. {@code "Flyway 13.12.0"}. */
    String name();

    /** The migrations pending on this database. Reads only; never changes the database. */
    MigrationPlan plan(DataSource database);

    /**
     * Applies {@code plan} to {@code database}. A failing migration is returned as {@link ApplyResult#failure()},
     * not thrown.
     *
     * @param observer told when each migration starts and ends
     */
    ApplyResult apply(DataSource database, MigrationPlan plan, MigrationObserver observer);

    /**
     * Called once on each new branch, right after it is made and before anything is read or applied there. The
     * branch is a copy of the target, so it holds the tool's own bookkeeping as it was on the target at that moment;
     * an engine repairs here what must not carry over, e.g. a lock of the tool that was held on the target when it
     * was copied but that nobody holds on the branch. Does nothing by default.
     *
     * @param branch the branch, untraced
     */
    default void prepareBranch(DataSource branch) {
    }

    /**
     * The SQL a migration would send, read without running it or touching any database (its script's text; the SQL a
     * Liquibase changeset generates), so that a report can say what the migrations after a failing one would do.
     * Null, the default, when the engine cannot tell (a Java migration, a change whose SQL depends on the database).
     */
    default String sqlOf(Migration migration) {
        return null;
    }

    /**
     * The migrations recorded as applied on this database, oldest first, one line each with everything the tool
     * keeps that identifies what ran (e.g. rank, version, checksum, success) but nothing that differs between two
     * copies of the same database. Rehearsal compares the target's history when the branch was made with the
     * target's history right before promotion, and refuses to promote when they differ. Reads only; never creates
     * the tool's tables. Default: empty, for an engine that keeps no history (then only the schema is compared).
     */
    default List<String> history(DataSource database) {
        return List.of();
    }

    /**
     * The holder this engine's own lock names when this process takes it, for an engine whose lock is a row that
     * outlives a killed process (Liquibase's DATABASECHANGELOGLOCK); null, the default, for a lock that ends with
     * its session (Flyway's advisory lock). Rehearsal records it on the target before promoting, so that the next run
     * can tell the lock a killed runner left from a live one (see {@link #releaseLockLeftBy}).
     */
    default String lockHolder() {
        return null;
    }

    /**
     * Releases this engine's lock on {@code database} when the runner that {@code interrupted} describes was killed
     * while it held it. Rehearsal calls this on the target only, in the next run, holding the runner turn of that
     * target, after the killed runner's sessions have ended and before it plans. The lock must be released only when
     * it is provably that runner's (it names {@link InterruptedApply#lockHolder()} and was taken after
     * {@link InterruptedApply#started()}); a held lock that is not must be left alone. Does nothing by default.
     *
     * @return what was released, in one sentence, or null when nothing was
     * @throws dev.rehearsal.api.RehearsalException when the lock is held but cannot be told from a live one: the
     *                                              message names the lock and how to release it
     */
    default String releaseLockLeftBy(DataSource database, InterruptedApply interrupted) {
        return null;
    }

    /**
     * This tool's own tables (its history, its lock), by name without schema as the catalog spells them, e.g.
     * {@code flyway_schema_history}. A statement sent while a migration ran that locks these tables and no other is
     * the tool's bookkeeping (the migration's history row), not the migration's: Rehearsal records it without a
     * migration, so that no finding is attributed to it and no report lists it among the migration's statements.
     * Default: none.
     */
    default Set<String> ownTables() {
        return Set.of();
    }

    /**
     * True for a statement this tool sends itself on the migration's connection, whatever it locks (Flyway asks the
     * server's version before each migration): recorded as bookkeeping, like a statement on {@link #ownTables()}.
     * False by default.
     */
    default boolean isOwnStatement(String sql) {
        return false;
    }

    /**
     * What the next run knows of a promotion that a killed runner did not finish: Rehearsal recorded it on the target
     * right before the runner's engine started to apply there.
     *
     * @param started    when the killed runner started to apply, by the database server's clock
     * @param lockHolder what {@link MigrationEngine#lockHolder()} returned in the killed runner
     * @param zone       the killed runner's default time zone, which its sessions used for {@code timestamp} values
     * @param runner     the killed runner, for messages (process id and host)
     */
    public record InterruptedApply(Instant started, String lockHolder, ZoneId zone, String runner) {
        public InterruptedApply {
            Objects.requireNonNull(started, "started");
            Objects.requireNonNull(zone, "zone");
        }
    }

    /**
     * Told by an engine when each migration starts and ends, on the thread that runs it, so that every statement in
     * between is attributed to that migration.
     */
    public interface MigrationObserver {
        /** Observes nothing. */
        MigrationObserver NONE = new MigrationObserver() {
            @Override
            public void starting(Migration migration) {
            }

            @Override
            public void finished(Migration migration, boolean succeeded) {
            }
        };

        void starting(Migration migration);

        void finished(Migration migration, boolean succeeded);
    }
}
