package dev.rehearsal.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.internal.PostgresParser;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a traced statement is, read from PostgreSQL's own parse tree ({@link PostgresParser}) rather than from its text:
 * names come out unquoted and case-folded as the server sees them, and comments, string literals and dollar quotes
 * cannot fool it.
 */
final class SqlTrees {
    /** Statements longer than this (a seed's data, say) are parsed each time rather than kept. */
    private static final int CACHED_LENGTH = 64 * 1024;
    /**
     * The last parses: several checks, and the attribution of each of their findings, read the same statements of a
     * run. Trees are only read, never changed.
     */
    private static final Map<String, List<JsonNode>> PARSED = Collections.synchronizedMap(
            new LinkedHashMap<>(512, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<JsonNode>> eldest) {
                    return size() > 512;
                }
            });

    private SqlTrees() {
    }

    /** The parse trees of the statements in {@code sql}, each {@code {"<NodeType>": {...}}}; none if it does not parse. */
    static List<JsonNode> statements(String sql) {
        if (sql == null || sql.isBlank()) {
            return List.of();
        }
        if (sql.length() > CACHED_LENGTH) {
            return parse(sql);
        }
        List<JsonNode> cached = PARSED.get(sql);
        if (cached == null) {
            cached = parse(sql);
            PARSED.put(sql, cached);
        }
        return cached;
    }

    private static List<JsonNode> parse(String sql) {
        List<JsonNode> statements = new ArrayList<>();
        try {
            PostgresParser.get().parse(sql).path("stmts").forEach(s -> statements.add(s.path("stmt")));
        } catch (PostgresParser.SyntaxError e) {
            // it ran on the branch, so the server took it; a grammar of another major version may not: not ours to judge
        }
        return List.copyOf(statements);
    }

    /**
     * Every name the statements use — tables, columns, indexes, constraints, views, functions — as the server reads
     * them (unquoted, case-folded), without the text of string constants or of function and {@code DO} bodies: a
     * column named in a comment, a literal or a function's body is not a column the statement works on. Null when
     * the text does not parse.
     */
    static Set<String> names(String sql) {
        List<JsonNode> statements = statements(sql);
        if (statements.isEmpty()) {
            return null;
        }
        Set<String> names = new HashSet<>();
        statements.forEach(statement -> collectNames(statement, names));
        return names;
    }

    private static void collectNames(JsonNode node, Set<String> names) {
        if (node.isTextual()) {
            names.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(element -> collectNames(element, names));
        } else if (node.isObject()) {
            boolean body = node.path("defname").asText().equals("as");
            node.fields().forEachRemaining(field -> {
                if (!field.getKey().equals("A_Const") && !(body && field.getKey().equals("arg"))) {
                    collectNames(field.getValue(), names);
                }
            });
        }
    }

    /** A {@code RangeVar}'s table in the catalog: by schema when qualified, else the one the statement locked. */
    static Optional<Table> table(JsonNode rangeVar, CatalogSnapshot catalog, StatementTrace statement) {
        if (catalog == null || rangeVar.isMissingNode()) {
            return Optional.empty();
        }
        String schema = rangeVar.path("schemaname").asText(null);
        String name = rangeVar.path("relname").asText();
        if (schema != null) {
            return catalog.table(schema, name);
        }
        List<Table> named = catalog.tables().stream().filter(t -> t.name().equals(name)).toList();
        if (named.size() <= 1) {
            return named.stream().findFirst();
        }
        // the same name in several schemas: the search_path chose the one the statement locked
        for (LockTrace lock : statement.locks()) {
            Optional<Table> locked = named.stream().filter(t -> t.oid() == lock.relationOid()).findFirst();
            if (locked.isPresent()) {
                return locked;
            }
        }
        return named.stream().filter(t -> t.schema().equals("public")).findFirst();
    }

    /** The last element of a qualified name list ({@code funcname}, {@code names}), lower case as parsed. */
    static String lastName(JsonNode names) {
        return names.isArray() && !names.isEmpty() ? names.get(names.size() - 1).path("String").path("sval").asText()
                : "";
    }
}
