package dev.rehearsal.check;

import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.Column;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.trace.StatementTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds data the migrations destroy, measured on the real data: a dropped table or column that held data, a
 * truncation, values that became NULL, rows that disappeared, deleted rows, and column types narrowed so that values
 * may be cut, rounded or rejected.
 */
public final class DataLossCheck implements Check {
    private static final Pattern DELETE = Pattern.compile("^\\s*(with\\b.*\\)\\s*)?delete\\b", Pattern.DOTALL);
    private static final Pattern TRUNCATE = Pattern.compile("^\\s*truncate\\b");

    @Override
    public List<Finding> evaluate(CheckContext context) {
        List<Finding> findings = new ArrayList<>();
        CatalogSnapshot before = context.before();
        CatalogSnapshot after = context.after();
        for (StatementTrace statement : context.migrationStatements()) {
            String sql = Remedies.normalized(statement.sql());
            if (DELETE.matcher(sql).find() && statement.rowsAffected() != null && statement.rowsAffected() > 0) {
                findings.add(new Finding(FindingKinds.ROWS_DELETED, Severity.WARNING, statement.migration(),
                        statement.sql(), statement.rowsAffected() + " rows deleted",
                        Map.of("rows", statement.rowsAffected()), "make sure the rows are archived or no longer "
                        + "needed; delete large sets in batches"));
            }
        }
        if (before == null || after == null) {
            return findings;
        }
        for (Table old : before.tables()) {
            Optional<Table> now = after.tableByOid(old.oid());
            long rows = old.rowCount() == null ? 0 : old.rowCount();
            if (now.isEmpty()) {
                if (rows > 0) {
                    findings.add(Attribution.finding(context, FindingKinds.DATA_LOSS, Severity.BLOCKING,
                            "table " + old.qualifiedName() + " was dropped with " + rows + " rows",
                            evidence("table", old.qualifiedName(), "rows", rows),
                            "keep the table until its data is archived or migrated, and drop it in a later release",
                            old.name()));
                }
                continue;
            }
            Table table = now.get();
            long rowsAfter = table.rowCount() == null ? rows : table.rowCount();
            Optional<StatementTrace> truncate = truncation(context, old);
            if (truncate.isPresent() && rows > 0) {
                findings.add(new Finding(FindingKinds.DATA_LOSS, Severity.BLOCKING, truncate.get().migration(),
                        truncate.get().sql(), "table " + old.qualifiedName() + " was truncated (" + rows
                        + " rows before, " + rowsAfter + " after)", evidence("table", old.qualifiedName(), "rows",
                        rows), "archive the rows first, or delete only what must go"));
            } else if (rowsAfter < rows && !deletedFrom(context, old)) {
                findings.add(Attribution.finding(context, FindingKinds.DATA_LOSS, Severity.BLOCKING,
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
                    if (values > 0) {
                        findings.add(Attribution.finding(context, FindingKinds.DATA_LOSS, Severity.BLOCKING,
                                "column " + old.qualifiedName(column.name()) + " was dropped with " + values
                                        + " values", evidence("column", old.qualifiedName(column.name()),
                                        "nonNullValues", values), "copy the values elsewhere first if they are still "
                                        + "needed, and drop the column only after no application version reads it",
                                column.name()));
                    }
                    continue;
                }
                Column changed = current.get();
                Optional<String> narrowing = TypeNarrowing.why(column.type(), changed.type());
                if (narrowing.isPresent() && values > 0) {
                    findings.add(Attribution.finding(context, FindingKinds.NARROWING_TYPE_CHANGE, Severity.BLOCKING,
                            "column " + old.qualifiedName(changed.name()) + " changed from " + column.type()
                                    + " to " + changed.type() + ": " + narrowing.get(),
                            evidence("column", old.qualifiedName(changed.name()), "from", column.type(),
                                    "to", changed.type(), "nonNullValues", values),
                            "check every value fits first (the rehearsal passed, so today's data does), or keep the "
                                    + "wider type", changed.name()));
                }
                if (changed.nonNullCount() != null && changed.nonNullCount() < values && rowsAfter >= rows) {
                    findings.add(Attribution.finding(context, FindingKinds.DATA_LOSS, Severity.BLOCKING,
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

    private static Optional<StatementTrace> truncation(CheckContext context, Table table) {
        return context.migrationStatements().stream()
                .filter(s -> TRUNCATE.matcher(Remedies.normalized(s.sql())).find())
                .filter(s -> Attribution.names(s.sql(), table.name()))
                .reduce((first, second) -> second);
    }

    private static boolean deletedFrom(CheckContext context, Table table) {
        return context.migrationStatements().stream()
                .anyMatch(s -> DELETE.matcher(Remedies.normalized(s.sql())).find()
                        && Attribution.names(s.sql(), table.name()));
    }

    static Map<String, Object> evidence(Object... pairs) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            evidence.put((String) pairs[i], pairs[i + 1]);
        }
        return evidence;
    }
}
