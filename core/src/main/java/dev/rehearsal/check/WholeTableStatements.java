package dev.rehearsal.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.trace.StatementTrace;
import java.util.Optional;

/**
 * Statements that read or change every row of a table, whatever its size, told from PostgreSQL's parse tree: an
 * empty table shows no scan in the trace, so what a statement would do to production's rows is read from what it
 * is. {@code CREATE INDEX} without {@code CONCURRENTLY}; {@code ALTER TABLE} adding a foreign key or {@code CHECK}
 * that is validated at once (not {@code NOT VALID}), a primary key or unique constraint that builds its index (not
 * {@code USING INDEX}), or {@code SET NOT NULL}; {@code UPDATE} or {@code DELETE} without {@code WHERE}.
 */
final class WholeTableStatements {
    private WholeTableStatements() {
    }

    /** True when the statement reads every row of the table (the table of this OID before the migrations). */
    static boolean readsEveryRow(CheckContext context, StatementTrace statement, long tableOid) {
        for (JsonNode node : SqlTrees.statements(statement.sql())) {
            JsonNode index = node.path("IndexStmt");
            if (!index.isMissingNode() && !index.path("concurrent").asBoolean()
                    && isTable(context, statement, index.path("relation"), tableOid)) {
                return true;
            }
            JsonNode alter = node.path("AlterTableStmt");
            if (!alter.isMissingNode() && isTable(context, statement, alter.path("relation"), tableOid)) {
                for (JsonNode command : alter.path("cmds")) {
                    if (scans(command.path("AlterTableCmd"))) {
                        return true;
                    }
                }
            }
        }
        return updatedEntirely(context, statement).filter(table -> table.oid() == tableOid).isPresent();
    }

    /** The table an {@code UPDATE} or {@code DELETE} without {@code WHERE} changes every row of, if it is one. */
    static Optional<Table> updatedEntirely(CheckContext context, StatementTrace statement) {
        for (JsonNode node : SqlTrees.statements(statement.sql())) {
            JsonNode write = node.has("UpdateStmt") ? node.get("UpdateStmt") : node.path("DeleteStmt");
            if (!write.isMissingNode() && !write.has("whereClause") && !write.has("fromClause")
                    && !write.has("usingClause")) {
                return SqlTrees.table(write.path("relation"), context.before(), statement);
            }
        }
        return Optional.empty();
    }

    private static boolean scans(JsonNode command) {
        String subtype = command.path("subtype").asText();
        if (subtype.equals("AT_SetNotNull")) {
            return true;
        }
        JsonNode constraint = command.path("def").path("Constraint");
        if (!subtype.equals("AT_AddConstraint") || constraint.isMissingNode()) {
            return false;
        }
        return switch (constraint.path("contype").asText()) {
            case "CONSTR_FOREIGN", "CONSTR_CHECK" -> !constraint.path("skip_validation").asBoolean();
            case "CONSTR_PRIMARY", "CONSTR_UNIQUE" -> !constraint.has("indexname");
            default -> false;
        };
    }

    private static boolean isTable(CheckContext context, StatementTrace statement, JsonNode relation, long tableOid) {
        return SqlTrees.table(relation, context.before(), statement).filter(t -> t.oid() == tableOid).isPresent();
    }
}
