package dev.rehearsal.check;

import java.util.List;

/**
 * Turns the rehearsal's evidence into findings. Runs after the migrations succeeded on the branch, before
 * anything reaches the target. A check that throws counts as a blocking finding: an unverified migration is not
 * promoted.
 *
 * <pre>{@code
 * Check noEmptyCustomers = context -> {
 *     try (var c = context.branch().getConnection(); var s = c.createStatement();
 *          var rows = s.executeQuery("SELECT count(*) FROM customers")) {
 *         rows.next();
 *         return rows.getLong(1) > 0 ? List.of()
 *                 : List.of(Finding.blocking("customers-emptied", "the customers table is empty after migrating"));
 *     }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Check {
    List<Finding> evaluate(CheckContext context) throws Exception;

    /**
     * The checks every rehearsal runs before the user's own, in the order they run (table rewrites, locks, data loss,
     * breaking changes, leftovers, backfills, foreign keys without an index, lock timeouts). Tune them with a
     * {@link Policy}; accept a finding in the migration itself with a {@code -- rehearsal:allow <kind> <reason>}
     * comment.
     */
    static List<Check> builtIn() {
        return BuiltInChecks.all();
    }

    /** A name for reports; by default the class's simple name. */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() || simple.contains("$$Lambda") ? "user check" : simple;
    }
}
