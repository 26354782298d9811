package dev.rehearsal.cli;

import java.util.List;

/**
 * What the demo looks at on the shop database to show what a rehearsal did to it, or did not.
 *
 * @param history     Flyway's history, one {@code version|success} per applied migration, in order
 * @param indexes     the names of the indexes of the shop's tables
 * @param columns     the shop's columns as {@code table.column type}
 * @param fingerprint an MD5 over the schema (columns, constraints, index definitions), Flyway's history and every
 *                    row of every shop table: equal fingerprints mean nothing changed
 */
record TargetState(List<String> history, List<String> indexes, List<String> columns, String fingerprint) {
    private static final String SHOP_TABLES = "'customers', 'products', 'orders', 'order_lines'";

    TargetState {
        history = List.copyOf(history);
        indexes = List.copyOf(indexes);
        columns = List.copyOf(columns);
    }

    static TargetState of(ShopDatabase shop) {
        List<String> history = shop.query("SELECT version, success FROM flyway_schema_history "
                + "ORDER BY installed_rank");
        List<String> indexes = shop.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                + "AND tablename IN (" + SHOP_TABLES + ") ORDER BY 1");
        List<String> columns = shop.query("SELECT table_name || '.' || column_name || ' ' || data_type "
                + "FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN (" + SHOP_TABLES
                + ") ORDER BY table_name, ordinal_position");
        String fingerprint = shop.value("""
                SELECT md5(string_agg(line, E'\\n' ORDER BY line)) FROM (
                    SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable,
                                  column_default) AS line
                    FROM information_schema.columns WHERE table_schema = 'public'
                    UNION ALL
                    SELECT format('constraint %s %s', conrelid::regclass, pg_get_constraintdef(oid))
                    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                    UNION ALL
                    SELECT format('index %s valid=%s', pg_get_indexdef(indexrelid), indisvalid)
                    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                    WHERE t.relnamespace = 'public'::regnamespace
                    UNION ALL
                    SELECT format('history %s %s %s %s %s', installed_rank, version, script, checksum, success)
                    FROM flyway_schema_history
                    UNION ALL SELECT 'customers ' || md5(string_agg(c::text, ',' ORDER BY c.id)) FROM customers c
                    UNION ALL SELECT 'products ' || md5(string_agg(p::text, ',' ORDER BY p.id)) FROM products p
                    UNION ALL SELECT 'orders ' || md5(string_agg(o::text, ',' ORDER BY o.id)) FROM orders o
                    UNION ALL SELECT 'order_lines ' || md5(string_agg(l::text, ',' ORDER BY l.order_id, l.line_no))
                              FROM order_lines l
                ) AS facts""");
        return new TargetState(history, indexes, columns, fingerprint);
    }

    /** The versions in Flyway's history, e.g. {@code [1, 2, 3, 4]}. */
    List<String> versions() {
        return history.stream().map(row -> row.substring(0, row.indexOf('|'))).toList();
    }

    /** True when every migration in Flyway's history succeeded. */
    boolean historySucceeded() {
        return history.stream().allMatch(row -> row.endsWith("|t"));
    }

    /** The type of a column, e.g. {@code text} for {@code customers.legacy_code}; null when there is none. */
    String typeOf(String tableDotColumn) {
        return columns.stream().filter(column -> column.startsWith(tableDotColumn + " "))
                .map(column -> column.substring(tableDotColumn.length() + 1)).findFirst().orElse(null);
    }
}
