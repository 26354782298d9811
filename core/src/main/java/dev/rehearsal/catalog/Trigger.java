package dev.rehearsal.catalog;

import java.util.Objects;

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
