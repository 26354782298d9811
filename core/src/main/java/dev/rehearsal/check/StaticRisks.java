package dev.rehearsal.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.internal.OneLine;
import dev.rehearsal.internal.PostgresParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a migration that did not run would do, read from its SQL text with PostgreSQL's own parser: the risks a report
 * lists for the migrations after one that failed on the branch. Not evidence — nothing ran on the branch's data, so
 * nothing was measured — and so never a {@link Finding}: the kinds are those the checks would likely raise, and every
 * message says it was read from the text. For Rehearsal's own pipeline and reports; not a check to add.
 *
 * <p>What it reads: {@code ALTER TABLE} changing a column's type (may rewrite, ACCESS EXCLUSIVE; a new type with a
 * limit may also narrow), adding a column with a default that is not a constant or a stored generated column
 * (rewrite), {@code SET NOT NULL} and {@code ADD} of a foreign key or check without {@code NOT VALID} (scan under a
 * lock that blocks writes), {@code ADD PRIMARY KEY}/{@code UNIQUE} (index build under ACCESS EXCLUSIVE), dropping a
 * column, any other {@code ALTER TABLE} or rename (ACCESS EXCLUSIVE, briefly); {@code CREATE INDEX} without
 * {@code CONCURRENTLY} (blocks writes for the build); {@code DROP TABLE}, {@code TRUNCATE}, {@code DELETE} without
 * {@code WHERE} (data loss); {@code UPDATE} without {@code WHERE} (every row in one transaction); {@code VACUUM FULL}
 * and {@code CLUSTER} (rewrite). Text the parser rejects gives one risk saying so, not an exception.
 *
 * <p>Acknowledgements are honoured as {@link Acknowledgements} honours them for findings: a risk whose kind the
 * migration's own {@code -- rehearsal:allow <kind>: <reason>} accepts is kept, and its message ends with
 * {@code ; acknowledged: <reason>}, so that a reviewer still sees what it would do and why that was accepted.
 */
public final class StaticRisks {
    /** How long a statement of a risk may be. */
    static final int MAX_STATEMENT = 200;
    /** Said of every risk's message, before any acknowledgement: what it rests on. */
    public static final String NOT_OBSERVED = " (read from the migration's text; it did not run on the branch)";
    /** Subcommands of ALTER TABLE whose lock lets reads and writes go on (SHARE UPDATE EXCLUSIVE or lighter). */
    private static final Set<String> LIGHT_SUBCOMMANDS = Set.of("AT_ValidateConstraint", "AT_SetStatistics",
            "AT_SetOptions", "AT_ResetOptions", "AT_ClusterOn", "AT_DropCluster", "AT_SetRelOptions",
            "AT_ResetRelOptions", "AT_ReplaceRelOptions", "AT_DetachPartitionFinalize");
    /** Defaults that are not constants yet are evaluated once for the whole ADD COLUMN: no rewrite since PG 11. */
    private static final Set<String> STABLE_FUNCTIONS = Set.of("now", "transaction_timestamp",
            "statement_timestamp", "current_setting", "current_database", "current_schema", "current_user");
    /** Types a column changed to may hold less in: a length or precision, or fewer bytes. */
    /** The parser's names of the types SQL spells with keywords, back to those keywords. */
    private static final Map<String, String> WRITTEN_TYPES = Map.of("int2", "smallint", "int4", "integer", "int8",
            "bigint", "float4", "real", "float8", "double precision", "bool", "boolean", "bpchar", "char");
    private static final Set<String> SMALL_TYPES = Set.of("int2", "int4", "float4", "smallint", "integer", "real");

    private StaticRisks() {
    }

    /**
     * What one statement would likely do (the report's {@code MigrationStatus.Risk}, which this package cannot name:
     * the outcome depends on the checks, not the other way round).
     *
     * @param kind      the kind of finding it would likely raise, e.g. {@code table-rewrite}
     * @param statement the statement, on one line and abbreviated; null when the text did not parse
     * @param message   what it would do, ending with {@link StaticRisks#NOT_OBSERVED} (and an acknowledgement's
     *                  reason)
     * @param remedy    how to do it safely, in the checks' words, or null
     */
    public record Risk(String kind, String statement, String message, String remedy) {
    }

    /**
     * The risks {@code sql}, the text of migration {@code migration}, shows, statement by statement; none for null or
     * blank text.
     */
    public static List<Risk> of(String migration, String sql) {
        if (sql == null || sql.isBlank()) {
            return List.of();
        }
        JsonNode tree;
        try {
            tree = PostgresParser.get().parse(sql);
        } catch (PostgresParser.SyntaxError e) {
            return List.of(new Risk(FindingKinds.CHECK_ERROR, null, "its text does not parse as PostgreSQL SQL ("
                    + e.getMessage() + "): what it would do is not known, and it did not run on the branch", null));
        }
        Acknowledgements acknowledgements = Acknowledgements.inText(migration, sql);
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        List<Risk> risks = new ArrayList<>();
        for (JsonNode entry : tree.path("stmts")) {
            String statement = textOf(entry, bytes);
            for (Risk risk : risksOf(entry.path("stmt"), statement)) {
                Optional<String> reason = FindingKinds.acknowledgeable(risk.kind())
                        ? acknowledgements.reason(migration, risk.kind()) : Optional.empty();
                risks.add(reason.isEmpty() ? risk : new Risk(risk.kind(), risk.statement(),
                        risk.message() + "; acknowledged: " + reason.get(), risk.remedy()));
            }
        }
        return List.copyOf(risks);
    }

    /** The statement's own text; the parser's offsets count UTF-8 bytes, and a length of 0 means "to the end". */
    private static String textOf(JsonNode entry, byte[] bytes) {
        int start = Math.min(entry.path("stmt_location").asInt(0), bytes.length);
        int length = entry.path("stmt_len").asInt(0);
        int end = length <= 0 ? bytes.length : Math.min(start + length, bytes.length);
        return OneLine.withoutLeadingComments(new String(bytes, start, end - start, StandardCharsets.UTF_8));
    }

    private static List<Risk> risksOf(JsonNode node, String sql) {
        Statement statement = new Statement(sql);
        if (node.has("AlterTableStmt")) {
            alterTable(node.get("AlterTableStmt"), statement);
        } else if (node.has("RenameStmt")) {
            JsonNode rename = node.get("RenameStmt");
            if (Set.of("OBJECT_TABLE", "OBJECT_COLUMN").contains(rename.path("renameType").asText())
                    && !rename.path("relation").isMissingNode()) {
                statement.briefLock(name(rename.path("relation")), "ACCESS EXCLUSIVE");
            }
        } else if (node.has("IndexStmt")) {
            JsonNode index = node.get("IndexStmt");
            if (!index.path("concurrent").asBoolean()) {
                statement.add(FindingKinds.BLOCKING_LOCK, "would build " + (index.path("unique").asBoolean()
                        ? "unique " : "") + "index " + index.path("idxname").asText("(unnamed)") + " on table "
                        + name(index.path("relation")) + " under a SHARE lock, which blocks writes to it for the "
                        + "whole build", Remedies.forLock(sql));
            }
        } else if (node.has("DropStmt")) {
            JsonNode drop = node.get("DropStmt");
            if (drop.path("removeType").asText().equals("OBJECT_TABLE")) {
                for (JsonNode object : drop.path("objects")) {
                    statement.add(FindingKinds.DATA_LOSS, "would drop table " + qualified(object.path("List")
                            .path("items")) + " and its rows", Remedies.DROP_TABLE);
                }
            }
        } else if (node.has("TruncateStmt")) {
            for (JsonNode relation : node.get("TruncateStmt").path("relations")) {
                statement.add(FindingKinds.DATA_LOSS, "would truncate table " + name(relation.path("RangeVar"))
                        + ": every row goes", Remedies.TRUNCATE);
            }
        } else if (node.has("DeleteStmt")) {
            JsonNode delete = node.get("DeleteStmt");
            if (delete.path("whereClause").isMissingNode() && delete.path("usingClause").isMissingNode()) {
                statement.add(FindingKinds.DATA_LOSS, "would delete every row of table " + name(delete.path(
                        "relation")), Remedies.DELETE_MANY);
            }
        } else if (node.has("UpdateStmt")) {
            JsonNode update = node.get("UpdateStmt");
            if (update.path("whereClause").isMissingNode() && update.path("fromClause").isMissingNode()) {
                statement.add(FindingKinds.LARGE_BACKFILL, "would update every row of table " + name(update.path(
                        "relation")) + " in one transaction, each row locked until it commits", Remedies.BATCHES);
            }
        } else if (node.has("VacuumStmt")) {
            JsonNode vacuum = node.get("VacuumStmt");
            boolean full = false;
            for (JsonNode option : vacuum.path("options")) {
                full |= option.path("DefElem").path("defname").asText().equals("full")
                        && !option.path("DefElem").path("arg").path("String").path("sval").asText().matches(
                        "(?i)false|off|0");
            }
            if (full && vacuum.path("is_vacuumcmd").asBoolean(true)) {
                List<String> tables = new ArrayList<>();
                vacuum.path("rels").forEach(r -> tables.add(name(r.path("VacuumRelation").path("relation"))));
                statement.add(FindingKinds.TABLE_REWRITE, "would rewrite " + (tables.isEmpty() ? "every table"
                        : "table " + String.join(", ", tables)) + " under ACCESS EXCLUSIVE (VACUUM FULL)",
                        Remedies.forRewrite(sql, "table"));
            }
        } else if (node.has("ClusterStmt")) {
            JsonNode relation = node.get("ClusterStmt").path("relation");
            statement.add(FindingKinds.TABLE_REWRITE, "would rewrite " + (relation.isMissingNode()
                    ? "every clustered table" : "table " + name(relation)) + " under ACCESS EXCLUSIVE (CLUSTER)",
                    Remedies.forRewrite(sql, "table"));
        }
        return statement.risks;
    }

    private static void alterTable(JsonNode alter, Statement statement) {
        if (!alter.path("objtype").asText().equals("OBJECT_TABLE")) {
            return;
        }
        String table = name(alter.path("relation"));
        String sql = statement.sql;
        boolean heavy = false;
        boolean foreignKeysOnly = true; // ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE: writes wait, reads go on
        for (JsonNode cmd : alter.path("cmds")) {
            JsonNode command = cmd.path("AlterTableCmd");
            String subtype = command.path("subtype").asText();
            String column = command.path("name").asText();
            heavy |= !LIGHT_SUBCOMMANDS.contains(subtype);
            foreignKeysOnly &= subtype.equals("AT_AddConstraint")
                    && command.path("def").path("Constraint").path("contype").asText().equals("CONSTR_FOREIGN");
            switch (subtype) {
                case "AT_AlterColumnType" -> {
                    JsonNode type = command.path("def").path("ColumnDef").path("typeName");
                    String typeName = typeName(type);
                    statement.add(FindingKinds.TABLE_REWRITE, "would change column " + column + " of table " + table
                            + " to " + typeName + ", which may rewrite the table under ACCESS EXCLUSIVE (unless the "
                            + "type only widens, e.g. a longer varchar)", Remedies.forRewrite(sql,
                            "table"));
                    if (!type.path("typmods").isMissingNode() || SMALL_TYPES.contains(SqlTrees.lastName(
                            type.path("names")))) {
                        statement.add(FindingKinds.NARROWING_TYPE_CHANGE, "column " + column + " of table " + table
                                + " would hold " + typeName + ": values that do not fit would make it fail, or be "
                                + "cut", Remedies.NARROWING);
                    }
                }
                case "AT_AddColumn" -> addColumn(command.path("def").path("ColumnDef"), table, statement);
                case "AT_SetNotNull" -> statement.add(FindingKinds.BLOCKING_LOCK, "would scan table " + table
                        + " under ACCESS EXCLUSIVE to check that column " + column + " holds no NULLs",
                        Remedies.forLock(sql));
                case "AT_AddConstraint" -> addConstraint(command.path("def").path("Constraint"), table, statement);
                case "AT_DropColumn" -> statement.add(FindingKinds.DATA_LOSS, "would drop column " + column
                        + " of table " + table + " and its values", Remedies.DROP_COLUMN);
                default -> {
                    // its lock is what the statement risks: told once below, if nothing else is
                }
            }
        }
        if (heavy && statement.risks.isEmpty()) {
            statement.briefLock(table, foreignKeysOnly ? "SHARE ROW EXCLUSIVE" : "ACCESS EXCLUSIVE");
        }
    }

    private static void addColumn(JsonNode column, String table, Statement statement) {
        String name = column.path("colname").asText();
        for (JsonNode entry : column.path("constraints")) {
            JsonNode constraint = entry.path("Constraint");
            switch (constraint.path("contype").asText()) {
                case "CONSTR_GENERATED" -> {
                    if (!constraint.path("generated_kind").asText("s").equals("v")) {
                        statement.add(FindingKinds.TABLE_REWRITE, "would add stored generated column " + name
                                + " to table " + table + ", which rewrites the table under ACCESS EXCLUSIVE",
                                Remedies.forRewrite(statement.sql, "table"));
                    }
                }
                case "CONSTR_DEFAULT" -> {
                    if (!evaluatedOnce(constraint.path("raw_expr"))) {
                        statement.add(FindingKinds.TABLE_REWRITE, "would add column " + name + " to table " + table
                                + " with a default that is not a constant, which rewrites the table under ACCESS "
                                + "EXCLUSIVE when the default is volatile", Remedies.forRewrite(statement.sql,
                                "table"));
                    }
                }
                case "CONSTR_PRIMARY", "CONSTR_UNIQUE" -> statement.add(FindingKinds.BLOCKING_LOCK, "would build "
                        + "the index of column " + name + " of table " + table + " under ACCESS EXCLUSIVE",
                        Remedies.forLock(statement.sql));
                default -> {
                }
            }
        }
    }

    private static void addConstraint(JsonNode constraint, String table, Statement statement) {
        String name = constraint.path("conname").asText(null);
        String what = name == null ? "" : " " + name;
        switch (constraint.path("contype").asText()) {
            case "CONSTR_FOREIGN" -> {
                if (!constraint.path("skip_validation").asBoolean()) {
                    statement.add(FindingKinds.BLOCKING_LOCK, "would add foreign key" + what + " to table " + table
                            + " without NOT VALID: it scans the table to validate it, holding a lock that blocks "
                            + "writes to it and to " + name(constraint.path("pktable")), Remedies.forLock(
                            statement.sql));
                }
            }
            case "CONSTR_CHECK" -> {
                if (!constraint.path("skip_validation").asBoolean()) {
                    statement.add(FindingKinds.BLOCKING_LOCK, "would add check" + what + " to table " + table
                            + " without NOT VALID: it scans the table to validate it under ACCESS EXCLUSIVE",
                            Remedies.forLock(statement.sql));
                }
            }
            case "CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION" -> {
                if (constraint.path("indexname").isMissingNode()) {
                    statement.add(FindingKinds.BLOCKING_LOCK, "would build the index of constraint" + what
                            + " on table " + table + " under ACCESS EXCLUSIVE", Remedies.forLock(statement.sql));
                }
            }
            default -> {
            }
        }
    }

    /**
     * True when a default is the same for every existing row, so that PostgreSQL 11 and later store it once rather
     * than rewrite the table: a constant, a cast of one, or a stable function such as {@code now()}.
     */
    private static boolean evaluatedOnce(JsonNode expression) {
        if (expression.has("A_Const") || expression.has("SQLValueFunction")) {
            return true;
        }
        if (expression.has("TypeCast")) {
            return evaluatedOnce(expression.get("TypeCast").path("arg"));
        }
        if (expression.has("A_Expr")) { // -1, 'a' || 'b'
            JsonNode operation = expression.get("A_Expr");
            return (operation.path("lexpr").isMissingNode() || evaluatedOnce(operation.path("lexpr")))
                    && evaluatedOnce(operation.path("rexpr"));
        }
        if (expression.has("FuncCall")) {
            JsonNode call = expression.get("FuncCall");
            if (!STABLE_FUNCTIONS.contains(SqlTrees.lastName(call.path("funcname")))) {
                return false;
            }
            for (JsonNode argument : call.path("args")) {
                if (!evaluatedOnce(argument)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** A {@code RangeVar}'s name as written: {@code orders} or {@code shop.orders}. */
    private static String name(JsonNode rangeVar) {
        String schema = rangeVar.path("schemaname").asText(null);
        return (schema == null ? "" : schema + ".") + rangeVar.path("relname").asText("?");
    }

    private static String qualified(JsonNode names) {
        List<String> parts = new ArrayList<>();
        names.forEach(n -> parts.add(n.path("String").path("sval").asText()));
        return String.join(".", parts);
    }

    /** A type as written, without {@code pg_catalog.}: {@code numeric(10,2)}, {@code varchar(20)}. */
    private static String typeName(JsonNode type) {
        String name = SqlTrees.lastName(type.path("names"));
        List<String> modifiers = new ArrayList<>();
        for (JsonNode modifier : type.path("typmods")) {
            JsonNode constant = modifier.path("A_Const");
            modifiers.add(constant.path("ival").path("ival").asText(constant.path("sval").path("sval").asText("0")));
        }
        String arrays = type.path("arrayBounds").isMissingNode() ? "" : "[]".repeat(type.path("arrayBounds").size());
        return WRITTEN_TYPES.getOrDefault(name, name) + (modifiers.isEmpty() ? "" : "(" + String.join(",",
                modifiers) + ")") + arrays;
    }

    /** The risks of one statement, gathered as its parts are read. */
    private static final class Statement {
        private final String sql;
        private final List<Risk> risks = new ArrayList<>();

        Statement(String sql) {
            this.sql = sql;
        }

        void add(String kind, String message, String remedy) {
            risks.add(new Risk(kind, OneLine.abbreviate(sql, MAX_STATEMENT), message + NOT_OBSERVED, remedy));
        }

        /** The lock an ALTER TABLE takes, briefly when that is all its text shows. */
        void briefLock(String table, String mode) {
            add(FindingKinds.BLOCKING_LOCK, "would lock table " + table + " " + mode + ", briefly (nothing in "
                    + "its text rewrites or scans the table), and every query of the table queues behind it while "
                    + "it waits for the lock", Remedies.forLock(sql));
        }
    }
}
