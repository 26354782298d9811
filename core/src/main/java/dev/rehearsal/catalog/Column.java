package dev.rehearsal.catalog;

import java.util.Objects;

/**
 * A column of a {@link Table}.
 *
 * <p>{@code notNull} means the same on every version: the column has a NOT NULL constraint. On PostgreSQL 18, where
 * such a constraint may be {@code NOT VALID} (not yet checked against the existing rows), {@code notNull} is true for
 * it as well; whether it was validated is on the table's {@code "not null"} {@link Constraint}.
 *
 * @param position          the attribute number ({@code attnum}), stable across renames
 * @param name              the column name
 * @param type              the type as {@code format_type} writes it, e.g. {@code character varying(100)}
 * @param notNull           whether the column has a NOT NULL constraint (primary key columns do)
 * @param defaultExpression the default, e.g. {@code 'new'::text}, or null; null for a generated column
 * @param identity          {@code "always"} or {@code "by default"} for an identity column, otherwise null
 * @param generated         the expression of a generated column, e.g. {@code (price * quantity)}, otherwise null
 * @param nonNullCount      how many rows have a value in this column (exact or estimated, see
 *                          {@link Table#estimated()}), or null when not gathered
 */
public record Column(int position, String name, String type, boolean notNull, String defaultExpression,
                     String identity, String generated, Long nonNullCount) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
