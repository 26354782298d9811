package dev.rehearsal.catalog;

import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.catalog.CatalogSnapshot.EnumType;
import dev.rehearsal.catalog.CatalogSnapshot.Function;
import dev.rehearsal.catalog.CatalogSnapshot.Sequence;
import dev.rehearsal.catalog.CatalogSnapshot.View;
import dev.rehearsal.catalog.Table.Column;
import dev.rehearsal.catalog.Table.Constraint;
import dev.rehearsal.catalog.Table.Index;
import dev.rehearsal.catalog.Table.Trigger;
import dev.rehearsal.internal.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link CatalogSnapshot}: one query per kind of object for the whole database, then the data facts. The
 * queries work on PostgreSQL 14 to 18.
 */
final class CatalogReader {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSnapshot.class);

    /** Namespaces of users' objects, for a query that joins {@code pg_namespace n}. */
    private static final String USER_NAMESPACE = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";
    /**
     * OIDs of the tables a snapshot holds; the other queries select by these. Rehearsal's own record of a promotion
     * in progress is not the user's schema: it is left out, and with it its columns, constraints and indexes.
     */
    private static final String TABLE_OIDS = "SELECT c.oid FROM pg_class c JOIN pg_namespace n "
            + "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND " + USER_NAMESPACE + " AND "
            + notInExtension("pg_class", "c.oid") + " AND NOT (c.relname = '" + Sql.JOURNAL_TABLE + "' AND "
            + "coalesce(obj_description(c.oid, 'pg_class'), '') = '" + Sql.JOURNAL_COMMENT.replace("'", "''")
            + "')";

    private final Connection connection;
    private final DataFacts facts;
    /** Tables by OID, in snapshot order, while they are being filled in. */
    private final Map<Long, TableBuilder> tables = new LinkedHashMap<>();

    CatalogReader(Connection connection, DataFacts facts) {
        this.connection = connection;
        this.facts = facts;
    }

    CatalogSnapshot read() throws SQLException {
        Instant takenAt = Instant.now();
        long start = System.nanoTime();
        int serverVersion = Sql.serverVersion(connection);
        List<String> schemas = query("SELECT n.nspname FROM pg_namespace n WHERE " + USER_NAMESPACE + " AND "
                + notInExtension("pg_namespace", "n.oid") + " ORDER BY 1", rows -> rows.getString(1));
        readTables();
        readColumns();
        readConstraints();
        readIndexes();
        readTriggers();
        new TableFacts(connection, facts, tables, partitionChildren()).gather();
        List<View> views = query("SELECT n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid) FROM pg_class c "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND "
                        + USER_NAMESPACE + " AND " + notInExtension("pg_class", "c.oid") + " ORDER BY 1, 2",
                rows -> new View(rows.getString(1), rows.getString(2), rows.getBoolean(3), rows.getString(4)));
        // as the pg_sequences view does: the last value only where the role may read it, rather than an error
        List<Sequence> sequences = query("SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), "
                        + "CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') "
                        + "THEN pg_sequence_last_value(c.oid) END FROM pg_sequence s "
                        + "JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE " + USER_NAMESPACE + " AND " + notInExtension("pg_class", "c.oid") + " ORDER BY 1, 2",
                rows -> new Sequence(rows.getString(1), rows.getString(2), rows.getString(3),
                        rows.getObject(4, Long.class)));
        // convert_to, not ::bytea, which would read backslashes in the definition as escapes
        List<Function> functions = query("SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), "
                        + "CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, "
                        + "encode(sha256(convert_to(pg_get_functiondef(p.oid), 'UTF8')), 'hex') FROM pg_proc p "
                        + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND "
                        + USER_NAMESPACE + " AND " + notInExtension("pg_proc", "p.oid")
                        + " ORDER BY 1, 2, pg_get_function_identity_arguments(p.oid) COLLATE \"C\"",
                rows -> new Function(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getString(5)));
        List<EnumType> enumTypes = query("SELECT n.nspname, t.typname, ARRAY(SELECT e.enumlabel::text FROM pg_enum e "
                        + "WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) FROM pg_type t "
                        + "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND " + USER_NAMESPACE
                        + " AND " + notInExtension("pg_type", "t.oid") + " ORDER BY 1, 2",
                rows -> new EnumType(rows.getString(1), rows.getString(2), strings(rows.getArray(3))));
        CatalogSnapshot snapshot = new CatalogSnapshot(serverVersion, takenAt,
                tables.values().stream().map(TableBuilder::build).toList(), views, sequences, functions, enumTypes,
                schemas);
        LOG.debug("Catalog snapshot of {} table(s) taken in {} ms ({})", snapshot.tables().size(),
                (System.nanoTime() - start) / 1_000_000, facts);
        return snapshot;
    }

    private void readTables() throws SQLException {
        List<TableBuilder> read = query("SELECT c.oid, n.nspname, c.relname, c.relkind, c.relfilenode, "
                + "pg_total_relation_size(c.oid), c.reltuples FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.oid IN (" + TABLE_OIDS + ") ORDER BY 2, 3", rows -> {
            TableBuilder table = new TableBuilder();
            table.oid = rows.getLong(1);
            table.schema = rows.getString(2);
            table.name = rows.getString(3);
            table.partitioned = rows.getString(4).equals("p");
            table.relfilenode = rows.getLong(5);
            table.sizeBytes = rows.getLong(6);
            table.reltuples = rows.getFloat(7);
            return table;
        });
        read.forEach(table -> tables.put(table.oid, table));
    }

    private void readColumns() throws SQLException {
        // pg_attrdef holds a generated column's expression as its "default"
        forEachRow("SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                + "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated FROM pg_attribute a "
                + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid IN (" + TABLE_OIDS + ") AND a.attnum > 0 AND NOT a.attisdropped "
                + "ORDER BY 1, 2", rows -> {
            String expression = rows.getString(6);
            String identity = rows.getString(7);
            String generated = rows.getString(8);
            ColumnBuilder column = new ColumnBuilder();
            column.position = rows.getInt(2);
            column.name = rows.getString(3);
            column.type = rows.getString(4);
            column.notNull = rows.getBoolean(5);
            column.defaultExpression = generated.isEmpty() ? expression : null;
            column.identity = switch (identity) {
                case "a" -> "always";
                case "d" -> "by default";
                default -> null;
            };
            column.generated = generated.isEmpty() ? null : expression;
            column.virtual = generated.equals("v");
            tables.get(rows.getLong(1)).columns.add(column);
        });
    }

    private void readConstraints() throws SQLException {
        // contype 't' (constraint trigger) is left to the triggers
        forEachRow("SELECT con.conrelid, con.conname, con.contype, pg_get_constraintdef(con.oid), con.convalidated, "
                + "ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, n) "
                + "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.n), "
                + "con.confrelid, con.conparentid <> 0 "
                + "FROM pg_constraint con WHERE con.conrelid IN (" + TABLE_OIDS + ") AND con.contype <> 't' "
                + "ORDER BY 1, 2", rows -> {
            String type = switch (rows.getString(3)) {
                case "p" -> "primary key";
                case "u" -> "unique";
                case "f" -> "foreign key";
                case "c" -> "check";
                case "x" -> "exclusion";
                case "n" -> "not null";
                default -> rows.getString(3);
            };
            tables.get(rows.getLong(1)).constraints.add(new Constraint(rows.getString(2), type, rows.getString(4),
                    rows.getBoolean(5), strings(rows.getArray(6)), rows.getLong(7), rows.getBoolean(8)));
        });
    }

    private void readIndexes() throws SQLException {
        // indkey holds 0 for an expression: its column name comes out NULL, and the leading columns end there
        forEachRow("SELECT i.indrelid, i.indexrelid, ic.relname, pg_get_indexdef(i.indexrelid), i.indisvalid, "
                + "i.indisunique, ic.relfilenode, pg_relation_size(i.indexrelid), am.amname, "
                + "ARRAY(SELECT a.attname::text FROM generate_series(0, i.indnkeyatts - 1) AS k(n) "
                + "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n] ORDER BY k.n), "
                + "i.indpred IS NOT NULL FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
                + "JOIN pg_am am ON am.oid = ic.relam WHERE i.indrelid IN (" + TABLE_OIDS + ") "
                + "ORDER BY 1, 3", rows -> tables.get(rows.getLong(1)).indexes.add(new Index(rows.getLong(2),
                rows.getString(3), rows.getString(4), rows.getBoolean(5), rows.getBoolean(6), rows.getLong(7),
                rows.getLong(8), rows.getString(9), leading(rows.getArray(10)), rows.getBoolean(11))));
    }

    /** The names up to the first NULL (an index's first expression). */
    private static List<String> leading(Array array) throws SQLException {
        List<String> leading = new ArrayList<>();
        for (String name : (String[]) array.getArray()) {
            if (name == null) {
                break;
            }
            leading.add(name);
        }
        return leading;
    }

    private void readTriggers() throws SQLException {
        // A partition's clones of its parent's triggers (tgparentid <> 0) count as internal before 15 and not since:
        // leaving them out on every version keeps snapshots comparable; the parent lists the trigger.
        forEachRow("SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled <> 'D' FROM pg_trigger t "
                + "WHERE t.tgrelid IN (" + TABLE_OIDS + ") AND NOT t.tgisinternal AND t.tgparentid = 0 "
                + "ORDER BY 1, 2", rows -> tables.get(rows.getLong(1)).triggers.add(new Trigger(rows.getString(2),
                rows.getString(3), rows.getBoolean(4))));
    }

    /** The partitions of each partitioned table, from {@code pg_inherits}: unlike pg_partition_tree, it locks none. */
    private Map<Long, List<Long>> partitionChildren() throws SQLException {
        Map<Long, List<Long>> children = new HashMap<>();
        forEachRow("SELECT i.inhparent, i.inhrelid FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
                + "WHERE p.relkind = 'p' ORDER BY 1, 2", rows -> children.computeIfAbsent(rows.getLong(1),
                parent -> new ArrayList<>()).add(rows.getLong(2)));
        return children;
    }

    private static String notInExtension(String catalog, String oid) {
        return "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '" + catalog + "'::regclass "
                + "AND dep.objid = " + oid + " AND dep.deptype = 'e')";
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }

    private interface Row<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private interface RowConsumer {
        void accept(ResultSet rows) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row) throws SQLException {
        List<T> result = new ArrayList<>();
        forEachRow(sql, rows -> result.add(row.read(rows)));
        return result;
    }

    private void forEachRow(String sql, RowConsumer consumer) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                consumer.accept(rows);
            }
        }
    }

    /** A table while its parts are read; facts are filled in by {@link TableFacts}. */
    static final class TableBuilder {
        long oid;
        String schema;
        String name;
        boolean partitioned;
        long relfilenode;
        long sizeBytes;
        /** {@code pg_class.reltuples}: -1 for a table never vacuumed or analyzed. */
        float reltuples;
        Long rowCount;
        boolean estimated;
        /** For a partitioned table: whether its partitions' facts were summed up yet. */
        boolean summed;
        final List<ColumnBuilder> columns = new ArrayList<>();
        final List<Constraint> constraints = new ArrayList<>();
        final List<Index> indexes = new ArrayList<>();
        final List<Trigger> triggers = new ArrayList<>();

        Table build() {
            return new Table(oid, schema, name, partitioned ? "partitioned table" : "table", relfilenode, sizeBytes,
                    rowCount, estimated, columns.stream().map(ColumnBuilder::build).toList(), constraints, indexes,
                    triggers);
        }
    }

    /** A column while its facts are gathered. */
    static final class ColumnBuilder {
        int position;
        String name;
        String type;
        boolean notNull;
        String defaultExpression;
        String identity;
        String generated;
        boolean virtual;
        Long nonNullCount;

        Column build() {
            return new Column(position, name, type, notNull, defaultExpression, identity, generated, nonNullCount);
        }
    }
}
