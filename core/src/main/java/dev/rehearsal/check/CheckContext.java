package dev.rehearsal.check;

import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.trace.ContentFingerprint;
import dev.rehearsal.trace.StatementTrace;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The evidence a check works on, after the migrations were applied to the branch.
 *
 * @param branch     the migrated branch; checks may query it (and should not change it)
 * @param applied    the migrations applied on the branch, in order
 * @param statements every statement executed on the branch, in order, with its locks, scans and rewrites
 * @param before     the branch's catalog and data facts before the migrations (the target's, in effect)
 * @param after      the branch's catalog and data facts after the migrations
 * @param changes    the schema diff from {@code before} to {@code after}
 * @param policy     the thresholds in force
 * @param promotionLockTimeout the {@code lock_timeout} Rehearsal's own promotion of these migrations sets on the
 *                   target ({@link Duration#ZERO} when it sets none), or null when the run only rehearses: then
 *                   whoever deploys the migrations afterwards (a plain {@code flyway migrate}, say) sets what it sets
 * @param fingerprints what the migrations dropped, hashed just before each drop, in order (empty when not traced)
 */
public record CheckContext(DataSource branch, List<Migration> applied, List<StatementTrace> statements,
                           CatalogSnapshot before, CatalogSnapshot after, List<SchemaChange> changes,
                           Policy policy, Duration promotionLockTimeout, List<ContentFingerprint> fingerprints) {
    public CheckContext {
        Objects.requireNonNull(branch, "branch");
        applied = List.copyOf(applied);
        statements = List.copyOf(statements);
        changes = List.copyOf(changes);
        Objects.requireNonNull(policy, "policy");
        fingerprints = fingerprints == null ? List.of() : List.copyOf(fingerprints);
    }

    /** The evidence without fingerprints of what was dropped. */
    public CheckContext(DataSource branch, List<Migration> applied, List<StatementTrace> statements,
                        CatalogSnapshot before, CatalogSnapshot after, List<SchemaChange> changes, Policy policy,
                        Duration promotionLockTimeout) {
        this(branch, applied, statements, before, after, changes, policy, promotionLockTimeout, List.of());
    }

    /** The evidence of a run that only rehearses: someone else deploys the migrations. */
    public CheckContext(DataSource branch, List<Migration> applied, List<StatementTrace> statements,
                        CatalogSnapshot before, CatalogSnapshot after, List<SchemaChange> changes, Policy policy) {
        this(branch, applied, statements, before, after, changes, policy, null, List.of());
    }

    /** Rows of the table before the migrations, when known. */
    public Optional<Long> rowsBefore(long tableOid) {
        return before == null ? Optional.empty()
                : before.tableByOid(tableOid).map(table -> table.rowCount());
    }

    /** True when the table existed before the migrations with at least {@link Policy#minRows()} rows. */
    public boolean hadData(long tableOid) {
        return rowsBefore(tableOid).map(rows -> rows >= Math.max(1, policy.minRows())).orElse(false);
    }

    /** The statements of migrations (not of the engine's own bookkeeping). */
    public List<StatementTrace> migrationStatements() {
        return statements.stream().filter(s -> s.migration() != null).toList();
    }
}
