package dev.rehearsal.trace;

/**
 * Rows of a pre-existing table that a statement read by scanning it, parallel workers included (from the
 * statistics counters {@code pg_stat_get_tuples_returned} plus the session's pending ones): how PostgreSQL validates
 * {@code SET NOT NULL}, a foreign key or a {@code CHECK}, or builds an index. Rows found through an index are not
 * scans and are not counted.
 *
 * @param relationOid the table's OID on the branch
 * @param relation    its name, schema-qualified
 * @param rows        rows read by the statement's scans
 */
public record TableScan(long relationOid, String relation, long rows) {
}
