package dev.rehearsal.engine;

import java.util.Objects;

/**
 * One migration as its engine knows it.
 *
 * @param id          the engine's stable key: a Flyway version ({@code "2.1"}) or {@code "R:description"} for a
 *                    repeatable migration; a Liquibase {@code file::id::author}
 * @param version     the version, or null for a repeatable migration
 * @param description the human description
 * @param script      the script or class that holds it, e.g. {@code V2_1__add_orders.sql}
 * @param type        the engine's type name, e.g. {@code SQL} or {@code JDBC}
 * @param checksum    the engine's checksum, or null when it has none (e.g. Java migrations)
 */
public record Migration(String id, String version, String description, String script, String type,
                        Integer checksum) {
    public Migration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(script, "script");
    }

    /** {@code "2.1 add orders"}, for messages. */
    public String label() {
        String name = description == null || description.isEmpty() ? script : description;
        return version == null ? "repeatable " + name : version + " " + name;
    }
}
