package dev.rehearsal.cli;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.check.Check;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.check.Policy;
import dev.rehearsal.check.SqlAssertions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What counts, and how much: the severity of each kind of finding, the thresholds of the built-in checks and the
 * user's SQL assertions, as {@link Policy} and {@link SqlAssertions} take them.
 */
final class PolicyOptions {
    @Option(names = "--severity", paramLabel = "<kind=level>", description = "the severity of a kind of finding: "
            + "blocking, warning, info or ignore, e.g. rows-deleted=blocking or large-backfill=ignore (repeatable)")
    Map<String, String> severities = new LinkedHashMap<>();

    @Option(names = "--min-rows", paramLabel = "<rows>", description = "a table has data from this many rows on; "
            + "locks on smaller tables are not findings (default 1)")
    String minRows;

    @Option(names = "--lock-threshold", paramLabel = "<duration>", description = "a lock that blocks reads or writes "
            + "of a table with data is a finding when held this long, e.g. 200ms (default 1s)")
    String lockThreshold;

    @Option(names = "--rows-under-lock", paramLabel = "<rows>", description = "such a lock is also a finding, "
            + "however short, when its statement scanned or rewrote this many rows of the table (default 100000)")
    String rowsUnderLock;

    @Option(names = "--backfill-rows", paramLabel = "<rows>", description = "one transaction writing this many rows "
            + "is a large backfill (default 100000)")
    String backfillRows;

    @Option(names = "--delete-fraction", paramLabel = "<fraction>", description = "a migration deleting this share of "
            + "a table with data, or backfill-rows of its rows, loses data (blocking data-loss, not rows-deleted), "
            + "e.g. 0.1 or 10%% (default 0.05)")
    String deleteFraction;

    @Option(names = "--assertions", paramLabel = "<dir>", description = "a directory of SQL assertions (*.sql), each "
            + "a query that must return no rows on the migrated branch (repeatable)")
    List<Path> assertions = List.of();

    /** The policy the options describe; the defaults where none is given. */
    Policy policy() {
        Policy.Builder policy = Policy.builder();
        severities.forEach((kind, level) -> severity(policy, kind.trim(), level == null ? "" : level.trim()));
        return policy.set(Policy.MIN_ROWS, minRows).set(Policy.LOCK_THRESHOLD, lockThreshold)
                .set(Policy.ROWS_UNDER_LOCK, rowsUnderLock).set(Policy.BACKFILL_ROWS, backfillRows)
                .set(Policy.DELETE_FRACTION, deleteFraction).build();
    }

    /** One check per assertion directory, read now, so that a missing one ends the run before anything is done. */
    List<Check> checks() {
        return assertions.stream().<Check>map(SqlAssertions::fromDirectory).toList();
    }

    private static void severity(Policy.Builder policy, String kind, String level) {
        String given = Policy.SEVERITIES.spelled(kind + "=" + level);
        // the CLI runs no checks of the user's own, so an unknown kind is a typo, not a kind of another check
        if (!FindingKinds.all().contains(kind)) {
            throw new ConfigurationException(given + ": '" + kind + "' is not a kind of finding; the kinds are "
                    + String.join(", ", FindingKinds.all()));
        }
        switch (level.toLowerCase(Locale.ROOT)) {
            case "ignore" -> policy.ignore(kind);
            case "blocking", "warning", "info" -> policy.severity(kind, Severity.valueOf(level.toUpperCase(
                    Locale.ROOT)));
            default -> throw new ConfigurationException(given + ": '" + level + "' is not a severity: use "
                    + "blocking, warning, info or ignore, e.g. " + Policy.SEVERITIES.spelled(kind + "=blocking"));
        }
    }
}
