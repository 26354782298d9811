package dev.rehearsal.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.catalog.Table.Constraint;
import dev.rehearsal.catalog.Table.Index;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.StatementTrace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Finds foreign keys that no index serves: PostgreSQL indexes the referenced key, never the referencing columns, so
 * every delete of a parent row and every update of a parent key looks for referencing rows with a sequential scan of
 * the child table (once per parent row), under the parent statement's locks; a {@code CASCADE} or {@code SET NULL}
 * does the same before it acts.
 *
 * <p>Reported for each foreign key the migrations added, and for each whose serving index they dropped; foreign keys
 * that lacked an index before the migrations are not theirs and are left alone. An index serves a foreign key when it
 * is valid, not partial, and its key starts with the referencing columns, in any order: a B-tree whose
 * {@linkplain Index#leadingColumns() leading columns} are exactly them (a composite key in another order finds the
 * rows as well), or a hash index on the one column of a single-column key. An index that starts with another column
 * or with an expression, a partial one, or one left invalid does not. The copies of a foreign key that PostgreSQL
 * makes for partitions are judged through the one declared.
 *
 * <p>Severity: {@link Severity#WARNING} by default ({@link Policy}): the key is correct and nothing is blocked while
 * the migration runs; the cost comes later, with every parent delete, and grows with the child table. It is
 * {@link Severity#INFO} when the child table is small after the migrations — fewer than {@link Policy#minRows()}
 * rows (at least one): an empty development database still shows the pattern, with the rows measured, while a child
 * that holds data (or whose rows were not counted) gets the warning. Given production's sizes
 * ({@link CheckContext#production()}), a child production has rows of is judged by them.
 *
 * <p>Attributed to the statement that added the key ({@code ALTER TABLE ... ADD [CONSTRAINT ...] FOREIGN KEY},
 * {@code CREATE TABLE ... REFERENCES}, {@code ADD COLUMN ... REFERENCES}), found in PostgreSQL's parse tree by the
 * child table and the constraint's name (or, for a key added without a name, its columns), or to the statement that
 * dropped the index ({@code DROP INDEX}, or {@code DROP CONSTRAINT} of the constraint that owned it).
 */
final class ForeignKeyIndexCheck implements Check {
    /** A statement that adds a foreign key says REFERENCES; one that drops an index says DROP. Keywords: never quoted. */
    private static final Pattern REFERENCES = Pattern.compile("\\breferences\\b");
    private static final Pattern DROP = Pattern.compile("\\bdrop\\b");

    @Override
    public List<Finding> evaluate(CheckContext context) {
        List<Finding> findings = new ArrayList<>();
        CatalogSnapshot before = context.before();
        CatalogSnapshot after = context.after();
        if (before == null || after == null) {
            return findings; // without both there is no telling which keys the migrations added
        }
        for (Table child : after.tables()) {
            for (Constraint key : child.constraints()) {
                if (!key.type().equals("foreign key") || key.inherited() || servedBy(child, key).isPresent()) {
                    continue;
                }
                Optional<Table> childBefore = before.tableByOid(child.oid());
                Optional<Constraint> keyBefore = childBefore.flatMap(table -> sameKey(table, key));
                if (keyBefore.isEmpty()) {
                    findings.add(finding(context, child, key, null, statementAdding(context, child, key)));
                } else {
                    Optional<Index> dropped = servedBy(childBefore.get(), keyBefore.get());
                    if (dropped.isPresent()) {
                        findings.add(finding(context, child, key, dropped.get(),
                                statementDropping(context, child, dropped.get())));
                    }
                }
            }
        }
        return findings;
    }

    private static Finding finding(CheckContext context, Table child, Constraint key, Index dropped,
                                   Optional<StatementTrace> statement) {
        Optional<Table> parent = context.after().tableByOid(key.referencedTableOid());
        String parentName = parent.map(Table::qualifiedName).orElse("the referenced table");
        Long childRows = context.rowsOf(child);
        String columns = String.join(", ", key.columns().stream().map(column -> quoted(child, column)).toList());
        boolean small = childRows != null && childRows < Math.max(1, context.policy().minRows());
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("constraint", key.name());
        evidence.put("table", child.qualifiedName());
        if (child.rowCount() != null) {
            evidence.put("tableRows", child.rowCount());
        }
        evidence.putAll(context.productionEvidence(child));
        evidence.put("columns", key.columns());
        evidence.put("referencedTable", parentName);
        parent.map(Table::rowCount).ifPresent(rows -> evidence.put("referencedTableRows", rows));
        if (dropped != null) {
            evidence.put("droppedIndex", dropped.name());
        }
        String message = "foreign key " + key.name() + " of " + child.qualifiedName() + rows(child.rowCount())
                + (dropped == null ? " has no index on " : " lost its index " + dropped.name() + " on ") + "(" + columns
                + "): every delete from " + parentName + rows(parent.map(Table::rowCount).orElse(null)) + ", and every "
                + "update of its key, scans " + child.qualifiedName() + " for referencing rows"
                + context.judgedAtProductionSize(child);
        Optional<Index> invalid = child.indexes().stream().filter(index -> !index.valid())
                .filter(index -> serves(index, key)).findFirst();
        String remedy = invalid.map(index -> "the index " + index.name() + " would serve it but is invalid (a failed "
                        + "CREATE INDEX CONCURRENTLY): DROP INDEX CONCURRENTLY " + index.name() + " and build it again ")
                .orElse("index the referencing columns: ") + "CREATE INDEX CONCURRENTLY ON " + child.qualifiedName()
                + " (" + columns + "), in a migration of its own run outside a transaction (it does not block writes)";
        return new Finding(FindingKinds.UNINDEXED_FOREIGN_KEY, small ? Severity.INFO : Severity.WARNING,
                statement.map(StatementTrace::migration).orElse(null), statement.map(StatementTrace::sql).orElse(null),
                message, evidence, remedy);
    }

    private static String rows(Long rows) {
        return rows == null ? "" : " (" + rows + " rows)";
    }

    /** The column as PostgreSQL needs it written: {@link Table#qualifiedName(String)} quotes each part alike. */
    private static String quoted(Table table, String column) {
        return table.qualifiedName(column).substring(table.qualifiedName().length() + 1);
    }

    /** The same foreign key in an older snapshot of the table: same columns, same referenced table, any name. */
    private static Optional<Constraint> sameKey(Table table, Constraint key) {
        return table.constraints().stream().filter(c -> c.type().equals("foreign key") && !c.inherited())
                .filter(c -> c.columns().equals(key.columns()) && c.referencedTableOid() == key.referencedTableOid())
                .findFirst();
    }

    private static Optional<Index> servedBy(Table table, Constraint key) {
        return table.indexes().stream().filter(index -> index.valid() && serves(index, key)).findFirst();
    }

    /** Whether the index, were it valid, would find a key's referencing rows. */
    private static boolean serves(Index index, Constraint key) {
        List<String> columns = key.columns();
        List<String> leading = index.leadingColumns();
        if (index.partial() || columns.isEmpty() || leading.size() < columns.size()) {
            return false;
        }
        return switch (index.method()) {
            case "btree" -> new HashSet<>(leading.subList(0, columns.size())).equals(new HashSet<>(columns));
            case "hash" -> leading.equals(columns);
            default -> false;
        };
    }

    /** The last successful migration statement that added this foreign key to this table. */
    private static Optional<StatementTrace> statementAdding(CheckContext context, Table child, Constraint key) {
        return lastParsed(context, REFERENCES, statement -> {
            if (statement.has("AlterTableStmt")) {
                JsonNode alter = statement.get("AlterTableStmt");
                if (!names(alter.path("relation"), child)) {
                    return false;
                }
                for (JsonNode command : alter.path("cmds")) {
                    JsonNode def = command.path("AlterTableCmd").path("def");
                    if (defines(def.path("Constraint"), null, key) || declaredIn(def.path("ColumnDef"), key)) {
                        return true;
                    }
                }
            } else if (statement.has("CreateStmt")) {
                JsonNode create = statement.get("CreateStmt");
                if (!names(create.path("relation"), child)) {
                    return false;
                }
                for (JsonNode element : create.path("tableElts")) {
                    if (defines(element.path("Constraint"), null, key) || declaredIn(element.path("ColumnDef"), key)) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    /** Whether a column definition declares the key as a column constraint ({@code c int REFERENCES p}). */
    private static boolean declaredIn(JsonNode columnDef, Constraint key) {
        for (JsonNode constraint : columnDef.path("constraints")) {
            if (defines(constraint.path("Constraint"), columnDef.path("colname").asText(), key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a constraint node is this foreign key: by name, or, when it has none (PostgreSQL named it), by its
     * columns ({@code column} for a column constraint).
     */
    private static boolean defines(JsonNode constraint, String column, Constraint key) {
        if (!constraint.path("contype").asText().equals("CONSTR_FOREIGN")) {
            return false;
        }
        if (constraint.has("conname")) {
            return constraint.get("conname").asText().equals(key.name());
        }
        List<String> columns = new ArrayList<>();
        constraint.path("fk_attrs").forEach(attribute -> columns.add(attribute.path("String").path("sval").asText()));
        return (column == null ? columns : List.of(column)).equals(key.columns());
    }

    /** The last successful migration statement that dropped the index. */
    private static Optional<StatementTrace> statementDropping(CheckContext context, Table child, Index index) {
        return lastParsed(context, DROP, statement -> {
            JsonNode drop = statement.path("DropStmt");
            if (drop.path("removeType").asText().equals("OBJECT_INDEX")) {
                for (JsonNode object : drop.path("objects")) {
                    JsonNode items = object.path("List").path("items");
                    JsonNode name = items.path(items.size() - 1).path("String").path("sval");
                    boolean schemaMatches = items.size() < 2
                            || items.path(items.size() - 2).path("String").path("sval").asText().equals(child.schema());
                    if (name.asText().equals(index.name()) && schemaMatches) {
                        return true;
                    }
                }
            }
            JsonNode alter = statement.path("AlterTableStmt");
            if (names(alter.path("relation"), child)) {
                for (JsonNode command : alter.path("cmds")) {
                    JsonNode cmd = command.path("AlterTableCmd");
                    if (cmd.path("subtype").asText().equals("AT_DropConstraint")
                            && cmd.path("name").asText().equals(index.name())) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    /** Whether a parse tree's RangeVar names the table (a name without schema is taken as found on the path). */
    private static boolean names(JsonNode relation, Table table) {
        return relation.path("relname").asText().equals(table.name())
                && (!relation.has("schemaname") || relation.get("schemaname").asText().equals(table.schema()));
    }

    /**
     * The last successful migration statement, among those whose text has the keyword, one of whose parsed
     * statements matches. Text the grammar rejects ran nowhere: skipped.
     */
    private static Optional<StatementTrace> lastParsed(CheckContext context, Pattern keyword,
                                                       Predicate<JsonNode> matches) {
        List<StatementTrace> statements = context.migrationStatements();
        for (int i = statements.size() - 1; i >= 0; i--) {
            StatementTrace statement = statements.get(i);
            if (statement.failed() || !keyword.matcher(Remedies.normalized(statement.sql())).find()) {
                continue;
            }
            for (JsonNode parsed : SqlTrees.statements(statement.sql())) {
                if (matches.test(parsed)) {
                    return Optional.of(statement);
                }
            }
        }
        return Optional.empty();
    }
}
