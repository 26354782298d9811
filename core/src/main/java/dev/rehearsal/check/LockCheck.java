package dev.rehearsal.check;

import dev.rehearsal.trace.LockTrace;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.TableScan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds locks that block reads or writes of a table with data for long: held at least
 * {@link Policy#lockThreshold()}, or held while the statement scanned at least {@link Policy#rowsUnderLock()} rows of the
 * table (a {@code CREATE INDEX} without {@code CONCURRENTLY}, a foreign key or {@code CHECK} validated under lock,
 * a {@code SET NOT NULL} scan) — a scan takes time in proportion to the table, so it is slow in production however
 * quick it was here. A lock is held to the end of its transaction, so the scans of the table by later statements of
 * the same transaction count too (an {@code ALTER TABLE} followed by an {@code UPDATE} of every row). Rewrites are left
 * to {@link RewriteCheck}.
 */
public final class LockCheck implements Check {
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
                long scannedByStatement = scanned(statement, lock.relationOid());
                long scannedLater = 0;
                for (StatementTrace later : heldDuring(statements, i, lock)) {
                    scannedLater += scanned(later, lock.relationOid());
                }
                long scanned = scannedByStatement + scannedLater;
                boolean longHeld = lock.heldMillis() >= context.policy().lockThreshold().toMillis();
                if (!context.hadData(lock.relationOid()) || (scanned < context.policy().rowsUnderLock() && !longHeld)) {
                    continue;
                }
                long rows = context.rowsBefore(lock.relationOid()).orElse(0L);
                String blocks = lock.blocksReads() ? "reads and writes" : "writes";
                String message = lock.mode().sqlName() + " lock on " + lock.relation() + " (" + rows
                        + " rows) blocks its " + blocks + " for " + lock.heldMillis() + " ms"
                        + (scannedLater > 0 ? " while the transaction scanned " + scanned + " rows (" + scannedLater
                        + " by later statements, before it committed)"
                        : scanned > 0 ? " while the statement scanned " + scanned + " rows" : "")
                        + (longHeld && scanned < context.policy().rowsUnderLock() ? " (held until the transaction ended)"
                        : "");
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("relation", lock.relation());
                evidence.put("lockMode", lock.mode().sqlName());
                evidence.put("blocksReads", lock.blocksReads());
                evidence.put("blocksWrites", lock.blocksWrites());
                evidence.put("heldMillis", lock.heldMillis());
                evidence.put("rowsScanned", scanned);
                evidence.put("rowsScannedByLaterStatements", scannedLater);
                evidence.put("tableRows", rows);
                findings.add(new Finding(FindingKinds.BLOCKING_LOCK, Severity.BLOCKING, statement.migration(),
                        statement.sql(), message, evidence, Remedies.forLock(statement.sql())));
            }
        }
        return findings;
    }

    private static long scanned(StatementTrace statement, long relationOid) {
        return statement.scans().stream().filter(s -> s.relationOid() == relationOid).mapToLong(TableScan::rows).sum();
    }

    /**
     * The statements after {@code statements[index]} that ran while its lock was still held: those of the same
     * migration, in its transaction, started before the lock was released (at the end of the transaction). Their
     * scans are as slow under the lock as the statement's own, e.g. an {@code UPDATE} that fills a column added by
     * the {@code ALTER TABLE} before it.
     */
    private static List<StatementTrace> heldDuring(List<StatementTrace> statements, int index, LockTrace lock) {
        StatementTrace statement = statements.get(index);
        List<StatementTrace> later = new ArrayList<>();
        if (!statement.inTransaction() || lock.sampled()) {
            return later;
        }
        Instant released = statement.startedAt().plusMillis(lock.heldMillis());
        for (StatementTrace next : statements.subList(index + 1, statements.size())) {
            if (!Objects.equals(next.migration(), statement.migration()) || !next.inTransaction()
                    || !next.startedAt().isBefore(released)) {
                break;
            }
            later.add(next);
        }
        return later;
    }
}
