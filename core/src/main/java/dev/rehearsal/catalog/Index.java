package dev.rehearsal.catalog;

import java.util.List;
import java.util.Objects;

/**
 * An index of a {@link Table}.
 *
 * @param oid            the index's OID, stable across renames
 * @param name           the index name
 * @param definition     as {@code pg_get_indexdef} writes it, e.g.
 *                       {@code CREATE UNIQUE INDEX customers_email ON public.customers USING btree (email)}
 * @param valid          false for an index the planner does not use, e.g. left behind by a failed
 *                       {@code CREATE INDEX CONCURRENTLY}; it still slows down every write
 * @param unique         whether it enforces uniqueness
 * @param relfilenode    its file; it changes when the index is rebuilt ({@code REINDEX}, a table rewrite)
 * @param sizeBytes      its size on disk ({@code pg_relation_size})
 * @param method         its access method, e.g. {@code btree}, {@code hash}, {@code gin}
 * @param leadingColumns the plain columns its key starts with, in order, up to the first expression: an index on
 *                       {@code (a, lower(b), c)} lists {@code a}; one on {@code (lower(b), a)} lists none.
 *                       {@code INCLUDE} columns are not part of the key
 * @param partial        whether it has a {@code WHERE} predicate: it holds only some of the table's rows
 */
public record Index(long oid, String name, String definition, boolean valid, boolean unique, long relfilenode,
                    long sizeBytes, String method, List<String> leadingColumns, boolean partial) {
    public Index {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(method, "method");
        leadingColumns = List.copyOf(leadingColumns);
    }
}
