package dev.rehearsal.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.catalog.Table.Column;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.StatementTrace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Finds data the migrations destroy, measured on the real data: a dropped table or column that held data, a
 * truncation, values that became NULL, rows that disappeared, deleted rows, and column types narrowed so that values
 * may be cut, rounded or rejected.
 *
 * <p>Deleting rows is a clean-up until it is a loss: a migration that deletes at least {@link Policy#deleteFraction()}
 * (5 %) of a table with data, or at least {@link Policy#backfillRows()} (100 000) of its rows, is {@code data-loss}
 * (blocking, unless acknowledged); smaller deletes, deletes from tables the migrations made, and deletes whose rows
 * the same statement inserts elsewhere (an archive) are {@code rows-deleted}. The table and the count come from the
 * statement itself, parsed by PostgreSQL's grammar, and from the table's rows before the migrations.
 *
 * <p>A table or column dropped, or a table truncated, with nothing in it here (an empty development database) is
 * {@code data-loss} at {@link Severity#INFO}: the pattern is there, and production's data decides. Given production's
 * sizes ({@link CheckContext#production()}), a table production has rows of, and a column its statistics say holds
 * values, are judged as in production.
 *
 * <p>A dropped table or column whose content lives on in another that replaces it — a swap: copy, drop the old, rename
 * the new — is no loss: compared by a hash of the content at the drop and after the migrations ({@link ContentMoves}),
 * it is {@code content-moved} (information) instead; when the replacement's content differs, the loss says how.
 */
final class DataLossCheck implements Check {

    @Override
    public List<Finding> evaluate(CheckContext context) {
        List<Finding> findings = new ArrayList<>();
        CatalogSnapshot before = context.before();
        CatalogSnapshot after = context.after();
        List<Delete> deletes = deletes(context);
        findings.addAll(judgeDeletes(context, deletes));
        if (before == null || after == null) {
            return findings;
        }
        for (Table old : before.tables()) {
            Optional<Table> now = after.tableByOid(old.oid());
            long rows = old.rowCount() == null ? 0 : old.rowCount();
            long judged = context.rowsOf(old) == null ? rows : context.rowsOf(old);
            if (now.isEmpty()) {
                ContentMoves.Comparison moved = ContentMoves.ofTable(context, old, rows);
                if (moved.moved().isPresent()) {
                    findings.add(moved.moved().get());
                    continue;
                }
                Map<String, Object> evidence = moved.addedTo(evidence("table", old.qualifiedName(), "rows", rows));
                evidence.putAll(context.productionEvidence(old));
                findings.add(Attribution.changed(context, old.oid(), FindingKinds.DATA_LOSS, judged > 0
                        ? Severity.BLOCKING : Severity.INFO, "table " + old.qualifiedName() + " was dropped "
                        + (judged > 0 ? "with " + rows + " rows" + context.judgedAtProductionSize(old) + moved.why()
                        : "empty: " + Sizes.tooSmallToJudge(rows, "lose its rows")), evidence,
                        Remedies.DROP_TABLE,
                        old.name()));
                continue;
            }
            Table table = now.get();
            long rowsAfter = table.rowCount() == null ? rows : table.rowCount();
            Optional<StatementTrace> truncate = truncation(context, old);
            if (truncate.isPresent()) {
                Map<String, Object> evidence = evidence("table", old.qualifiedName(), "rows", rows);
                evidence.putAll(context.productionEvidence(old));
                findings.add(new Finding(FindingKinds.DATA_LOSS, judged > 0 ? Severity.BLOCKING : Severity.INFO,
                        truncate.get().migration(), truncate.get().sql(), "table " + old.qualifiedName()
                        + " was truncated (" + rows + " rows before, " + rowsAfter + " after)" + (judged > 0
                        ? context.judgedAtProductionSize(old) : ": " + Sizes.tooSmallToJudge(rows, "lose its rows")),
                        evidence, Remedies.TRUNCATE));
            } else if (rowsAfter < rows && deletes.stream().noneMatch(d -> d.isOf(old))) {
                findings.add(Attribution.written(context, old.oid(), FindingKinds.DATA_LOSS, Severity.BLOCKING,
                        "table " + old.qualifiedName() + " lost " + (rows - rowsAfter) + " of its " + rows
                                + " rows", evidence("table", old.qualifiedName(), "rowsBefore", rows, "rowsAfter",
                                rowsAfter), "find what removed the rows (a cascade, a trigger, a function)",
                        old.name()));
            }
            for (Column column : old.columns()) {
                Optional<Column> current = table.columns().stream()
                        .filter(c -> c.position() == column.position()).findFirst();
                long values = column.nonNullCount() == null ? 0 : column.nonNullCount();
                if (current.isEmpty()) {
                    ContentMoves.Comparison moved = ContentMoves.ofColumn(context, old, column, values, table);
                    if (moved.moved().isPresent()) {
                        findings.add(moved.moved().get());
                        continue;
                    }
                    long judgedValues = context.nonNullValuesBefore(old, column);
                    Map<String, Object> evidence = moved.addedTo(evidence("column", old.qualifiedName(column.name()),
                            "nonNullValues", values));
                    evidence.putAll(context.productionEvidence(old));
                    findings.add(Attribution.changed(context, old.oid(), FindingKinds.DATA_LOSS, judgedValues > 0
                            ? Severity.BLOCKING : Severity.INFO, "column " + old.qualifiedName(column.name())
                            + (judgedValues > 0 ? " was dropped with " + values + " values" + (judgedValues > values
                            ? context.judgedAtProductionSize(old) + ": about " + judgedValues + " values by its share "
                            + "of NULLs" : "") + moved.why() : " was dropped holding no values here: harmless on this "
                            + "database; where it holds data, they would be lost"), evidence, Remedies.DROP_COLUMN,
                            column.name()));
                    continue;
                }
                Column changed = current.get();
                Optional<String> narrowing = TypeNarrowing.why(column.type(), changed.type());
                if (narrowing.isPresent() && values > 0) {
                    findings.add(Attribution.changed(context, old.oid(), FindingKinds.NARROWING_TYPE_CHANGE,
                            Severity.BLOCKING,
                            "column " + old.qualifiedName(changed.name()) + " changed from " + column.type()
                                    + " to " + changed.type() + ": " + narrowing.get(),
                            evidence("column", old.qualifiedName(changed.name()), "from", column.type(),
                                    "to", changed.type(), "nonNullValues", values),
                            "check every value fits first (the rehearsal passed, so today's data does), or keep the "
                                    + "wider type", changed.name()));
                }
                if (changed.nonNullCount() != null && changed.nonNullCount() < values && rowsAfter >= rows) {
                    findings.add(Attribution.written(context, old.oid(), FindingKinds.DATA_LOSS, Severity.BLOCKING,
                            (values - changed.nonNullCount()) + " values of column "
                                    + old.qualifiedName(changed.name()) + " became NULL (" + values + " before, "
                                    + changed.nonNullCount() + " after)",
                            evidence("column", old.qualifiedName(changed.name()), "nonNullBefore", values,
                                    "nonNullAfter", changed.nonNullCount()),
                            "if the values are meant to go, acknowledge it in the migration", changed.name()));
                }
            }
        }
        return findings;
    }

    /** The last statement that truncated the table (named in a {@code TRUNCATE}, as the server resolved it). */
    private static Optional<StatementTrace> truncation(CheckContext context, Table table) {
        return context.migrationStatements().stream()
                .filter(s -> !s.failed() && SqlTrees.statements(s.sql()).stream()
                        .flatMap(node -> StreamSupport.stream(
                                node.path("TruncateStmt").path("relations").spliterator(), false))
                        .anyMatch(relation -> SqlTrees.table(relation.path("RangeVar"), context.before(), s)
                                .map(t -> t.oid() == table.oid()).orElse(false)))
                .reduce((first, second) -> second);
    }

    /**
     * One {@code DELETE}: the statement's own ({@code DELETE ... [WITH ...]}) or one in a data-modifying CTE of
     * another statement.
     *
     * @param table        the table in the catalog before the migrations, or null (one the migrations made, say)
     * @param name         the table as the statement names it
     * @param rows         rows deleted: the statement's count, or what the table lost when the count is another's
     * @param archivedInto the table an {@code INSERT} put the deleted rows into ({@code WITH gone AS (DELETE ...
     *                     RETURNING *) INSERT INTO archive SELECT * FROM gone}), or null
     */
    private record Delete(StatementTrace statement, Table table, String name, long rows, String archivedInto) {
        boolean isOf(Table other) {
            return table != null ? table.oid() == other.oid() : Attribution.names(name, other.name());
        }

        String key() {
            return statement.migration() + "\n" + (table != null ? table.qualifiedName() : name);
        }
    }

    private static List<Delete> deletes(CheckContext context) {
        List<Delete> deletes = new ArrayList<>();
        for (StatementTrace statement : context.migrationStatements()) {
            if (statement.failed()) {
                continue;
            }
            for (JsonNode node : SqlTrees.statements(statement.sql())) {
                JsonNode delete = node.path("DeleteStmt");
                if (!delete.isMissingNode()) {
                    deletes.add(delete(context, statement, delete.path("relation"), true, null));
                    continue;
                }
                String outer = node.fieldNames().hasNext() ? node.fieldNames().next() : "";
                for (JsonNode cte : node.path(outer).path("withClause").path("ctes")) {
                    JsonNode inner = cte.path("CommonTableExpr").path("ctequery").path("DeleteStmt");
                    if (!inner.isMissingNode()) {
                        boolean archived = outer.equals("InsertStmt");
                        deletes.add(delete(context, statement, inner.path("relation"), archived,
                                archived ? name(node.path(outer).path("relation")) : null));
                    }
                }
            }
        }
        return deletes;
    }

    private static Delete delete(CheckContext context, StatementTrace statement, JsonNode relation,
                                 boolean countIsTheDeletes, String archivedInto) {
        Table table = SqlTrees.table(relation, context.before(), statement).orElse(null);
        long rows;
        if (countIsTheDeletes && statement.rowsAffected() != null) {
            rows = statement.rowsAffected();
        } else {
            // a count of something else (or none, with RETURNING): what the table lost is the measure
            Long before = table == null ? null : table.rowCount();
            Long after = table == null || context.after() == null ? null
                    : context.after().tableByOid(table.oid()).map(Table::rowCount).orElse(0L);
            rows = before == null || after == null ? 0 : Math.max(0, before - after);
        }
        return new Delete(statement, table, name(relation), rows, archivedInto);
    }

    private static String name(JsonNode relation) {
        String schema = relation.path("schemaname").asText(null);
        String name = relation.path("relname").asText();
        return schema == null ? name : schema + "." + name;
    }

    /**
     * One finding per migration and table: {@code data-loss} when the migration deleted at least
     * {@link Policy#deleteFraction()} of a table with data, or {@link Policy#backfillRows()} of its rows, and did not
     * archive them; {@code rows-deleted} otherwise.
     */
    private static List<Finding> judgeDeletes(CheckContext context, List<Delete> deletes) {
        Map<String, List<Delete>> byTable = new LinkedHashMap<>();
        deletes.stream().filter(d -> d.rows() > 0)
                .forEach(d -> byTable.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d));
        List<Finding> findings = new ArrayList<>();
        for (List<Delete> group : byTable.values()) {
            Delete largest = group.stream().max(Comparator.comparingLong(Delete::rows)).orElseThrow();
            Table table = largest.table();
            Long tableRows = table == null ? null : context.rowsBefore(table.oid()).orElse(null);
            long rows = group.stream().mapToLong(Delete::rows).sum();
            if (tableRows != null) {
                rows = Math.min(rows, tableRows);
            }
            String archivedInto = group.stream().allMatch(d -> d.archivedInto() != null) ? largest.archivedInto() : null;
            Map<String, Object> evidence = evidence("table", table != null ? table.qualifiedName() : largest.name(),
                    "rowsDeleted", rows);
            String share = "";
            boolean loss = false;
            if (tableRows != null && tableRows > 0) {
                double fraction = (double) rows / tableRows;
                evidence.put("tableRows", tableRows);
                evidence.put("fraction", Math.round(fraction * 10_000) / 10_000.0);
                share = " (" + percent(fraction) + " of its " + tableRows + " rows)";
                loss = archivedInto == null && context.hadData(table.oid())
                        && (fraction >= context.policy().deleteFraction() || rows >= context.policy().backfillRows());
            }
            if (group.size() > 1) {
                evidence.put("statements", group.size());
            }
            if (archivedInto != null) {
                evidence.put("archivedInto", archivedInto);
            }
            String what = rows + " rows deleted from " + evidence.get("table") + share;
            if (loss) {
                findings.add(new Finding(FindingKinds.DATA_LOSS, Severity.BLOCKING, largest.statement().migration(),
                        largest.statement().sql(), what + ": at least " + percent(context.policy().deleteFraction())
                        + " of a table with data (or " + context.policy().backfillRows() + " rows) is a loss, not a "
                        + "clean-up", evidence, Remedies.DELETE_MANY));
            } else {
                findings.add(new Finding(FindingKinds.ROWS_DELETED, Severity.WARNING, largest.statement().migration(),
                        largest.statement().sql(), archivedInto != null ? what + ", moved into " + archivedInto : what,
                        evidence, archivedInto != null ? "keep " + archivedInto + " until the rows are no longer "
                        + "needed" : "make sure the rows are archived or no longer needed; delete large sets in "
                        + "batches"));
            }
        }
        return findings;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, fraction * 100 < 10 ? "%.1f %%" : "%.0f %%", fraction * 100);
    }

    static Map<String, Object> evidence(Object... pairs) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            evidence.put((String) pairs[i], pairs[i + 1]);
        }
        return evidence;
    }
}
