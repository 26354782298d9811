package dev.rehearsal.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A constraint of a {@link Table}.
 *
 * <p>{@code "not null"} constraints exist from PostgreSQL 18 on (one per NOT NULL column, named e.g.
 * {@code customers_email_not_null}); before 18 NOT NULL is only {@link Column#notNull()}, which is filled on every
 * version.
 *
 * @param name               the constraint name, unique within its table
 * @param type               {@code "primary key"}, {@code "unique"}, {@code "foreign key"}, {@code "check"},
 *                           {@code "exclusion"} or {@code "not null"}
 * @param definition         as {@code pg_get_constraintdef} writes it, e.g. {@code CHECK ((price > 0)) NOT VALID}
 * @param validated          false for a constraint added {@code NOT VALID} and not validated since: existing rows may
 *                           violate it
 * @param columns            the columns it constrains, in its key's order ({@code pg_constraint.conkey}); for a
 *                           foreign key, the referencing columns; empty for a constraint on no column in particular
 * @param referencedTableOid for a foreign key, the OID of the table it references; otherwise 0
 * @param inherited          true for a copy PostgreSQL made of a constraint of another table: a partition's copy of
 *                           its partitioned table's, or the extra rows a foreign key to a partitioned table gets for
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
