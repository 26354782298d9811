package dev.rehearsal.check;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** The kinds of finding Rehearsal's own checks report. */
public final class FindingKinds {
    /** A migration failed on the branch because of the data (unique over duplicates, NOT NULL over NULLs, a cast). */
    public static final String FAILED_ON_DATA = "failed-on-data";
    /** A migration failed on the branch for another reason (syntax, a missing object, permissions). */
    public static final String MIGRATION_FAILED = "migration-failed";
    /** A table, index or materialized view with data was rewritten under an ACCESS EXCLUSIVE lock. */
    public static final String TABLE_REWRITE = "table-rewrite";
    /** A lock that blocks reads or writes of a table with data was held long, or while scanning the table. */
    public static final String BLOCKING_LOCK = "blocking-lock";
    /**
     * A migration takes a lock that blocks reads or writes of an existing table, and nothing bounds how long it waits
     * for it: no {@code lock_timeout} set by the migration before, none by default for its role or database.
     */
    public static final String NO_LOCK_TIMEOUT = "no-lock-timeout";
    /** A table or column holding data was dropped, or a table truncated. */
    public static final String DATA_LOSS = "data-loss";
    /**
     * A table or column holding data was dropped after its content was copied into another that replaces it (a swap):
     * the same values, by a hash of the content at the drop and after the migrations. Information, not a loss.
     */
    public static final String CONTENT_MOVED = "content-moved";
    /**
     * A statement would act beyond the branch database: on another database, roles, tablespaces, the server's
     * configuration, other sessions, another server, or the server's files and programs. It was not run.
     */
    public static final String OUTSIDE_BRANCH = "outside-branch";
    /** Rows were deleted. */
    public static final String ROWS_DELETED = "rows-deleted";
    /** A column's type was changed to one that holds less (shorter, smaller, less precise). */
    public static final String NARROWING_TYPE_CHANGE = "narrowing-type-change";
    /** A change the application's running (previous) version may not survive: a rename, a drop, a new requirement. */
    public static final String BREAKING_CHANGE = "breaking-change";
    /**
     * A query the running version of the application runs (read from the target's {@code pg_stat_statements} or a
     * file) planned before the migrations and no longer plans on the migrated branch: a table or column it names is
     * gone or renamed, a type no longer matches, a name became ambiguous.
     */
    public static final String BROKEN_QUERY = "broken-query";
    /**
     * One of the running version's most run queries lost an index its plan used, on a table with data, and its
     * estimated cost at least doubled.
     */
    public static final String PLAN_REGRESSION = "plan-regression";
    /**
     * The application's JPA entities do not match the migrated database (a table or column they map is missing, or
     * of a type Hibernate does not accept): the new version of the application fails on it. See
     * {@link EntityModelCheck}.
     */
    public static final String ENTITY_MISMATCH = "entity-mismatch";
    /** An index left invalid (e.g. a failed CREATE INDEX CONCURRENTLY). */
    public static final String INVALID_INDEX = "invalid-index";
    /** A constraint added NOT VALID and never validated. */
    public static final String NOT_VALID_CONSTRAINT = "not-valid-constraint";
    /**
     * A foreign key the migrations added (or whose index they dropped) without an index on its referencing columns:
     * deletes and key updates of the referenced table scan the referencing one.
     */
    public static final String UNINDEXED_FOREIGN_KEY = "unindexed-foreign-key";
    /** One transaction wrote very many rows. */
    public static final String LARGE_BACKFILL = "large-backfill";
    /**
     * One transaction kept very many existing rows of a table with data locked for long (an {@code UPDATE} or
     * {@code DELETE} backfill): writers of those rows wait until it commits.
     */
    public static final String ROW_LOCKS_HELD = "row-locks-held";
    /** A user's SQL assertion returned rows. */
    public static final String ASSERTION_FAILED = "assertion-failed";
    /** A check could not run. */
    public static final String CHECK_ERROR = "check-error";
    /** The target changed between the rehearsal and the promotion. */
    public static final String TARGET_CHANGED = "target-changed";
    /** After promotion, the target's schema differs from the rehearsed branch's. */
    public static final String TARGET_DIFFERS = "target-differs";
    /**
     * What a killed runner's promotion left on the target was repaired before this run (or, in a rehearsal that
     * leaves the target alone, on its branch).
     */
    public static final String INTERRUPTED_PROMOTION = "interrupted-promotion";
    /** A {@code rehearsal:allow} comment without a reason: not honoured. */
    public static final String UNJUSTIFIED_ACKNOWLEDGEMENT = "unjustified-acknowledgement";

    private FindingKinds() {
    }

    /**
     * True when a migration can accept findings of this kind with a {@code -- rehearsal:allow} comment; false for a
     * migration's own failure, a check that could not run, the target having changed or differing, a repaired
     * interrupted promotion and the unjustified acknowledgement itself, which no comment can make safe.
     */
    public static boolean acknowledgeable(String kind) {
        return !List.of(FAILED_ON_DATA, MIGRATION_FAILED, CHECK_ERROR, TARGET_CHANGED, TARGET_DIFFERS,
                INTERRUPTED_PROMOTION, UNJUSTIFIED_ACKNOWLEDGEMENT).contains(kind);
    }

    /** Every kind above, in alphabetical order; for front ends that check a kind a user typed. */
    public static List<String> all() {
        List<String> kinds = new ArrayList<>();
        for (Field field : FindingKinds.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    kinds.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("FindingKinds' constants are public", e);
                }
            }
        }
        return kinds.stream().sorted().toList();
    }
}
