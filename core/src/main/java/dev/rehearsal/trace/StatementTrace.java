package dev.rehearsal.trace;

import java.time.Instant;
import java.util.List;

/**
 * One statement executed on the branch, as recorded at the JDBC layer, with what it did to the database.
 *
 * @param sequence       its position among all statements of the run, from 1
 * @param migration      the id of the migration it belongs to, or null for the engine's own bookkeeping
 * @param sql            the SQL text as sent to the driver
 * @param startedAt      when it was sent
 * @param durationMicros how long the driver call took, in microseconds
 * @param rowsAffected   rows inserted, updated or deleted, or null when the statement returns rows or none apply
 * @param inTransaction  false when it ran in auto-commit mode (outside an explicit transaction, e.g.
 *                       {@code CREATE INDEX CONCURRENTLY})
 * @param sqlState       the SQLSTATE when it failed, otherwise null
 * @param error          the server's message when it failed, otherwise null
 * @param locks          table-level locks it acquired, each with how long it was held
 * @param scans          rows of pre-existing tables it read by scanning them
 * @param rewrites       pre-existing relations whose storage it rewrote
 */
public record StatementTrace(int sequence, String migration, String sql, Instant startedAt, long durationMicros,
                             Long rowsAffected, boolean inTransaction, String sqlState, String error,
                             List<LockTrace> locks, List<TableScan> scans, List<RelationRewrite> rewrites) {
    public StatementTrace {
        locks = locks == null ? List.of() : List.copyOf(locks);
        scans = scans == null ? List.of() : List.copyOf(scans);
        rewrites = rewrites == null ? List.of() : List.copyOf(rewrites);
    }

    /** A statement without lock, scan or rewrite evidence. */
    public StatementTrace(int sequence, String migration, String sql, Instant startedAt, long durationMicros,
                          Long rowsAffected, boolean inTransaction, String sqlState, String error) {
        this(sequence, migration, sql, startedAt, durationMicros, rowsAffected, inTransaction, sqlState, error,
                List.of(), List.of(), List.of());
    }

    public boolean failed() {
        return sqlState != null || error != null;
    }
}
