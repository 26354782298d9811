package dev.rehearsal.outcome;

/**
 * Where the time of a run went, in milliseconds; 0 for phases that did not run.
 *
 * @param planMillis    reading what is pending on the target
 * @param branchMillis  creating the branch
 * @param catalogMillis reading the branch's catalog and data facts, before and after the migrations
 * @param migrateMillis applying the migrations to the branch
 * @param checkMillis   running the checks
 * @param discardMillis dropping the branch
 * @param promoteMillis applying the migrations to the target
 * @param totalMillis   the whole run
 */
public record Timings(long planMillis, long branchMillis, long catalogMillis, long migrateMillis, long checkMillis, long discardMillis,
                      long promoteMillis, long totalMillis) {
}
