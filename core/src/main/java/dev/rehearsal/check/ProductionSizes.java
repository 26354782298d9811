package dev.rehearsal.check;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.internal.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * How large production's tables are, so that findings on a small or empty branch (a development database) are
 * judged as they would be in production: a table the branch has by the same schema-qualified name counts as many rows
 * as the larger of the branch's and production's (see {@link CheckContext#rowsBefore(long)}).
 *
 * <p>Two sources. A statistics file, JSON, keyed by schema-qualified table name as PostgreSQL quotes it
 * ({@code public.orders}, {@code public."Order"}):
 * <pre>{@code
 * {
 *   "source": "jdbc:postgresql://prod-replica:5432/shop",
 *   "taken": "2026-11-30T09:00:00Z",
 *   "tables": {
 *     "public.orders": {"rows": 2000000, "bytes": 524288000, "nullFraction": {"note": 0.4}}
 *   }
 * }
 * }</pre>
 * {@code rows} is required; {@code bytes} (the table's size on disk) and {@code nullFraction} (per column, the share
 * of NULLs, from {@code pg_stats.null_frac}) are optional; {@code source} and {@code taken} only say where the
 * figures came from. {@link #toJson()} writes this format ({@code rehearsal stats} prints it), {@link #read(Path)}
 * reads it. Or a read-only production source by URL ({@link #read(DatabaseLocation)}), read from the catalog only
 * ({@code pg_class.reltuples}, else {@code pg_stat_user_tables.n_live_tup}; {@code pg_relation_size};
 * {@code pg_stats.null_frac}) in a read-only transaction: never a row of a table. The same from {@code psql}:
 * <pre>{@code
 * SELECT format('%I.%I', n.nspname, c.relname) AS table, c.reltuples::bigint AS rows, pg_relation_size(c.oid) AS bytes
 * FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 * WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema');
 * }</pre>
 */
public final class ProductionSizes {
    /** The size of one of production's tables. */
    public record TableSize(long rows, Long bytes, Map<String, Double> nullFractions) {
        public TableSize {
            nullFractions = nullFractions == null ? Map.of() : Map.copyOf(nullFractions);
        }

        /** The values a column holds in production, estimated from its share of NULLs; empty when not known. */
        public Optional<Long> nonNullValues(String column) {
            Double nulls = nullFractions.get(column);
            return nulls == null ? Optional.empty() : Optional.of(Math.round(rows * (1 - nulls)));
        }
    }

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
    private static final Set<String> TOP_LEVEL = Set.of("source", "taken", "tables");
    private static final Set<String> PER_TABLE = Set.of("rows", "bytes", "nullFraction");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ProductionSizes NONE = new ProductionSizes(null, Map.of());

    private final String source;
    private final Map<String, TableSize> tables;

    private ProductionSizes(String source, Map<String, TableSize> tables) {
        this.source = source;
        this.tables = Map.copyOf(tables);
    }

    /** No production sizes: the branch's own decide. */
    public static ProductionSizes none() {
        return NONE;
    }

    /**
     * Production sizes given in code.
     *
     * @param source where they came from, as findings name it (e.g. a file name); never a password
     * @param tables by schema-qualified name as PostgreSQL quotes it, e.g. {@code public.orders}
     */
    public static ProductionSizes of(String source, Map<String, TableSize> tables) {
        Objects.requireNonNull(source, "source");
        return new ProductionSizes(source, tables);
    }

    /**
     * Reads a statistics file (the format above).
     *
     * @throws ConfigurationException when the file cannot be read or is not such a file, naming the file, the line
     *                                or the field, and the fix
     */
    public static ProductionSizes read(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(named(file) + ": the file does not exist: give the path of a statistics "
                    + "file, e.g. one written by rehearsal stats --url <production> > " + file.getFileName());
        } catch (IOException e) {
            throw new ConfigurationException(named(file) + ": the file cannot be read: " + e, e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ConfigurationException(named(file) + ": the file is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": "
                    + e.getOriginalMessage() + ". " + FIX, e);
        }
        if (root == null || !root.isObject()) {
            throw malformed(file, "the file", "must be a JSON object with \"tables\"");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOP_LEVEL.contains(name)) {
                throw malformed(file, "\"" + name + "\"", "is not a field of a statistics file (they are "
                        + "\"tables\", \"source\" and \"taken\")");
            }
        }
        JsonNode tableNodes = root.path("tables");
        if (!tableNodes.isObject()) {
            throw malformed(file, "\"tables\"", "is missing or not an object of tables by schema-qualified name");
        }
        Map<String, TableSize> tables = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = tableNodes.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            tables.put(entry.getKey(), table(file, entry.getKey(), entry.getValue()));
        }
        return new ProductionSizes(file.toString(), tables);
    }

    private static final String FIX = "Write it as {\"tables\": {\"public.orders\": {\"rows\": 2000000}}}, or produce "
            + "it with rehearsal stats --url <production> > production-stats.json";

    private static TableSize table(Path file, String name, JsonNode node) {
        String at = "tables.\"" + name + "\"";
        if (!name.contains(".")) {
            throw malformed(file, at, "is not schema-qualified: write it as schema.table, e.g. public." + name);
        }
        if (!node.isObject()) {
            throw malformed(file, at, "must be an object such as {\"rows\": 2000000}");
        }
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!PER_TABLE.contains(field)) {
                throw malformed(file, at + "." + field, "is not a field of a table (they are \"rows\", \"bytes\" "
                        + "and \"nullFraction\")");
            }
        }
        long rows = count(file, at + ".rows", node.get("rows"), true);
        Long bytes = node.has("bytes") ? count(file, at + ".bytes", node.get("bytes"), false) : null;
        Map<String, Double> nulls = new TreeMap<>();
        JsonNode fractions = node.path("nullFraction");
        if (!fractions.isMissingNode()) {
            if (!fractions.isObject()) {
                throw malformed(file, at + ".nullFraction", "must be an object of columns, e.g. {\"note\": 0.4}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> columns = fractions.fields(); columns.hasNext(); ) {
                Map.Entry<String, JsonNode> column = columns.next();
                JsonNode value = column.getValue();
                if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
                    throw malformed(file, at + ".nullFraction.\"" + column.getKey() + "\"", "is " + value
                            + ": give the share of NULLs, a number between 0 and 1");
                }
                nulls.put(column.getKey(), value.asDouble());
            }
        }
        return new TableSize(rows, bytes, nulls);
    }

    private static long count(Path file, String at, JsonNode value, boolean required) {
        if (value == null || value.isNull()) {
            throw malformed(file, at, required ? "is missing: give the table's rows, e.g. \"rows\": 2000000"
                    : "is null: give a whole number or leave the field out");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw malformed(file, at, "is " + value + ": give a whole number, not negative, e.g. 2000000");
        }
        return value.asLong();
    }

    private static ConfigurationException malformed(Path file, String field, String problem) {
        return new ConfigurationException(named(file) + ": " + field + " " + problem + ". " + FIX);
    }

    /** The file as the setting that names it, as the front end in use spells it: {@code --production-sizes f.json}. */
    private static String named(Path file) {
        return Setting.PRODUCTION_SIZES.spelled(file.toString());
    }

    /**
     * Reads production's sizes from its catalog, once, in a read-only transaction: {@code pg_class},
     * {@code pg_stat_user_tables}, {@code pg_relation_size} and {@code pg_stats.null_frac}, never a table's rows.
     * Findings name the source by its URL without credentials.
     *
     * @throws DatabaseException when the source cannot be reached or read
     */
    public static ProductionSizes read(DatabaseLocation production) {
        Objects.requireNonNull(production, "production");
        try (Connection connection = Sql.connect(production, "the production source")) {
            return new ProductionSizes(production.redactedUrl(), read(connection));
        } catch (SQLException e) {
            throw new DatabaseException("Cannot read the table sizes of the production source "
                    + production.redactedUrl() + ": " + e.getMessage() + ". The role needs to read the catalog "
                    + "only (pg_class, pg_stat_user_tables, pg_stats)", e);
        }
    }

    private static Map<String, TableSize> read(Connection connection) throws SQLException {
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

    /** Where the sizes came from, as findings name it: the file as given, or the URL without credentials. */
    public String source() {
        return source;
    }

    /** True when there are none (no source given). */
    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /** The tables by schema-qualified name. */
    public Map<String, TableSize> tables() {
        return tables;
    }

    /** The size of the table of this schema-qualified name ({@code public.orders}), if production has it. */
    public Optional<TableSize> table(String qualifiedName) {
        return Optional.ofNullable(tables.get(qualifiedName));
    }

    /** The statistics file's text (the format above), tables in name order, with the time it is written. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        if (source != null) {
            root.put("source", source);
        }
        root.put("taken", Instant.now().toString());
        ObjectNode tableNodes = root.putObject("tables");
        new TreeMap<>(tables).forEach((name, size) -> {
            ObjectNode table = tableNodes.putObject(name);
            table.put("rows", size.rows());
            if (size.bytes() != null) {
                table.put("bytes", size.bytes());
            }
            if (!size.nullFractions().isEmpty()) {
                ObjectNode nulls = table.putObject("nullFraction");
                new TreeMap<>(size.nullFractions()).forEach(nulls::put);
            }
        });
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always JSON", e);
        }
    }

    @Override
    public String toString() {
        return source == null ? "no production sizes" : tables.size() + " production table sizes from " + source;
    }
}
