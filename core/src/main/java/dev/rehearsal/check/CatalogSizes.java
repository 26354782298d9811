package dev.rehearsal.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.check.ProductionSizes.TableSize;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Production's table sizes from its catalog, for {@link ProductionSizes#read(dev.rehearsal.api.DatabaseLocation)}. */
final class CatalogSizes {
    /**
     * Production's tables, in the catalog only: the planner's estimate ({@code reltuples}, kept by {@code VACUUM} and
     * {@code ANALYZE}), or the statistics collector's live rows before the first {@code ANALYZE} ({@code reltuples}
     * is -1 then; the collector's count drifts, e.g. a session's inserts counted again after its {@code ANALYZE}); a
     * partitioned table counts its leaf partitions'. Statistics, not counts: production's tables are never read.
     */
    private static final String CATALOG_QUERY = """
            WITH sizes AS (
                SELECT c.oid, n.nspname, c.relname, c.relkind,
                       CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE coalesce(s.n_live_tup, 0) END::bigint AS rows,
                       pg_relation_size(c.oid) AS bytes
                FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                WHERE c.relkind IN ('r', 'p', 'm')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            )
            SELECT format('%I.%I', t.nspname, t.relname) AS name,
                   CASE WHEN t.relkind = 'p' THEN (SELECT coalesce(sum(l.rows), 0) FROM pg_partition_tree(t.oid) p
                        JOIN sizes l ON l.oid = p.relid WHERE p.isleaf)::bigint ELSE t.rows END AS rows,
                   CASE WHEN t.relkind = 'p' THEN (SELECT coalesce(sum(l.bytes), 0) FROM pg_partition_tree(t.oid) p
                        JOIN sizes l ON l.oid = p.relid WHERE p.isleaf)::bigint ELSE t.bytes END AS bytes,
                   (SELECT json_object_agg(st.attname, st.null_frac) FROM pg_stats st
                    WHERE st.schemaname = t.nspname AND st.tablename = t.relname AND NOT st.inherited) AS nulls
            FROM sizes t
            ORDER BY 1
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CatalogSizes() {
    }

    /** The tables by schema-qualified name, read in a read-only transaction that ends rolled back. */
    static Map<String, TableSize> read(Connection connection) throws SQLException {
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            // pgjdbc begins read-only transactions already; said here too, so that no driver setting undoes it
            statement.execute("SET TRANSACTION READ ONLY");
            Map<String, TableSize> tables = new LinkedHashMap<>();
            try (ResultSet row = statement.executeQuery(CATALOG_QUERY)) {
                while (row.next()) {
                    Map<String, Double> nulls = new TreeMap<>();
                    String json = row.getString("nulls");
                    if (json != null) {
                        try {
                            JSON.readTree(json).fields().forEachRemaining(c -> nulls.put(c.getKey(),
                                    c.getValue().asDouble()));
                        } catch (JsonProcessingException e) {
                            throw new IllegalStateException("PostgreSQL's json_object_agg gave no JSON", e);
                        }
                    }
                    tables.put(row.getString("name"), new TableSize(row.getLong("rows"), row.getLong("bytes"), nulls));
                }
            }
            return tables;
        } finally {
            connection.rollback();
        }
    }
}
