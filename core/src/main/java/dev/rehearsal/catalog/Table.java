package dev.rehearsal.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table or partitioned table, with its columns, constraints, indexes, triggers and data facts.
 *
 * <p>Physical facts — {@code relfilenode}, {@code sizeBytes} — are kept for the checks (a changed
 * {@code relfilenode} means the table was rewritten) but are not schema: the
 * {@linkplain CatalogSnapshot#changesTo schema changes} ignore them.
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
     * {@code public."Order"."Total €"}: as the {@linkplain CatalogSnapshot#changesTo schema changes} name it.
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

    /**
     * A column of a {@link Table}.
     *
     * <p>{@code notNull} means the same on every version: the column has a NOT NULL constraint. On PostgreSQL 18, where
     * such a constraint may be {@code NOT VALID} (not yet checked against the existing rows), {@code notNull} is true
     * for it as well; whether it was validated is on the table's {@code "not null"} {@link Constraint}.
     *
     * @param position the attribute number ({@code attnum}), stable across renames
     * @param name the column name
     * @param type the type as {@code format_type} writes it, e.g. {@code character varying(100)}
     * @param notNull whether the column has a NOT NULL constraint (primary key columns do)
     * @param defaultExpression the default, e.g. {@code 'new'::text}, or null; null for a generated column
     * @param identity {@code "always"} or {@code "by default"} for an identity column, otherwise null
     * @param generated the expression of a generated column, e.g. {@code (price * quantity)}, otherwise null
     * @param nonNullCount how many rows have a value in this column (exact or estimated, see {@link
     *                          Table#estimated()}), or null when not gathered
     */
    public record Column(int position, String name, String type, boolean notNull, String defaultExpression,
                         String identity, String generated, Long nonNullCount) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * A constraint of a {@link Table}.
     *
     * <p>{@code "not null"} constraints exist from PostgreSQL 18 on (one per NOT NULL column, named e.g.
     * {@code customers_email_not_null}); before 18 NOT NULL is only {@link Column#notNull()}, which is filled on every
     * version.
     *
     * @param name the constraint name, unique within its table
     * @param type {@code "primary key"}, {@code "unique"}, {@code "foreign key"}, {@code "check"}, {@code "exclusion"}
     *                           or {@code "not null"}
     * @param definition as {@code pg_get_constraintdef} writes it, e.g. {@code CHECK ((price > 0)) NOT VALID}
     * @param validated false for a constraint added {@code NOT VALID} and not validated since: existing rows may
     *                           violate it
     * @param columns the columns it constrains, in its key's order ({@code pg_constraint.conkey}); for a foreign key,
     *                           the referencing columns; empty for a constraint on no column in particular
     * @param referencedTableOid for a foreign key, the OID of the table it references; otherwise 0
     * @param inherited true for a copy PostgreSQL made of a constraint of another table: a partition's copy of its
     *                           partitioned table's, or the extra rows a foreign key to a partitioned table gets for
     *                           each of its partitions ({@code pg_constraint.conparentid} is set)
     */
    public record Constraint(String name, String type, String definition, boolean validated, List<String> columns,
                             long referencedTableOid, boolean inherited) {
        public Constraint {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(definition, "definition");
            columns = List.copyOf(columns);
        }
    }

    /**
     * An index of a {@link Table}.
     *
     * @param oid            the index's OID, stable across renames
     * @param name           the index name
     * @param definition     as {@code pg_get_indexdef} writes it, e.g.
     *                       {@code CREATE UNIQUE INDEX customers_email ON public.customers USING btree (email)}
     * @param valid          false for an index the planner does not use, e.g. left behind by a failed
     *                       {@code CREATE INDEX CONCURRENTLY}; it still slows down every write
     * @param unique         whether it enforces uniqueness
     * @param relfilenode    its file; it changes when the index is rebuilt ({@code REINDEX}, a table rewrite)
     * @param sizeBytes      its size on disk ({@code pg_relation_size})
     * @param method         its access method, e.g. {@code btree}, {@code hash}, {@code gin}
     * @param leadingColumns the plain columns its key starts with, in order, up to the first expression: an index on
     *                       {@code (a, lower(b), c)} lists {@code a}; one on {@code (lower(b), a)} lists none.
     *                       {@code INCLUDE} columns are not part of the key
     * @param partial        whether it has a {@code WHERE} predicate: it holds only some of the table's rows
     */
    public record Index(long oid, String name, String definition, boolean valid, boolean unique, long relfilenode,
                        long sizeBytes, String method, List<String> leadingColumns, boolean partial) {
        public Index {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(definition, "definition");
            Objects.requireNonNull(method, "method");
            leadingColumns = List.copyOf(leadingColumns);
        }
    }

    /**
     * A user-defined trigger of a {@link Table} (not the internal ones behind foreign keys; on a partition, not the
     * clones of its parent's triggers, which are listed on the parent).
     *
     * @param name       the trigger name, unique within its table
     * @param definition as {@code pg_get_triggerdef} writes it
     * @param enabled    false when disabled ({@code ALTER TABLE ... DISABLE TRIGGER})
     */
    public record Trigger(String name, String definition, boolean enabled) {
        public Trigger {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(definition, "definition");
        }
    }
}
