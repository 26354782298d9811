package dev.rehearsal.trace;

/**
 * A pre-existing table, index or materialized view whose storage a statement replaced ({@code relfilenode} changed):
 * PostgreSQL copied all of it, under an {@code ACCESS EXCLUSIVE} lock.
 *
 * @param relationOid the relation's OID on the branch
 * @param relation    its name, schema-qualified
 * @param kind        {@code table}, {@code index} or {@code materialized view}
 * @param sizeBytes   its size before the migrations: what the rewrite had to copy
 */
public record RelationRewrite(long relationOid, String relation, String kind, long sizeBytes) {
}
