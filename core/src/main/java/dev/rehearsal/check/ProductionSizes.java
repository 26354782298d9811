package dev.rehearsal.check;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.internal.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
        return new ProductionSizes(file.toString(), StatisticsFile.read(file));
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
            return new ProductionSizes(production.redactedUrl(), CatalogSizes.read(connection));
        } catch (SQLException e) {
            throw new DatabaseException("Cannot read the table sizes of the production source "
                    + production.redactedUrl() + ": " + e.getMessage() + ". The role needs to read the catalog "
                    + "only (pg_class, pg_stat_user_tables, pg_stats)", e);
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
        return StatisticsFile.write(source, tables);
    }

    @Override
    public String toString() {
        return source == null ? "no production sizes" : tables.size() + " production table sizes from " + source;
    }
}
