package dev.rehearsal.catalog;

import java.util.Set;

/** Quotes identifiers the way PostgreSQL's {@code quote_ident} does: only where needed. */
final class Identifiers {
    /** PostgreSQL 18's keywords that are not unreserved ({@code pg_get_keywords()} with {@code catcode <> 'U'}). */
    private static final Set<String> KEYWORDS = Set.of(
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
            "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character",
            "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
            "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
            "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct",
            "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign",
            "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in",
            "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull",
            "join", "json", "json_array", "json_arrayagg", "json_exists", "json_object", "json_objectagg",
            "json_query", "json_scalar", "json_serialize", "json_table", "json_value", "lateral", "leading",
            "least", "left", "like", "limit", "localtime", "localtimestamp", "merge_action", "national",
            "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric", "offset",
            "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing", "position",
            "precision", "primary", "real", "references", "returning", "right", "row", "select",
            "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "system_user",
            "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true",
            "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", "when", "where",
            "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest",
            "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable");

    private Identifiers() {
    }

    /** The identifier as is when it is lower case, plain and no keyword; otherwise in double quotes. */
    static String quote(String identifier) {
        return isPlain(identifier) ? identifier : "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** The parts, each quoted where needed, joined by dots: {@code public."Order".id}. */
    static String qualify(String... parts) {
        StringBuilder qualified = new StringBuilder();
        for (String part : parts) {
            if (qualified.length() > 0) {
                qualified.append('.');
            }
            qualified.append(quote(part));
        }
        return qualified.toString();
    }

    private static boolean isPlain(String identifier) {
        if (identifier.isEmpty() || KEYWORDS.contains(identifier)) {
            return false;
        }
        char first = identifier.charAt(0);
        if (!(first >= 'a' && first <= 'z' || first == '_')) {
            return false;
        }
        for (int i = 1; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
