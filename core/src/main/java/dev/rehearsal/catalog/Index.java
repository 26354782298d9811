package dev.rehearsal.catalog;

import java.util.Objects;

/**
 * An index of a {@link Table}.
 *
 * @param oid         the index's OID, stable across renames
 * @param name        the index name
 * @param definition  as {@code pg_get_indexdef} writes it, e.g.
 *                    {@code CREATE UNIQUE INDEX customers_email ON public.customers USING btree (email)}
 * @param valid       false for an index the planner does not use, e.g. left behind by a failed
 *                    {@code CREATE INDEX CONCURRENTLY}; it still slows down every write
 * @param unique      whether it enforces uniqueness
 * @param relfilenode its file; it changes when the index is rebuilt ({@code REINDEX}, a table rewrite)
 * @param sizeBytes   its size on disk ({@code pg_relation_size})
 */
public record Index(long oid, String name, String definition, boolean valid, boolean unique, long relfilenode,
                    long sizeBytes) {
    public Index {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
    }
}
