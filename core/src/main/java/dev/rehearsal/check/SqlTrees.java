package dev.rehearsal.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.sql.PostgresParser;
import dev.rehearsal.trace.LockTrace;
import dev.rehearsal.trace.StatementTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a traced statement is, read from PostgreSQL's own parse tree ({@link PostgresParser}) rather than from its text:
 * names come out unquoted and case-folded as the server sees them, and comments, string literals and dollar quotes
 * cannot fool it.
 */
final class SqlTrees {
    private SqlTrees() {
    }

    /** The parse trees of the statements in {@code sql}, each {@code {"<NodeType>": {...}}}; none if it does not parse. */
    static List<JsonNode> statements(String sql) {
        List<JsonNode> statements = new ArrayList<>();
        if (sql == null || sql.isBlank()) {
            return statements;
        }
        try {
            PostgresParser.get().parse(sql).path("stmts").forEach(s -> statements.add(s.path("stmt")));
        } catch (PostgresParser.SyntaxError e) {
            // it ran on the branch, so the server took it; a grammar of another major version may not: not ours to judge
        }
        return statements;
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
