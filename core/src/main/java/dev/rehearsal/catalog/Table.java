package dev.rehearsal.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table or partitioned table, with its columns, constraints, indexes, triggers and data facts.
 *
 * <p>Physical facts — {@code relfilenode}, {@code sizeBytes} — are kept for the checks (a changed
 * {@code relfilenode} means the table was rewritten) but are not schema: {@link CatalogDiff} ignores them.
 *
 * <p>A partitioned table has no storage of its own: its {@code sizeBytes} is the sum over its leaf partitions, and so
 * are its {@code rowCount} and non-null counts (see {@link DataFacts}); its {@code relfilenode} is 0. Each partition
 * is a table of its own in the snapshot.
 *
 * @param oid         the table's OID, stable across renames
 * @param schema      its schema
 * @param name        its name
 * @param kind        {@code "table"} or {@code "partitioned table"}
 * @param relfilenode its file; it changes when the table is rewritten (or truncated)
 * @param sizeBytes   its size on disk with indexes and TOAST ({@code pg_total_relation_size})
 * @param rowCount    how many rows it has, or null when not gathered (see {@link DataFacts})
 * @param estimated   true when {@code rowCount} and the columns' {@code nonNullCount} are estimates from the
 *                    planner's statistics rather than counted
 * @param columns     its columns, by position
 * @param constraints its constraints, by name
 * @param indexes     its indexes, by name
 * @param triggers    its user-defined triggers, by name
 */
public record Table(long oid, String schema, String name, String kind, long relfilenode, long sizeBytes,
                   Long rowCount, boolean estimated, List<Column> columns, List<Constraint> constraints,
                   List<Index> indexes, List<Trigger> triggers) {
    public Table {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        columns = List.copyOf(columns);
        constraints = List.copyOf(constraints);
        indexes = List.copyOf(indexes);
        triggers = List.copyOf(triggers);
    }

    /** {@code schema.name}, each part quoted only where PostgreSQL needs it, e.g. {@code public."Order"}. */
    public String qualifiedName() {
        return Identifiers.qualify(schema, name);
    }

    /**
     * {@code schema.name.column} for a column of this table, each part quoted only where PostgreSQL needs it, e.g.
     * {@code public."Order"."Total €"}: as the {@linkplain CatalogDiff schema changes} name it.
     */
    public String qualifiedName(String column) {
        return Identifiers.qualify(schema, name, column);
    }

    /** The column of this name (exact, case-sensitive), if there is one. */
    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The constraint of this name, if there is one. */
    public Optional<Constraint> constraint(String name) {
        return constraints.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The index of this name, if there is one. */
    public Optional<Index> index(String name) {
        return indexes.stream().filter(i -> i.name().equals(name)).findFirst();
    }
}
