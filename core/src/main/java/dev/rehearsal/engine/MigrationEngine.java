package dev.rehearsal.engine;

import java.util.List;
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
     * The migrations recorded as applied on this database, oldest first, one line each with everything the tool
     * keeps that identifies what ran (e.g. rank, version, checksum, success) but nothing that differs between two
     * copies of the same database. Rehearsal compares the target's history when the branch was made with the
     * target's history right before promotion, and refuses to promote when they differ. Reads only; never creates
     * the tool's tables. Default: empty, for an engine that keeps no history (then only the schema is compared).
     */
    default List<String> history(DataSource database) {
        return List.of();
    }
}
