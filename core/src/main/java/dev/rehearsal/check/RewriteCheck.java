package dev.rehearsal.check;

import dev.rehearsal.catalog.Table;
import dev.rehearsal.trace.RelationRewrite;
import dev.rehearsal.trace.StatementTrace;
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
 */
public final class RewriteCheck implements Check {
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
                Long rows = tableOfIndex.isPresent() ? tableOfIndex.get().rowCount()
                        : context.rowsBefore(rewrite.relationOid()).orElse(null);
                boolean large = rows != null && rows >= context.policy().rowsUnderLock();
                boolean slow = statement.durationMicros() / 1000 >= context.policy().lockThreshold().toMillis();
                if (!large && !slow) {
                    continue;
                }
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("relation", rewrite.relation());
                evidence.put("kind", rewrite.kind());
                evidence.put("sizeBytes", rewrite.sizeBytes());
                tableOfIndex.ifPresent(table -> evidence.put("table", table.qualifiedName()));
                if (rows != null) {
                    evidence.put(tableOfIndex.isPresent() ? "tableRows" : "rows", rows);
                }
                evidence.put("statementMillis", statement.durationMicros() / 1000);
                String message = tableOfIndex.isPresent()
                        ? "index " + rewrite.relation() + " (" + Sizes.human(rewrite.sizeBytes()) + ") of "
                        + tableOfIndex.get().qualifiedName() + (rows == null ? "" : " (" + rows + " rows)")
                        + " was rebuilt under an ACCESS EXCLUSIVE lock: queries that use it and writes to the "
                        + "table wait"
                        : rewrite.kind() + " " + rewrite.relation() + " (" + Sizes.human(rewrite.sizeBytes())
                        + (rows == null ? "" : ", " + rows + " rows")
                        + ") was rewritten under an ACCESS EXCLUSIVE lock, blocking reads and writes";
                findings.add(new Finding(FindingKinds.TABLE_REWRITE, Severity.BLOCKING, statement.migration(),
                        statement.sql(), message, evidence, Remedies.forRewrite(statement.sql(), rewrite.kind())));
            }
        }
        return findings;
    }
}
