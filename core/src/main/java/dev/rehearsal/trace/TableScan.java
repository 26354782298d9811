package dev.rehearsal.trace;

/**
 * Rows of a pre-existing table that a statement read by scanning it (from the transaction's own statistics,
 * {@code pg_stat_get_xact_tuples_returned}): how PostgreSQL validates {@code SET NOT NULL}, a foreign key or a
 * {@code CHECK}, or builds an index.
 *
 * @param relationOid the table's OID on the branch
 * @param relation    its name, schema-qualified
 * @param rows        rows read by the statement's scans
 */
public record TableScan(long relationOid, String relation, long rows) {
}
