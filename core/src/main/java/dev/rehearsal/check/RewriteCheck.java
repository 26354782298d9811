package dev.rehearsal.check;

import dev.rehearsal.catalog.Table;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.RelationRewrite;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds large tables and materialized views (at least {@link Policy#rowsUnderLock()} rows, or a rewrite that took
 * {@link Policy#lockThreshold()}) whose storage a statement rewrote (their {@code relfilenode} changed): a full copy
 * under an {@code ACCESS EXCLUSIVE} lock that blocks every read and write, e.g.
 * {@code ALTER COLUMN ... TYPE}, {@code ADD COLUMN} with a volatile default, {@code VACUUM FULL}, {@code CLUSTER}.
 * Indexes rebuilt on their own ({@code REINDEX} without {@code CONCURRENTLY}) are reported too, sized by their table;
 * the indexes a table rewrite rebuilds are part of that rewrite. {@code TRUNCATE} gives a table new, empty storage
 * without copying anything: not a rewrite (the data loss is {@link DataLossCheck}'s).
 *
 * <p>A rewrite of a table that existed before but is too small to judge (an empty development database) is reported
 * at {@link Severity#INFO} with what was measured: the pattern is there, production's size decides. Given production's
 * sizes ({@link CheckContext#production()}), a table production has many rows of is judged as large.
 */
final class RewriteCheck implements Check {
    private static final Pattern TRUNCATE = Pattern.compile("^\\s*truncate\\b");

    @Override
    public List<Finding> evaluate(CheckContext context) {
        List<Finding> findings = new ArrayList<>();
        for (StatementTrace statement : context.migrationStatements()) {
            if (TRUNCATE.matcher(Remedies.normalized(statement.sql())).find()) {
                continue;
            }
            Set<Long> tablesRewritten = statement.rewrites().stream().filter(r -> !r.kind().equals("index"))
                    .map(RelationRewrite::relationOid).collect(Collectors.toSet());
            for (RelationRewrite rewrite : statement.rewrites()) {
                Optional<Table> tableOfIndex = rewrite.kind().equals("index") && context.before() != null
                        ? context.before().tableOfIndex(rewrite.relationOid()) : Optional.empty();
                if (tableOfIndex.isPresent() && tablesRewritten.contains(tableOfIndex.get().oid())) {
                    continue;
                }
                Optional<Table> table = tableOfIndex.isPresent() ? tableOfIndex
                        : context.before() == null ? Optional.empty() : context.before().tableByOid(rewrite.relationOid());
                Long rows = table.map(context::rowsOf).orElse(null);
                Long measured = table.map(Table::rowCount).orElse(null);
                boolean large = rows != null && rows >= context.policy().rowsUnderLock();
                boolean slow = statement.durationMicros() / 1000 >= context.policy().lockThreshold().toMillis();
                if (!large && !slow && rows == null) {
                    continue; // made by the migrations: as empty in production as here
                }
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("relation", rewrite.relation());
                evidence.put("kind", rewrite.kind());
                evidence.put("sizeBytes", rewrite.sizeBytes());
                tableOfIndex.ifPresent(t -> evidence.put("table", t.qualifiedName()));
                if (measured != null) {
                    evidence.put(tableOfIndex.isPresent() ? "tableRows" : "rows", measured);
                }
                table.ifPresent(t -> evidence.putAll(context.productionEvidence(t)));
                evidence.put("statementMillis", statement.durationMicros() / 1000);
                // too small to judge: the rows are said once, with what they mean
                String sized = measured == null || !(large || slow) ? "" : measured + " rows";
                String message = tableOfIndex.isPresent()
                        ? "index " + rewrite.relation() + " (" + Sizes.human(rewrite.sizeBytes()) + ") of "
                        + tableOfIndex.get().qualifiedName() + (sized.isEmpty() ? "" : " (" + sized + ")")
                        + " was rebuilt under an ACCESS EXCLUSIVE lock: queries that use it and writes to the "
                        + "table wait"
                        : rewrite.kind() + " " + rewrite.relation() + " (" + Sizes.human(rewrite.sizeBytes())
                        + (sized.isEmpty() ? "" : ", " + sized)
                        + ") was rewritten under an ACCESS EXCLUSIVE lock" + (large || slow ? ", blocking reads and "
                        + "writes" : "");
                if (large || slow) {
                    message += table.map(context::judgedAtProductionSize).orElse("");
                } else {
                    // the pattern, on too little data to judge: production's size decides how long the copy takes
                    message += " in " + statement.durationMicros() / 1000 + " ms: " + Sizes.tooSmallToJudge(measured == null ? 0 : measured,
                            "block " + (tableOfIndex.isPresent() ? "writes" : "reads and writes") + " for the whole "
                            + "copy");
                }
                findings.add(new Finding(FindingKinds.TABLE_REWRITE, large || slow ? Severity.BLOCKING : Severity.INFO,
                        statement.migration(), statement.sql(), message, evidence,
                        Remedies.forRewrite(statement.sql(), rewrite.kind())));
            }
        }
        return findings;
    }
}
