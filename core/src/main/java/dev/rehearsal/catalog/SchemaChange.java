package dev.rehearsal.catalog;

import java.util.Locale;
import java.util.Objects;

/**
 * One difference between two {@link CatalogSnapshot}s of a database, as {@link CatalogSnapshot#changesTo} finds it.
 *
 * <pre>{@code
 * for (SchemaChange change : before.changesTo(after)) {
 *     if (change.objectType() == ObjectType.COLUMN && change.kind() == Kind.RENAMED) {
 *         System.out.println(change.describe()); // column public.clients.mail: renamed from public.clients.email
 *     }
 * }
 * }</pre>
 *
 * @param objectType what kind of object changed
 * @param name       its qualified name after the change (before it, for a removed object), each part quoted only where
 *                   PostgreSQL needs it: {@code public.customers.email}, {@code public.customers.customers_pkey} for a
 *                   constraint, index or trigger (table, then its own name), {@code public.discount(integer)} for a
 *                   function
 * @param kind       added, removed, changed or renamed
 * @param before     for {@link Kind#CHANGED}: what changed, as it was (e.g. {@code "type text, nullable"}); for
 *                   {@link Kind#RENAMED}: the old qualified name; for {@link Kind#REMOVED}: what it was (e.g. a
 *                   column's type); otherwise null
 * @param after      for {@link Kind#CHANGED}: what changed, as it is now; for {@link Kind#RENAMED}: the new qualified
 *                   name; for {@link Kind#ADDED}: what it is; otherwise null
 */
public record SchemaChange(ObjectType objectType, String name, Kind kind, String before, String after) {
    /** The kinds of objects a {@link CatalogSnapshot} holds. */
    public enum ObjectType {
        SCHEMA, TABLE, COLUMN, CONSTRAINT, INDEX, VIEW, MATERIALIZED_VIEW, SEQUENCE, FUNCTION, TRIGGER, ENUM_TYPE;

        /** Lower case with spaces, e.g. {@code "materialized view"}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** What happened to the object. */
    public enum Kind {
        /** In the second snapshot only. */
        ADDED,
        /** In the first snapshot only. */
        REMOVED,
        /** In both, with other attributes. */
        CHANGED,
        /** In both (the same OID or attribute number), under another name. */
        RENAMED
    }

    public SchemaChange {
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * The change in one line, e.g. {@code "column public.customers.email: type text -> type character varying(100)"},
     * {@code "table public.clients: renamed from public.customers"},
     * {@code "index public.orders.orders_customer: added (CREATE INDEX ...)"}.
     */
    public String describe() {
        String subject = objectType.label() + " " + name + ": ";
        return switch (kind) {
            case ADDED -> subject + "added" + detail(after);
            case REMOVED -> subject + "removed" + detail(before);
            case CHANGED -> subject + oneLine(before) + " -> " + oneLine(after);
            case RENAMED -> subject + "renamed from " + before;
        };
    }

    private static String detail(String text) {
        return text == null ? "" : " (" + oneLine(text) + ")";
    }

    /** View definitions span lines; a description does not. */
    private static String oneLine(String text) {
        return text == null ? "none" : text.strip().replaceAll("\\s+", " ");
    }
}
