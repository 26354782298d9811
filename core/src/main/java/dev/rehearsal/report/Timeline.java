package dev.rehearsal.report;

import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The statements of a run on one time axis, from the first statement sent to the branch: when each started, how long
 * it ran, and how long each lock it took on a table that existed before the migrations was held (until its
 * transaction ended, which may be long after the statement). What the HTML report draws and the Markdown report's
 * Mermaid gantt shows.
 *
 * @param rows      one per statement, in the order they were sent
 * @param endMillis when the last statement or lock ended
 */
record Timeline(List<Row> rows, double endMillis) {
    /**
     * One statement on the axis.
     *
     * @param statement   the statement
     * @param name        its migration as reviewers know it, or null for the migration tool's own bookkeeping
     * @param startMillis when it was sent
     * @param locks       the locks it took on pre-existing tables, each from {@code startMillis} for its held time
     */
    record Row(StatementTrace statement, String name, double startMillis, List<LockTrace> locks) {
        double durationMillis() {
            return statement.durationMicros() / 1000.0;
        }

        /** The locks that make other sessions wait: those that block reads or writes. */
        List<LockTrace> blockingLocks() {
            return locks.stream().filter(lock -> lock.blocksReads() || lock.blocksWrites()).toList();
        }
    }

    static Timeline of(Outcome outcome, int maxRows) {
        List<StatementTrace> statements = outcome.statements().stream().limit(maxRows).toList();
        if (statements.isEmpty()) {
            return new Timeline(List.of(), 0);
        }
        Map<String, String> names = Wording.migrationNames(outcome);
        Instant origin = statements.stream().map(StatementTrace::startedAt).min(Instant::compareTo).orElseThrow();
        double end = 0;
        List<Row> rows = new java.util.ArrayList<>();
        for (StatementTrace statement : statements) {
            double start = Duration.between(origin, statement.startedAt()).toNanos() / 1_000_000.0;
            List<LockTrace> locks = statement.locks().stream().filter(LockTrace::existedBefore).toList();
            Row row = new Row(statement, statement.migration() == null ? null
                    : names.getOrDefault(statement.migration(), statement.migration()), start, locks);
            rows.add(row);
            end = Math.max(end, start + row.durationMillis());
            for (LockTrace lock : locks) {
                end = Math.max(end, start + lock.heldMillis());
            }
        }
        return new Timeline(List.copyOf(rows), end);
    }
}
