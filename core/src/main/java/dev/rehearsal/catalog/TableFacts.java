package dev.rehearsal.catalog;

import dev.rehearsal.catalog.CatalogReader.ColumnBuilder;
import dev.rehearsal.catalog.CatalogReader.TableBuilder;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills in the data facts of a snapshot's tables as {@link DataFacts} describes: counted, estimated or none for each
 * table with storage, then summed up for each partitioned table (whose size is summed as well).
 */
final class TableFacts {
    private final Connection connection;
    private final DataFacts facts;
    private final Map<Long, TableBuilder> tables;
    private final Map<Long, List<Long>> partitions;

    TableFacts(Connection connection, DataFacts facts, Map<Long, TableBuilder> tables,
               Map<Long, List<Long>> partitions) {
        this.connection = connection;
        this.facts = facts;
        this.tables = tables;
        this.partitions = partitions;
    }

    void gather() throws SQLException {
        List<TableBuilder> counted = new ArrayList<>();
        List<TableBuilder> estimated = new ArrayList<>();
        for (TableBuilder table : tables.values()) {
            if (table.partitioned || facts.mode() == DataFacts.Mode.NONE) {
                continue;
            }
            (facts.countsExactly(table.sizeBytes) ? counted : estimated).add(table);
        }
        if (!counted.isEmpty()) {
            count(counted);
        }
        if (!estimated.isEmpty()) {
            estimate(estimated);
        }
        for (TableBuilder table : tables.values()) {
            if (table.partitioned) {
                sumPartitions(table);
            }
        }
    }

    /**
     * One scan a table: {@code SELECT count(*), count(c1), ... FROM ONLY t}. The statements are written by one
     * catalog query from {@code pg_attribute}, identifiers quoted by the server, whatever the number of tables and
     * columns (a table may have 1,600; no function takes that many arguments). The counts are matched to the columns
     * by attribute number.
     */
    private void count(List<TableBuilder> counted) throws SQLException {
        // virtual generated columns (PostgreSQL 18) are not counted: counting would compute them for every row.
        // ONLY: the rows of an inheritance child are its own facts, not its parent's.
        String sql = "SELECT c.oid, format('SELECT count(*)%s FROM ONLY %I.%I', string_agg(format(', count(%I)', "
                + "a.attname), '' ORDER BY a.attnum), n.nspname, c.relname), "
                + "coalesce(array_agg(a.attnum::int ORDER BY a.attnum) FILTER (WHERE a.attnum IS NOT NULL), '{}') "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                + "AND a.attgenerated <> 'v' WHERE c.oid = ANY (?) GROUP BY c.oid, n.nspname, c.relname";
        Map<Long, CountStatement> statements = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, oids(counted));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    statements.put(rows.getLong(1), new CountStatement(rows.getString(2),
                            (Integer[]) rows.getArray(3).getArray()));
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (TableBuilder table : counted) {
                CountStatement count = statements.get(table.oid);
                if (count == null) {
                    continue; // dropped since the catalog was read: its facts stay unknown
                }
                Map<Integer, ColumnBuilder> byPosition = new HashMap<>();
                table.columns.forEach(column -> byPosition.put(column.position, column));
                try (ResultSet rows = statement.executeQuery(count.sql())) {
                    rows.next();
                    table.rowCount = rows.getLong(1);
                    for (int i = 0; i < count.positions().length; i++) {
                        ColumnBuilder column = byPosition.get(count.positions()[i]);
                        if (column != null) {
                            column.nonNullCount = rows.getLong(i + 2);
                        }
                    }
                }
                table.estimated = false;
            }
        }
    }

    /** A table's count statement; its column {@code i + 2} counts the column at attribute number positions[i]. */
    private record CountStatement(String sql, Integer[] positions) {
    }

    /** From {@code pg_class.reltuples} and {@code pg_stats.null_frac}: what the last ANALYZE saw. */
    private void estimate(List<TableBuilder> estimated) throws SQLException {
        Map<Long, Map<Integer, Float>> nullFractions = new HashMap<>();
        // pg_stats rather than pg_statistic: it shows what the role may read instead of failing
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.oid, a.attnum, s.null_frac "
                + "FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname "
                + "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename "
                + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname "
                + "WHERE NOT s.inherited AND c.oid = ANY (?)")) {
            statement.setArray(1, oids(estimated));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    nullFractions.computeIfAbsent(rows.getLong(1), oid -> new HashMap<>())
                            .put(rows.getInt(2), rows.getFloat(3));
                }
            }
        }
        for (TableBuilder table : estimated) {
            table.estimated = true;
            // -1: never vacuumed or analyzed, nothing known
            table.rowCount = table.reltuples < 0 ? null : Math.round((double) table.reltuples);
            Map<Integer, Float> fractions = nullFractions.getOrDefault(table.oid, Map.of());
            for (ColumnBuilder column : table.columns) {
                Float nullFraction = fractions.get(column.position);
                column.nonNullCount = table.rowCount == null || nullFraction == null ? null
                        : Math.round(table.rowCount * (1 - (double) nullFraction));
            }
        }
    }

    /** The tables' OIDs as one {@code oid[]} parameter, however many there are. */
    private Array oids(List<TableBuilder> list) throws SQLException {
        return connection.createArrayOf("oid", list.stream().map(table -> table.oid).toArray());
    }

    /** Size and facts of a partitioned table: the sums of its partitions' (after theirs, for nested ones). */
    private void sumPartitions(TableBuilder parent) {
        if (parent.summed) {
            return;
        }
        parent.summed = true;
        long size = 0;
        Long none = facts.mode() == DataFacts.Mode.NONE ? null : 0L;
        Long rows = none;
        boolean estimated = false;
        Map<String, Long> nonNull = new HashMap<>();
        parent.columns.forEach(column -> nonNull.put(column.name, none));
        for (long oid : partitions.getOrDefault(parent.oid, List.of())) {
            TableBuilder partition = tables.get(oid);
            if (partition == null) {
                // e.g. a foreign table: no facts for the whole
                nonNull.replaceAll((name, count) -> null);
                rows = null;
                continue;
            }
            if (partition.partitioned) {
                sumPartitions(partition);
            }
            size += partition.sizeBytes;
            estimated |= partition.estimated;
            rows = add(rows, partition.rowCount);
            for (ColumnBuilder column : partition.columns) {
                nonNull.computeIfPresent(column.name, (name, count) -> add(count, column.nonNullCount));
            }
        }
        parent.sizeBytes = size;
        parent.rowCount = rows;
        parent.estimated = estimated;
        parent.columns.forEach(column -> column.nonNullCount = nonNull.get(column.name));
    }

    private static Long add(Long sum, Long value) {
        return sum == null || value == null ? null : sum + value;
    }
}
