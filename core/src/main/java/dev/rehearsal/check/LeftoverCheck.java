package dev.rehearsal.check;

import static dev.rehearsal.check.DataLossCheck.evidence;

import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.catalog.Table.Constraint;
import dev.rehearsal.catalog.Table.Index;
import dev.rehearsal.check.Finding.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds what the migrations leave half done: invalid indexes (a {@code CREATE INDEX CONCURRENTLY} that failed
 * leaves one behind, maintained on every write but never used) and constraints added {@code NOT VALID} and not
 * validated by the end of the run.
 */
final class LeftoverCheck implements Check {
    @Override
    public List<Finding> evaluate(CheckContext context) {
        List<Finding> findings = new ArrayList<>();
        CatalogSnapshot before = context.before();
        CatalogSnapshot after = context.after();
        if (after == null) {
            return findings;
        }
        for (Table table : after.tables()) {
            Optional<Table> old = before == null ? Optional.empty() : before.tableByOid(table.oid());
            for (Index index : table.indexes()) {
                boolean wasInvalid = before != null && before.indexByOid(index.oid()).map(i -> !i.valid()).orElse(false);
                if (!index.valid() && !wasInvalid) {
                    findings.add(Attribution.changed(context, table.oid(), FindingKinds.INVALID_INDEX,
                            Severity.BLOCKING,
                            "index " + index.name() + " on " + table.qualifiedName() + " is left INVALID: it slows "
                                    + "every write and serves no query", evidence("index", index.name(),
                                    "definition", index.definition()),
                            "DROP INDEX CONCURRENTLY " + index.name() + ", fix the cause, and create it again",
                            index.name()));
                }
            }
            for (Constraint constraint : table.constraints()) {
                boolean wasNotValid = old.flatMap(t -> t.constraints().stream()
                        .filter(c -> c.name().equals(constraint.name())).findFirst())
                        .map(c -> !c.validated()).orElse(false);
                if (!constraint.validated() && !wasNotValid) {
                    findings.add(Attribution.changed(context, table.oid(), FindingKinds.NOT_VALID_CONSTRAINT,
                            Severity.WARNING,
                            constraint.type() + " constraint " + constraint.name() + " on " + table.qualifiedName()
                                    + " is NOT VALID: existing rows are not checked", evidence("constraint",
                                    constraint.name(), "definition", constraint.definition()),
                            "ALTER TABLE " + table.qualifiedName() + " VALIDATE CONSTRAINT " + constraint.name()
                                    + " in a later migration (it does not block writes)", constraint.name()));
                }
            }
        }
        return findings;
    }
}
