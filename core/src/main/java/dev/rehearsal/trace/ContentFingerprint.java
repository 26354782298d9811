package dev.rehearsal.trace;

import dev.rehearsal.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

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

    /**
     * An order-independent hash of what some columns of a table hold: the rows counted, and the sum of {@code
     * hashtextextended} of each row's text form ({@code ROW(key..., columns...)::text}). One sequential scan, no sort.
     * Hashing the text form makes a value copied into a column of a wider type ({@code integer} to {@code bigint},
     * {@code varchar(20)} to {@code text}) hash the same; including the row's primary key makes a value that moved to
     * another row hash differently.
     *
     * @param rows the rows hashed (for a column: the rows where it is not null)
     * @param sum the sum of the rows' 64-bit hashes, in decimal
     */
    public record ContentHash(long rows, String sum) {
        /**
         * By default, tables larger than this (heap and TOAST of all partitions: {@code pg_table_size}) are not hashed:
         * a hash reads every row, once at the drop and once per candidate replacement after the migrations. The same
         * bound as the catalog's exact counts ({@code DataFacts.defaults()}); about a million rows a second.
         */
        public static final long MAX_TABLE_BYTES = 1L << 30;
        /**
         * A partitioned table has no storage of its own: its partitions' count (pg_partition_tree lists only those).
         */
        private static final String SIZE = "/* rehearsal:fingerprint */ SELECT CASE WHEN c.relkind = 'p' THEN "
                + "(SELECT coalesce(sum(pg_table_size(p.relid)), 0) FROM pg_partition_tree(c.oid) p) "
                + "ELSE pg_table_size(c.oid) END::int8 FROM pg_class c WHERE c.oid = ?::oid";

        /**
         * Hashes {@code columns} of {@code table} with each row's {@code key}; with {@code notNull}, only the rows
         * where that column has a value.
         *
         * @param table a schema-qualified, quoted table name ({@code format('%I.%I', ...)})
         */
        public static ContentHash of(Connection connection, String table, List<String> key, List<String> columns,
                                     String notNull) throws SQLException {
            List<String> hashed = new ArrayList<>(key);
            hashed.addAll(columns);
            String row = hashed.stream().map(Sql::quote).collect(Collectors.joining(", ", "ROW(", ")::text"));
            String sql = "/* rehearsal:fingerprint */ SELECT count(*), coalesce(sum(hashtextextended(" + row
                    + ", 0)), 0)::text FROM " + table
                    + (notNull == null ? "" : " WHERE " + Sql.quote(notNull) + " IS NOT NULL");
            try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
                result.next();
                return new ContentHash(result.getLong(1), result.getString(2));
            }
        }

        /** Why the table is not hashed (it is larger than {@code limitBytes}), or empty when it may be. */
        public static Optional<String> tooLarge(Connection connection, long tableOid, long limitBytes)
                throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(SIZE)) {
                statement.setLong(1, tableOid);
                try (ResultSet result = statement.executeQuery()) {
                    long bytes = result.next() ? result.getLong(1) : 0;
                    return bytes > limitBytes ? Optional.of("the table (" + size(bytes) + ") is larger than "
                            + size(limitBytes) + ", the most Rehearsal hashes") : Optional.empty();
                }
            }
        }

        private static String size(long bytes) {
            return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes + " bytes";
        }

    }
}
