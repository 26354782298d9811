package dev.rehearsal.catalog;

import java.util.Objects;

/**
 * A constraint of a {@link Table}.
 *
 * <p>{@code "not null"} constraints exist from PostgreSQL 18 on (one per NOT NULL column, named e.g.
 * {@code customers_email_not_null}); before 18 NOT NULL is only {@link Column#notNull()}, which is filled on every
 * version.
 *
 * @param name       the constraint name, unique within its table
 * @param type       {@code "primary key"}, {@code "unique"}, {@code "foreign key"}, {@code "check"},
 *                   {@code "exclusion"} or {@code "not null"}
 * @param definition as {@code pg_get_constraintdef} writes it, e.g. {@code CHECK ((price > 0)) NOT VALID}
 * @param validated  false for a constraint added {@code NOT VALID} and not validated since: existing rows may violate
 *                   it
 */
public record Constraint(String name, String type, String definition, boolean validated) {
    public Constraint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(definition, "definition");
    }
}
