package dev.rehearsal.catalog;

import java.util.List;
import java.util.Objects;

/**
 * An enum type.
 *
 * @param schema its schema
 * @param name   its name
 * @param labels its values in their sort order
 */
public record EnumType(String schema, String name, List<String> labels) {
    public EnumType {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        labels = List.copyOf(labels);
    }

    /** {@code schema.name}, each part quoted only where PostgreSQL needs it. */
    public String qualifiedName() {
        return Identifiers.qualify(schema, name);
    }
}
