package dev.rehearsal.testing;

import java.util.List;

/** Builds {@link TestPostgres#describe(String)}. Queries work on PostgreSQL 14 to 18. */
final class CatalogText {
    private static final String USER_NAMESPACES = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    private CatalogText() {
    }

    static String describe(TestPostgres postgres, String database) {
        return postgres.inOneSession(database, CatalogText::describe);
    }

    private static String describe(TestPostgres.Queries queries) {
        StringBuilder text = new StringBuilder();
        section(text, "relations", queries.query("SELECT n.nspname, c.relname, c.relkind, c.relpersistence "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_NAMESPACES
                + " ORDER BY 1, 2"));
        section(text, "columns", queries.query("SELECT n.nspname, c.relname, a.attnum, a.attname, "
                + "format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
                + "a.attidentity, a.attgenerated FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attnum > 0 AND NOT a.attisdropped AND " + USER_NAMESPACES + " ORDER BY 1, 2, 3"));
        section(text, "constraints", queries.query("SELECT n.nspname, c.conrelid::regclass::text, "
                + "c.conname, c.contype, pg_get_constraintdef(c.oid), c.convalidated FROM pg_constraint c "
                + "JOIN pg_namespace n ON n.oid = c.connamespace WHERE " + USER_NAMESPACES + " ORDER BY 1, 2, 3"));
        section(text, "indexes", queries.query("SELECT n.nspname, ic.relname, "
                + "pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisunique FROM pg_index i "
                + "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace "
                + "WHERE " + USER_NAMESPACES + " ORDER BY 1, 2"));
        section(text, "views", queries.query("SELECT n.nspname, c.relname, pg_get_viewdef(c.oid) "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND "
                + USER_NAMESPACES + " ORDER BY 1, 2"));
        section(text, "functions", queries.query("SELECT n.nspname, p.proname, "
                + "pg_get_function_identity_arguments(p.oid), md5(pg_get_functiondef(p.oid)) FROM pg_proc p "
                + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND "
                + USER_NAMESPACES + " ORDER BY 1, 2, 3"));
        section(text, "triggers", queries.query("SELECT t.tgrelid::regclass::text, t.tgname, "
                + "pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t WHERE NOT t.tgisinternal ORDER BY 1, 2"));
        section(text, "types", queries.query("SELECT n.nspname, t.typname, t.typtype, "
                + "coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e "
                + "WHERE e.enumtypid = t.oid), '') FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                + "WHERE t.typtype IN ('e', 'd', 'c') AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class "
                + "WHERE oid = t.typrelid) = 'c') AND " + USER_NAMESPACES + " ORDER BY 1, 2"));
        section(text, "sequences", queries.query("SELECT schemaname, sequencename, data_type, "
                + "increment_by, last_value FROM pg_sequences ORDER BY 1, 2"));
        section(text, "extensions", queries.query("SELECT extname, extversion FROM pg_extension "
                + "ORDER BY 1"));
        List<String> tables = queries.query("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND "
                + USER_NAMESPACES + " ORDER BY 1");
        StringBuilder contents = new StringBuilder();
        for (String table : tables) {
            contents.append(table).append('|').append(queries.query("SELECT count(*), "
                    + "md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM " + table + " t").get(0))
                    .append('\n');
        }
        text.append("== contents\n").append(contents);
        return text.toString();
    }

    private static void section(StringBuilder text, String name, List<String> rows) {
        text.append("== ").append(name).append('\n');
        rows.forEach(row -> text.append(row).append('\n'));
    }
}
