package dev.rehearsal.catalog;

import java.util.Objects;

/**
 * A sequence, including those behind identity and serial columns.
 *
 * @param schema    its schema
 * @param name      its name
 * @param dataType  {@code smallint}, {@code integer} or {@code bigint}
 * @param lastValue the last value handed out, or null when none was yet (or the role may not read it)
 */
public record Sequence(String schema, String name, String dataType, Long lastValue) {
    public Sequence {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataType, "dataType");
    }

    /** {@code schema.name}, each part quoted only where PostgreSQL needs it. */
    public String qualifiedName() {
        return Identifiers.qualify(schema, name);
    }
}
