package dev.rehearsal.check;

import static dev.rehearsal.check.DataLossCheck.evidence;

import dev.rehearsal.catalog.Table;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds very large writes in a single transaction: at least {@link Policy#backfillRows()} rows inserted, updated or
 * deleted by one migration's transactional statements. Such a transaction holds its row locks to the end, bloats the
 * table, and produces WAL that replicas must replay before they catch up.
 *
 * <p>When they are existing rows of a table with data, updated or deleted (not inserted: no one else waits for rows
 * only this transaction can see), the finding is {@code row-locks-held} (blocking by default) instead, with how long
 * the transaction kept them locked — from the first such statement to the commit, as measured on the branch's copy
 * of the data: every write to those rows by the running application waits that long. How many decides, as for the
 * other checks (a count, unlike a time, does not depend on the machine), and so does how long: fewer rows kept
 * locked at least {@value #LONG_ROW_LOCKS} times {@link Policy#lockThreshold()} (10 s by default) are reported too.
 *
 * <p>An {@code UPDATE} or {@code DELETE} without {@code WHERE} changes every row of its table, however many there are:
 * on a table too small to judge (an empty development database) it is {@code row-locks-held} at {@link Severity#INFO},
 * with what was measured; given production's sizes ({@link CheckContext#production()}), it counts production's rows.
 */
final class BackfillCheck implements Check {
    private static final Pattern WRITE = Pattern.compile("^\\s*(with\\b.*\\)\\s*)?(insert|update|delete|merge)\\b",
            Pattern.DOTALL);
    private static final Pattern CHANGES_EXISTING_ROWS = Pattern.compile(
            "^\\s*(with\\b.*\\)\\s*)?(update|delete|merge)\\b", Pattern.DOTALL);
    /** Rows kept locked this many times {@link Policy#lockThreshold()} are too long, however few. */
    static final int LONG_ROW_LOCKS = 10;

    @Override
    public List<Finding> evaluate(CheckContext context) {
        Map<String, List<StatementTrace>> writes = new LinkedHashMap<>();
        for (StatementTrace statement : context.migrationStatements()) {
            boolean wrote = statement.rowsAffected() != null && (statement.rowsAffected() > 0
                    // every row of an existing table, however few here: production's rows decide
                    || WholeTableStatements.updatedEntirely(context, statement).isPresent());
            if (statement.inTransaction() && wrote && WRITE.matcher(Remedies.normalized(statement.sql())).find()) {
                writes.computeIfAbsent(statement.migration(), m -> new ArrayList<>()).add(statement);
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, List<StatementTrace>> migration : writes.entrySet()) {
            Optional<Finding> held = rowLocksHeld(context, migration.getKey(), migration.getValue());
            if (held.isPresent()) {
                findings.add(held.get());
                continue;
            }
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
                    Remedies.BATCHES));
        }
        return findings;
    }

    /** True for an {@code UPDATE}, {@code DELETE} or {@code MERGE}: it locks rows that others may write too. */
    static boolean changesExistingRows(StatementTrace statement) {
        return CHANGES_EXISTING_ROWS.matcher(Remedies.normalized(statement.sql())).find();
    }

    /**
     * The row locks a migration's updates and deletes kept on existing rows of tables with data, when they were at
     * least {@link Policy#backfillRows()} rows or were held {@value #LONG_ROW_LOCKS} times
     * {@link Policy#lockThreshold()}. How long: the longest hold of the write locks those statements took on such
     * tables (from the statement's start to the commit).
     */
    private static Optional<Finding> rowLocksHeld(CheckContext context, String migration,
                                                  List<StatementTrace> writes) {
        long rows = 0;
        long measured = 0;
        long heldMillis = 0;
        StatementTrace first = null;
        StatementTrace wholeTable = null;
        Table entire = null;
        Set<String> tables = new LinkedHashSet<>();
        for (StatementTrace statement : writes) {
            if (!changesExistingRows(statement)) {
                continue;
            }
            measured += statement.rowsAffected();
            Optional<Table> every = WholeTableStatements.updatedEntirely(context, statement);
            // every row of the table: as many in production as it has there
            rows += every.map(table -> Math.max(statement.rowsAffected(), context.rowsOf(table) == null ? 0
                    : context.rowsOf(table))).orElse(statement.rowsAffected());
            if (every.isPresent() && wholeTable == null) {
                wholeTable = statement;
                entire = every.get();
            }
            for (LockTrace lock : statement.locks()) {
                if (lock.mode() == LockMode.ROW_EXCLUSIVE && lock.existedBefore()
                        && context.hadData(lock.relationOid())) {
                    tables.add(lock.relation());
                    heldMillis = Math.max(heldMillis, lock.heldMillis());
                    if (first == null) {
                        first = statement;
                    }
                }
            }
        }
        boolean many = rows >= context.policy().backfillRows();
        boolean heldLong = heldMillis >= context.policy().lockThreshold().toMillis() * LONG_ROW_LOCKS;
        if (first == null || (!many && !heldLong)) {
            return wholeTable == null ? Optional.empty() : Optional.of(tooSmallToJudge(context, migration,
                    wholeTable, entire));
        }
        Map<String, Object> evidence = evidence("rows", measured, "tables", List.copyOf(tables), "heldMillis",
                heldMillis);
        String judged = "";
        if (rows > measured && entire != null) {
            evidence.putAll(context.productionEvidence(entire));
            judged = context.judgedAtProductionSize(entire);
        }
        return Optional.of(new Finding(FindingKinds.ROW_LOCKS_HELD, Severity.BLOCKING, migration, first.sql(),
                rows + " existing rows of " + String.join(", ", tables) + " updated or deleted in one transaction, "
                        + "kept locked for " + heldMillis + " ms until it committed: the application's writes to "
                        + "those rows wait that long" + judged, evidence, Remedies.BATCHES));
    }

    /** An {@code UPDATE} or {@code DELETE} of every row of a table too small to judge: the pattern, at INFO. */
    private static Finding tooSmallToJudge(CheckContext context, String migration, StatementTrace statement,
                                           Table table) {
        long rows = statement.rowsAffected() == null ? 0 : statement.rowsAffected();
        Map<String, Object> evidence = evidence("rows", rows, "tables", List.of(table.qualifiedName()),
                "statementMillis", statement.durationMicros() / 1000);
        evidence.putAll(context.productionEvidence(table));
        return new Finding(FindingKinds.ROW_LOCKS_HELD, Severity.INFO, migration, statement.sql(),
                "every row of " + table.qualifiedName() + " updated or deleted in one transaction: "
                        + Sizes.tooSmallToJudge(rows, "keep every row locked until the commit, and the "
                        + "application's writes to them wait that long"), evidence, Remedies.BATCHES);
    }
}
