package dev.rehearsal.catalog;

import java.util.Objects;

/**
 * A view or materialized view.
 *
 * @param schema       its schema
 * @param name         its name
 * @param materialized whether it is a materialized view
 * @param definition   its query as {@code pg_get_viewdef} writes it
 */
public record View(String schema, String name, boolean materialized, String definition) {
    public View {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
    }

    /** {@code schema.name}, each part quoted only where PostgreSQL needs it. */
    public String qualifiedName() {
        return Identifiers.qualify(schema, name);
    }
}
