package dev.rehearsal.trace;

import java.util.List;

/**
 * What a table, or a column, held at the moment a migration dropped it: an order-independent hash of its content,
 * taken on the migration's own connection just before the dropping statement ran, so that a check can tell a loss
 * from a swap (the values copied into a new column or table that then replaces the old one) by comparing content,
 * not names. See {@link ContentHash} for what is hashed.
 *
 * @param sequence     the {@linkplain StatementTrace#sequence() sequence} of the statement that dropped it
 * @param tableOid     the table's OID (it existed before the migrations)
 * @param table        the table's name, schema-qualified, at the drop
 * @param columnNumber the dropped column's attribute number, or 0 when the table itself was dropped
 * @param column       the dropped column's name at the drop, or null when the table itself was dropped
 * @param key          what identifies each row: for a column, the table's primary key columns at the drop (not the
 *                     column itself; empty without a primary key); empty for a table
 * @param columns      for a table, all of its columns at the drop; for a column, just that column
 * @param content      the hash, or null when it was not taken (see {@code skipped})
 * @param skipped      why no hash was taken (the table was larger than the tracer hashes, the query
 *                     failed), or null
 */
public record ContentFingerprint(int sequence, long tableOid, String table, int columnNumber, String column,
                                 List<String> key, List<String> columns, ContentHash content, String skipped) {
    public ContentFingerprint {
        key = List.copyOf(key);
        columns = List.copyOf(columns);
    }

    /** True when the table was dropped, false when one of its columns was. */
    public boolean ofTable() {
        return column == null;
    }
}
