package dev.rehearsal.junit;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Assertions on the safety of the pending migrations, for a test suite: rehearse them against a given database (a
 * production-like fixture, say) and fail with the rehearsal's own summary — which migration, which statement, what
 * the server said, which finding and how to do it safely — when they are not safe. Never changes that database.
 *
 * <pre>{@code
 * @Test
 * void theNextReleaseIsSafeOnProductionLikeData() {
 *     MigrationSafety.assertSafe(Rehearsal.configure()
 *             .target(fixtureUrl, "app", password)
 *             .engine(FlywayEngine.of(Flyway.configure().locations("classpath:db/migration")))
 *             .load());
 * }
 * }</pre>
 */
public final class MigrationSafety {
    private MigrationSafety() {
    }

    /**
     * Rehearses the pending migrations ({@link Rehearsal#rehearse()}) and returns the outcome when they passed or
     * nothing was pending; otherwise fails with the summary.
     */
    public static Outcome assertSafe(Rehearsal rehearsal) {
        Outcome outcome = Objects.requireNonNull(rehearsal, "rehearsal").rehearse();
        if (!outcome.verdict().isSuccess()) {
            throw new AssertionError(message("Expected the pending migrations to be safe, but the rehearsal says "
                    + outcome.verdict(), outcome));
        }
        return outcome;
    }

    /** Rehearses and fails unless the verdict is {@code expected} (e.g. a test that a risky change is caught). */
    public static Outcome assertVerdict(Rehearsal rehearsal, Verdict expected) {
        Outcome outcome = Objects.requireNonNull(rehearsal, "rehearsal").rehearse();
        if (outcome.verdict() != expected) {
            throw new AssertionError(message("Expected the rehearsal to end " + expected + " but it ended "
                    + outcome.verdict(), outcome));
        }
        return outcome;
    }

    /** Fails when {@code outcome} has a finding of one of these kinds (e.g. {@code "table-rewrite"}). */
    public static void assertNoFinding(Outcome outcome, String... kinds) {
        List<String> unwanted = Arrays.asList(kinds);
        List<Finding> found = outcome.findings().stream().filter(f -> unwanted.contains(f.kind())).toList();
        if (!found.isEmpty()) {
            StringBuilder text = new StringBuilder("Expected no finding of " + unwanted + ", found "
                    + found.size() + ":");
            for (Finding finding : found) {
                text.append("\n  [").append(finding.kind()).append("] ")
                        .append(finding.migration() == null ? "" : "migration " + finding.migration() + ": ")
                        .append(finding.message());
                if (finding.remedy() != null) {
                    text.append("\n      safer: ").append(finding.remedy());
                }
            }
            throw new AssertionError(text.toString());
        }
    }

    private static String message(String headline, Outcome outcome) {
        return headline + "\n" + Reports.summary(outcome);
    }
}
