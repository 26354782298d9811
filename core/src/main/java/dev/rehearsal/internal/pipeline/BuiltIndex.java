package dev.rehearsal.internal.pipeline;

import java.util.Objects;

/**
 * An index a migration built on the branch and committed outside a transaction, as the next run looks for it on the
 * target when that migration's promotion was killed. Not API.
 *
 * @param schema     the index's schema
 * @param table      its table
 * @param name       its name (PostgreSQL's choice when the statement named none: same database, same choice)
 * @param definition as {@code pg_get_indexdef} writes it
 */
record BuiltIndex(String schema, String table, String name, String definition) {
    public BuiltIndex {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
    }
}
