package dev.rehearsal.catalog;

import dev.rehearsal.catalog.CatalogReader.ColumnBuilder;
import dev.rehearsal.catalog.CatalogReader.TableBuilder;
import dev.rehearsal.internal.Sql;
import java.sql.Connection;
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
        List<TableBuilder> estimated = new ArrayList<>();
        for (TableBuilder table : tables.values()) {
            if (table.partitioned || facts.mode() == DataFacts.Mode.NONE) {
                continue;
            }
            if (facts.countsExactly(table.sizeBytes)) {
                count(table);
            } else {
                estimated.add(table);
            }
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

    /** One scan: {@code SELECT count(*), count(c1), ... FROM ONLY t}, identifiers quoted by the server. */
    private void count(TableBuilder table) throws SQLException {
        StringBuilder template = new StringBuilder("SELECT count(*)");
        List<String> arguments = new ArrayList<>();
        List<ColumnBuilder> counted = new ArrayList<>();
        for (ColumnBuilder column : table.columns) {
            if (!column.virtual) {
                template.append(", count(%I)");
                arguments.add(column.name);
                counted.add(column);
            }
        }
        // ONLY: the rows of an inheritance child are its own facts, not its parent's
        template.append(" FROM ONLY %I.%I");
        arguments.add(table.schema);
        arguments.add(table.name);
        String sql = Sql.format(connection, template.toString(), arguments.toArray(String[]::new));
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            table.rowCount = rows.getLong(1);
            for (int i = 0; i < counted.size(); i++) {
                counted.get(i).nonNullCount = rows.getLong(i + 2);
            }
        }
        table.estimated = false;
    }

    /** From {@code pg_class.reltuples} and {@code pg_stats.null_frac}: what the last ANALYZE saw. */
    private void estimate(List<TableBuilder> estimated) throws SQLException {
        Map<Long, Map<Integer, Float>> nullFractions = new HashMap<>();
        StringBuilder oids = new StringBuilder();
        for (TableBuilder table : estimated) {
            oids.append(oids.length() == 0 ? "" : ",").append(table.oid);
        }
        // pg_stats rather than pg_statistic: it shows what the role may read instead of failing
        String sql = "SELECT c.oid, a.attnum, s.null_frac FROM pg_stats s "
                + "JOIN pg_namespace n ON n.nspname = s.schemaname "
                + "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename "
                + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname "
                + "WHERE NOT s.inherited AND c.oid IN (" + oids + ")";
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                nullFractions.computeIfAbsent(rows.getLong(1), oid -> new HashMap<>())
                        .put(rows.getInt(2), rows.getFloat(3));
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
