package dev.rehearsal.report;

import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the Markdown and HTML reports say the same way: the headline under the verdict, the closing line, the order
 * of findings, the names reviewers know the migrations by, durations and sizes.
 */
final class Wording {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Wording() {
    }

    /**
     * The sentence under the verdict.
     *
     * @param strong how the report stresses a few words (the text has no markup of its own)
     */
    static String headline(Outcome outcome, UnaryOperator<String> strong) {
        long blocking = outcome.findings().stream().filter(Finding::isBlocking).count();
        long warnings = outcome.findings().stream().filter(f -> f.severity() == Severity.WARNING).count();
        String counts = blocking + " blocking finding(s), " + warnings + " warning(s)";
        return switch (outcome.verdict()) {
            case PROMOTED -> "The migrations passed on a branch of the target and were applied to it. " + counts + ".";
            case PASSED -> "The migrations passed on a branch of the target. " + counts + ".";
            case NOTHING_PENDING -> "Nothing to migrate: no migration was pending on the target, so no branch was made "
                    + "and nothing was changed.";
            case BLOCKED -> "The migrations ran on a branch of the target but are " + strong.apply("not safe to apply")
                    + ": " + counts + ". The target was not changed.";
            case FAILED_ON_BRANCH -> "A migration " + strong.apply("failed on a copy of the target's real data")
                    + ". The target was not changed.";
            case TARGET_CHANGED -> "The migrations passed on a branch, but " + strong.apply("the target changed")
                    + " since the branch was made: nothing was promoted. Run again to rehearse the target as it is "
                    + "now.";
            case PROMOTION_FAILED -> "The migrations passed on the branch but " + strong.apply("failed on the target")
                    + ": see which were applied below.";
            case DIVERGED -> "The migrations were applied to the target, but " + strong.apply("the target's schema "
                    + "differs from the rehearsed branch's") + ": see the differences below.";
        };
    }

    /** The closing line: how long it took and where it ran; a run that found nothing pending made no branch. */
    static String closing(Outcome outcome) {
        if (outcome.branch() == null) {
            return "Checked in " + outcome.timings().totalMillis() + " ms: no branch was made and the target was not "
                    + "changed.";
        }
        return "Rehearsed in " + outcome.timings().totalMillis() + " ms on a branch of the target: nothing reached "
                + "the target unless the verdict is PROMOTED.";
    }

    /** Blocking findings first, then by severity. */
    static List<Finding> findingsInOrder(Outcome outcome) {
        return outcome.findings().stream()
                .sorted(Comparator.comparing(Finding::isBlocking).reversed()
                        .thenComparing(f -> -f.severity().ordinal())).toList();
    }

    /** Each migration's name as reviewers know it ({@link MigrationStatus#name()}), by id. */
    static Map<String, String> migrationNames(Outcome outcome) {
        Map<String, String> names = new LinkedHashMap<>();
        for (MigrationStatus migration : outcome.migrations()) {
            names.put(migration.id(), migration.name());
        }
        return names;
    }

    /** {@code 0.4 ms}, {@code 12 ms}, {@code 1.5 s}, {@code 2 min 5 s}. */
    static String millis(double millis) {
        if (millis < 10) {
            return String.format(Locale.ROOT, "%.1f ms", millis);
        }
        if (millis < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", millis);
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000);
        }
        long seconds = Math.round(millis / 1000);
        return seconds / 60 + " min " + seconds % 60 + " s";
    }

    /** {@code 2026-11-30 22:41:06 UTC}: to the second, in UTC, which every reader can place. */
    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** {@code 1,000,000}. */
    static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }
}
