package dev.rehearsal.check;

import static dev.rehearsal.check.DataLossCheck.evidence;

import dev.rehearsal.trace.StatementTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds very large writes in a single transaction: at least {@link Policy#backfillRows()} rows inserted, updated or
 * deleted by one migration's transactional statements. Such a transaction holds its row locks to the end, bloats the
 * table, and produces WAL that replicas must replay before they catch up.
 */
public final class BackfillCheck implements Check {
    private static final Pattern WRITE = Pattern.compile("^\\s*(with\\b.*\\)\\s*)?(insert|update|delete|merge)\\b",
            Pattern.DOTALL);

    @Override
    public List<Finding> evaluate(CheckContext context) {
        Map<String, List<StatementTrace>> writes = new LinkedHashMap<>();
        for (StatementTrace statement : context.migrationStatements()) {
            if (statement.inTransaction() && statement.rowsAffected() != null && statement.rowsAffected() > 0
                    && WRITE.matcher(Remedies.normalized(statement.sql())).find()) {
                writes.computeIfAbsent(statement.migration(), m -> new ArrayList<>()).add(statement);
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, List<StatementTrace>> migration : writes.entrySet()) {
            long rows = migration.getValue().stream().mapToLong(StatementTrace::rowsAffected).sum();
            if (rows < context.policy().backfillRows()) {
                continue;
            }
            StatementTrace largest = migration.getValue().stream()
                    .max((a, b) -> Long.compare(a.rowsAffected(), b.rowsAffected())).orElseThrow();
            long millis = migration.getValue().stream().mapToLong(StatementTrace::durationMicros).sum() / 1000;
            findings.add(new Finding(FindingKinds.LARGE_BACKFILL, Severity.WARNING, migration.getKey(), largest.sql(),
                    rows + " rows written in one transaction (" + migration.getValue().size() + " statement(s), "
                            + millis + " ms on the branch)",
                    evidence("rows", rows, "statements", migration.getValue().size(), "millis", millis),
                    "backfill in batches of a few thousand rows, each committed on its own (outside the schema "
                            + "migration's transaction, e.g. a non-transactional migration or a job)"));
        }
        return findings;
    }
}
