package dev.rehearsal.check;

import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import dev.rehearsal.trace.StatementTrace.RelationRewrite;
import dev.rehearsal.trace.StatementTrace.TableScan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds locks that block reads or writes of a table with data for long: held at least
 * {@link Policy#lockThreshold()}, or held while the statement scanned at least {@link Policy#rowsUnderLock()} rows of the
 * table (a {@code CREATE INDEX} without {@code CONCURRENTLY}, a foreign key or {@code CHECK} validated under lock,
 * a {@code SET NOT NULL} scan) — a scan takes time in proportion to the table, so it is slow in production however
 * quick it was here. A lock is held to the end of its transaction, so what later statements of the same transaction
 * do counts too: their scans of the table (an {@code ALTER TABLE} followed by an {@code UPDATE} of every row), and
 * their work on other tables with data (the table locked while another one is rewritten, scanned or backfilled): the
 * lock waits for all of it, whichever table it is done on. The same statements in separate transactions, or with the
 * lock taken last, hold it only briefly and are not reported. On tables too small to judge (fewer than
 * {@link Policy#minRows()} rows, or less work under the lock than {@link Policy#rowsUnderLock()} rows), a lock held
 * while later statements rewrote, scanned or wrote other tables is reported at {@link Severity#INFO}: the pattern is
 * there, and production's sizes decide how long it lasts; so is a lock held by a statement that reads every row of
 * such a table ({@code CREATE INDEX} without {@code CONCURRENTLY}, a constraint validated at once, {@code SET NOT
 * NULL}), however short it was here. Given production's sizes ({@link CheckContext#production()}), such a statement
 * is charged with production's rows. Rewrites themselves are left to {@link RewriteCheck}.
 */
final class LockCheck implements Check {
    @Override
    public List<Finding> evaluate(CheckContext context) {
        List<Finding> findings = new ArrayList<>();
        List<StatementTrace> statements = context.migrationStatements();
        for (int i = 0; i < statements.size(); i++) {
            StatementTrace statement = statements.get(i);
            Map<Long, LockTrace> strongest = new LinkedHashMap<>();
            for (LockTrace lock : statement.locks()) {
                if (lock.existedBefore() && (lock.blocksReads() || lock.blocksWrites())
                        && context.before() != null && context.before().tableByOid(lock.relationOid()).isPresent()
                        && statement.rewrites().stream().noneMatch(r -> r.relationOid() == lock.relationOid())) {
                    strongest.merge(lock.relationOid(), lock,
                            (a, b) -> a.mode().compareTo(b.mode()) >= 0 ? a : b);
                }
            }
            for (LockTrace lock : strongest.values()) {
                List<StatementTrace> under = Attribution.heldDuring(statements, i, lock);
                long scannedByStatement = scanned(context, statement, lock.relationOid());
                long scannedLater = 0;
                long traced = traced(statement, lock.relationOid());
                for (StatementTrace later : under) {
                    scannedLater += scanned(context, later, lock.relationOid());
                    traced += traced(later, lock.relationOid());
                }
                List<Work> elsewhere = new ArrayList<>();
                for (StatementTrace later : under) {
                    Work.on(context, later, lock.relationOid()).ifPresent(elsewhere::add);
                }
                long rowsElsewhere = elsewhere.stream().mapToLong(Work::rows).sum();
                long scanned = scannedByStatement + scannedLater;
                // production's rows stand in for the scan of a statement that reads every row of a table empty here
                boolean projected = scanned > traced;
                long threshold = context.policy().rowsUnderLock();
                boolean longHeld = lock.heldMillis() >= context.policy().lockThreshold().toMillis();
                boolean atScale = context.hadData(lock.relationOid())
                        && (scanned >= threshold || longHeld || rowsElsewhere >= threshold);
                boolean readsEveryRow = WholeTableStatements.readsEveryRow(context, statement, lock.relationOid());
                if (!atScale && elsewhere.isEmpty() && !readsEveryRow) {
                    continue;
                }
                long rows = context.measuredRowsBefore(lock.relationOid()).orElse(0L);
                String blocks = lock.blocksReads() ? "reads and writes" : "writes";
                String message = lock.mode().sqlName() + " lock on " + lock.relation() + " (" + rows
                        + " rows) blocks its " + blocks + " for " + lock.heldMillis() + " ms"
                        + (projected ? " while " + (scannedLater > 0 ? "its transaction reads" : "the statement reads")
                        + " every row (" + traced + " here)"
                        : scannedLater > 0 ? " while the transaction scanned " + scanned + " rows (" + scannedLater
                        + " by later statements, before it committed)"
                        : scanned > 0 ? " while the statement scanned " + scanned + " rows" : "")
                        + (elsewhere.isEmpty() ? "" : (scanned > 0 ? ", and" : "") + " while " + elsewhere.size()
                        + " later statement(s) of its transaction worked on other tables: "
                        + String.join("; ", elsewhere.stream().map(Work::describe).toList()))
                        + (longHeld && scanned < threshold && elsewhere.isEmpty()
                        ? " (held until the transaction ended)" : "")
                        + (atScale ? context.judgedAtProductionSize(lock.relationOid())
                        : elsewhere.isEmpty() ? ": " + Sizes.tooSmallToJudge(rows, "block its " + blocks + " while the "
                        + "statement reads every row")
                        : " — too little data here to say how long in production");
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("relation", lock.relation());
                evidence.put("lockMode", lock.mode().sqlName());
                evidence.put("blocksReads", lock.blocksReads());
                evidence.put("blocksWrites", lock.blocksWrites());
                evidence.put("heldMillis", lock.heldMillis());
                evidence.put("rowsScanned", traced);
                if (projected) {
                    evidence.put("rowsScannedAtProductionSize", scanned);
                }
                evidence.put("rowsScannedByLaterStatements", scannedLater);
                evidence.put("tableRows", rows);
                evidence.putAll(context.productionEvidence(lock.relationOid()));
                if (!elsewhere.isEmpty()) {
                    evidence.put("statementsUnderLock", elsewhere.stream().map(Work::evidence).toList());
                    evidence.put("rowsWorkedElsewhereUnderLock", rowsElsewhere);
                }
                findings.add(new Finding(FindingKinds.BLOCKING_LOCK, atScale ? Severity.BLOCKING : Severity.INFO,
                        statement.migration(), statement.sql(), message, evidence, elsewhere.isEmpty()
                        ? Remedies.forLock(statement.sql()) : Remedies.forLockHeldAcrossStatements(lock.relation())));
            }
        }
        return findings;
    }

    /**
     * Rows of the table the statement scanned: as traced, or, judged at production size, all of production's rows
     * when the statement reads every row ({@link WholeTableStatements}) and the branch could not show it otherwise
     * (its table was empty, or the trace saw it read all of it).
     */
    private static long scanned(CheckContext context, StatementTrace statement, long relationOid) {
        long traced = traced(statement, relationOid);
        long measured = context.measuredRowsBefore(relationOid).orElse(0L);
        long judged = context.rowsBefore(relationOid).orElse(0L);
        if (judged > traced && (measured == 0 || traced >= measured)
                && WholeTableStatements.readsEveryRow(context, statement, relationOid)) {
            return judged;
        }
        return traced;
    }

    /** Rows of the table the statement scanned, as traced on the branch. */
    private static long traced(StatementTrace statement, long relationOid) {
        return statement.scans().stream().filter(s -> s.relationOid() == relationOid).mapToLong(TableScan::rows).sum();
    }

    /**
     * What a later statement did to tables other than the locked one while the lock waited: the rows of the tables
     * and materialized views it rewrote (as they were before), the rows it scanned, or the rows it updated or deleted
     * (or inserted, when they are many) in a table it locked for writing — whichever is most, since an
     * {@code UPDATE} reads and writes the same rows.
     */
    private record Work(StatementTrace statement, String what, long rows) {
        static Optional<Work> on(CheckContext context, StatementTrace statement, long lockedOid) {
            List<String> what = new ArrayList<>();
            long rows = 0;
            for (RelationRewrite rewrite : statement.rewrites()) {
                if (rewrite.relationOid() != lockedOid && !rewrite.kind().equals("index")) {
                    long before = context.rowsBefore(rewrite.relationOid()).orElse(0L);
                    what.add("rewrote " + rewrite.relation() + " (" + before + " rows)");
                    rows = Math.max(rows, before);
                }
            }
            for (TableScan scan : statement.scans()) {
                // a rewrite reads the rows it copies (and its indexes' builds read them again): counted above
                boolean rewritten = statement.rewrites().stream().anyMatch(r -> r.relationOid() == scan.relationOid());
                if (scan.relationOid() != lockedOid && scan.rows() > 0 && !rewritten) {
                    what.add("scanned " + scan.rows() + " rows of " + scan.relation());
                    rows = Math.max(rows, scan.rows());
                }
            }
            long written = statement.rowsAffected() == null ? 0 : statement.rowsAffected();
            // inserting a few rows (a migration tool's history row among them) does not make the lock last; changing
            // existing rows, or writing many, does
            if (!BackfillCheck.changesExistingRows(statement) && written < context.policy().rowsUnderLock()) {
                written = 0;
            }
            List<String> writtenTables = statement.locks().stream()
                    .filter(lock -> lock.relationOid() != lockedOid && lock.existedBefore()
                            && lock.mode() == LockMode.ROW_EXCLUSIVE
                            // a write locks the table's indexes too: those of the locked table are not elsewhere
                            && context.before().tableByOid(lock.relationOid()).isPresent())
                    .map(LockTrace::relation).distinct().toList();
            if (written > 0 && !writtenTables.isEmpty()) {
                what.add("wrote " + written + " rows of " + String.join(", ", writtenTables));
                rows = Math.max(rows, written);
            }
            return what.isEmpty() ? Optional.empty()
                    : Optional.of(new Work(statement, String.join(", ", what), rows));
        }

        String describe() {
            return "#" + statement.sequence() + " " + excerpt(statement.sql()) + " (" + what + ")";
        }

        Map<String, Object> evidence() {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("sequence", statement.sequence());
            evidence.put("statement", statement.sql());
            evidence.put("did", what);
            evidence.put("rows", rows);
            evidence.put("millis", statement.durationMicros() / 1000);
            return evidence;
        }

        private static String excerpt(String sql) {
            String flat = sql.replaceAll("--[^\\n]*", " ").replaceAll("\\s+", " ").trim();
            return flat.length() <= 100 ? flat : flat.substring(0, 97) + "...";
        }
    }
}
