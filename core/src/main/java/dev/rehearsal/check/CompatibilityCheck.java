package dev.rehearsal.check;

import static dev.rehearsal.check.DataLossCheck.evidence;

import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.CatalogSnapshot.View;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.catalog.Table.Column;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.RunningQueries.Plan.Relation;
import dev.rehearsal.check.RunningQueries.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds changes that the application's running version — still serving while the migration is applied, and until
 * every instance is replaced — may not survive: renamed or dropped tables, columns and views, changed column types,
 * and columns that became required without a default. A table renamed or dropped while a view takes over its name
 * is not reported, nor is a type change that only raises a length or precision limit (e.g. {@code varchar(100)} to
 * {@code varchar(200)}): readers and writers cannot tell.
 *
 * <p>These are guesses from the schema diff. Where the running version's queries were read
 * ({@link CheckContext#workload()}), a change none of them can see — no query reads or writes the table, or, for a
 * column, none that does names it or reads {@code *} — is information rather than a warning; one that breaks a query
 * is {@code broken-query}, with the query.
 */
final class CompatibilityCheck implements Check {
    private static final String EXPAND_CONTRACT = "expand, then contract: add the new shape beside the old one "
            + "(a new column or a view with the old name), release the application that uses the new one, and remove "
            + "the old shape in a later migration";
    private static final String MAY_STILL_USE = ": the running version of the application may still use it";

    @Override
    public List<Finding> evaluate(CheckContext context) {
        List<Finding> findings = new ArrayList<>();
        CatalogSnapshot before = context.before();
        CatalogSnapshot after = context.after();
        if (before == null || after == null) {
            return findings;
        }
        for (Table old : before.tables()) {
            Optional<Table> now = after.tableByOid(old.oid());
            boolean oldNameKept = keptAsView(after, old);
            if (now.isEmpty()) {
                if (!oldNameKept) {
                    findings.add(finding(context, old, null, "table " + old.qualifiedName() + " was dropped", old.name()));
                }
                continue;
            }
            Table table = now.get();
            if (!table.qualifiedName().equals(old.qualifiedName()) && !oldNameKept) {
                findings.add(finding(context, old, null, "table " + old.qualifiedName() + " was renamed to "
                        + table.qualifiedName(), table.name()));
            }
            for (Column column : old.columns()) {
                Optional<Column> current = table.columns().stream()
                        .filter(c -> c.position() == column.position()).findFirst();
                String name = old.qualifiedName(column.name());
                boolean replaced = current.isEmpty() && table.columns().stream()
                        .anyMatch(c -> c.name().equals(column.name()));
                if (replaced) {
                    findings.add(Attribution.changed(context, old.oid(), FindingKinds.BREAKING_CHANGE,
                            Severity.WARNING, "column " + name + " was replaced by another under its name (dropped, "
                                    + "and a new column renamed into its place): queries by name still resolve, but "
                                    + "the table's shape changed: SELECT * and INSERT without a column list see the "
                                    + "columns in another order, and statements prepared before fail once with "
                                    + "\"cached plan must not change result type\"", evidence("object", column.name()),
                            "name the columns in every query and INSERT; deploy when the application's prepared "
                                    + "statements can be re-prepared (a restart, or a pool that retries)",
                            column.name()));
                } else if (current.isEmpty()) {
                    findings.add(finding(context, old, column, "column " + name + " was dropped", column.name()));
                } else if (!current.get().name().equals(column.name())) {
                    findings.add(finding(context, old, column, "column " + name + " was renamed to "
                            + current.get().name(), current.get().name()));
                } else if (!current.get().type().equals(column.type())
                        && !TypeNarrowing.onlyWidens(column.type(), current.get().type())) {
                    findings.add(finding(context, old, column, "column " + name + " changed type from " + column.type()
                            + " to " + current.get().type(), column.name()));
                } else if (!column.notNull() && current.get().notNull() && current.get().defaultExpression() == null) {
                    findings.add(Attribution.changed(context, old.oid(), FindingKinds.BREAKING_CHANGE,
                            Severity.WARNING, "column " + name + " became NOT NULL without a default: inserts that "
                                    + "leave it out fail", evidence("column", name), Remedies.forNotNullColumn(null),
                            column.name()));
                }
            }
            for (Column column : table.columns()) {
                boolean added = old.columns().stream().noneMatch(c -> c.position() == column.position());
                if (added && column.notNull() && column.defaultExpression() == null && column.identity() == null
                        && column.generated() == null) {
                    findings.add(Attribution.changed(context, table.oid(), FindingKinds.BREAKING_CHANGE,
                            Severity.WARNING, "new column " + table.qualifiedName(column.name()) + " is NOT NULL "
                                    + "without a default: the running application's inserts will fail",
                            evidence("column", table.qualifiedName(column.name())),
                            Remedies.forNotNullColumn("add column not null"), column.name()));
                }
            }
        }
        for (View view : before.views()) {
            boolean kept = after.views().stream().anyMatch(v -> v.schema().equals(view.schema())
                    && v.name().equals(view.name()));
            if (!kept) {
                findings.add(Attribution.named(context, FindingKinds.BREAKING_CHANGE, Severity.WARNING,
                        (view.materialized() ? "materialized view " : "view ") + view.schema() + "." + view.name()
                                + " was dropped or renamed" + MAY_STILL_USE, evidence("object", view.name()),
                        EXPAND_CONTRACT, view.name()));
            }
        }
        return findings;
    }

    /**
     * True when a plain view now has the table's old name, as the expand/contract remedy suggests: the running
     * application's queries still resolve, and a simple view passes its writes through to the table.
     */
    private static boolean keptAsView(CatalogSnapshot after, Table old) {
        return after.views().stream().anyMatch(v -> !v.materialized() && v.schema().equals(old.schema())
                && v.name().equals(old.name()));
    }

    /**
     * A guess about {@code table} (or its {@code column}, when not null): a warning that the running version may still
     * use it — or, when the running version's queries were read and none uses it, information saying so.
     */
    private static Finding finding(CheckContext context, Table table, Column column, String message, String name) {
        Workload workload = context.workload();
        if (!workload.isEmpty() && unused(workload, table, column)) {
            return Attribution.changed(context, table.oid(), FindingKinds.BREAKING_CHANGE, Severity.INFO,
                    message + ": none of the " + workload.queries().size() + " queries the running version runs ("
                            + workload.queries().get(0).query().source() + ") uses it", evidence("object", name),
                    EXPAND_CONTRACT, name);
        }
        return Attribution.changed(context, table.oid(), FindingKinds.BREAKING_CHANGE, Severity.WARNING,
                message + MAY_STILL_USE, evidence("object", name), EXPAND_CONTRACT, name);
    }

    /**
     * True when no query of the running version reads or writes {@code table} — or, for a {@code column}, none that
     * does names the column or reads every column ({@code *}, which would see it go).
     */
    private static boolean unused(Workload workload, Table table, Column column) {
        Relation relation = new Relation(table.schema(), table.name());
        for (Workload.Planned planned : workload.queries()) {
            if (!planned.before().relations().contains(relation)) {
                continue;
            }
            if (column == null) {
                return false;
            }
            Set<String> names = SqlTrees.names(planned.query().sql());
            if (names == null || names.contains(column.name()) || SqlTrees.statements(planned.query().sql()).stream()
                    .anyMatch(statement -> statement.findParent("A_Star") != null)) {
                return false;
            }
        }
        return true;
    }
}
