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

    /**
     * A table-level lock a statement acquired (one its transaction did not hold before it).
     *
     * @param relationOid   the locked relation's OID on the branch
     * @param relation      its name, schema-qualified
     * @param existedBefore true when the relation existed before the migrations ran (a lock on a relation the migration
     *                      created itself blocks no one)
     * @param mode          the lock mode
     * @param heldMillis    how long it was held: from the start of the statement until its transaction ended
     * @param sampled       true when the lock was observed from another session while an auto-commit statement ran
     *                      (e.g. {@code CREATE INDEX CONCURRENTLY}) rather than read in the statement's transaction
     */
    public record LockTrace(long relationOid, String relation, boolean existedBefore, LockMode mode, long heldMillis,
                            boolean sampled) {
        public boolean blocksReads() {
            return mode.blocksReads();
        }

        public boolean blocksWrites() {
            return mode.blocksWrites();
        }
    }

    /**
     * Rows of a pre-existing table that a statement read by scanning it, parallel workers included (from the statistics
     * counters {@code pg_stat_get_tuples_returned} plus the session's pending ones): how PostgreSQL validates {@code
     * SET NOT NULL}, a foreign key or a {@code CHECK}, or builds an index. Rows found through an index are not scans
     * and are not counted.
     *
     * @param relationOid the table's OID on the branch
     * @param relation its name, schema-qualified
     * @param rows rows read by the statement's scans
     */
    public record TableScan(long relationOid, String relation, long rows) {
    }

    /**
     * A pre-existing table, index or materialized view whose storage a statement replaced ({@code relfilenode}
     * changed): PostgreSQL copied all of it, under an {@code ACCESS EXCLUSIVE} lock.
     *
     * @param relationOid the relation's OID on the branch
     * @param relation its name, schema-qualified
     * @param kind {@code table}, {@code index} or {@code materialized view}
     * @param sizeBytes its size before the migrations: what the rewrite had to copy
     */
    public record RelationRewrite(long relationOid, String relation, String kind, long sizeBytes) {
    }
}
