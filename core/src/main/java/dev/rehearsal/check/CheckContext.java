package dev.rehearsal.check;

import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.catalog.Table.Column;
import dev.rehearsal.check.RunningQueries.Workload;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.trace.ContentFingerprint;
import dev.rehearsal.trace.StatementTrace;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param production the sizes of production's tables to judge by ({@link ProductionSizes#none()} when not given): a
 *                   table of the branch that production has by the same name counts as the larger of the two
 * @param fingerprints what the migrations dropped, hashed just before each drop, in order (empty when not traced)
 * @param workload   the running version's queries with their plans before the migrations ({@link Workload#none()}
 *                   when none were read)
 */
public record CheckContext(DataSource branch, List<Migration> applied, List<StatementTrace> statements,
                           CatalogSnapshot before, CatalogSnapshot after, List<SchemaChange> changes,
                           Policy policy, Duration promotionLockTimeout, ProductionSizes production,
                           List<ContentFingerprint> fingerprints, Workload workload) {
    public CheckContext {
        Objects.requireNonNull(branch, "branch");
        applied = List.copyOf(applied);
        statements = List.copyOf(statements);
        changes = List.copyOf(changes);
        Objects.requireNonNull(policy, "policy");
        production = production == null ? ProductionSizes.none() : production;
        fingerprints = fingerprints == null ? List.of() : List.copyOf(fingerprints);
        workload = workload == null ? Workload.none() : workload;
    }

    /** The evidence of a run without the running version's queries. */
    public CheckContext(DataSource branch, List<Migration> applied, List<StatementTrace> statements,
                        CatalogSnapshot before, CatalogSnapshot after, List<SchemaChange> changes,
                        Policy policy, Duration promotionLockTimeout, ProductionSizes production,
                        List<ContentFingerprint> fingerprints) {
        this(branch, applied, statements, before, after, changes, policy, promotionLockTimeout, production,
                fingerprints, Workload.none());
    }

    /** The evidence of a run judged by the branch's own sizes, without fingerprints of what was dropped. */
    public CheckContext(DataSource branch, List<Migration> applied, List<StatementTrace> statements,
                        CatalogSnapshot before, CatalogSnapshot after, List<SchemaChange> changes, Policy policy,
                        Duration promotionLockTimeout) {
        this(branch, applied, statements, before, after, changes, policy, promotionLockTimeout, null, List.of());
    }

    /** The evidence of a run that only rehearses: someone else deploys the migrations. */
    public CheckContext(DataSource branch, List<Migration> applied, List<StatementTrace> statements,
                        CatalogSnapshot before, CatalogSnapshot after, List<SchemaChange> changes, Policy policy) {
        this(branch, applied, statements, before, after, changes, policy, null, null, List.of());
    }

    /**
     * Rows of the table before the migrations, when known, as judged: the rows measured on the branch, or
     * production's when {@link #production()} knows the table by name and has more. Checks judge sizes through this
     * (and {@link #hadData}, {@link #rowsOf}, {@link #nonNullValuesBefore}), so that an empty development database
     * given production's sizes gives production's findings.
     */
    public Optional<Long> rowsBefore(long tableOid) {
        Optional<Table> table = tableBefore(tableOid);
        return table.isEmpty() ? Optional.empty() : Optional.ofNullable(rowsOf(table.get()));
    }

    /** Rows of the table before the migrations as measured on the branch, whatever production's size. */
    public Optional<Long> measuredRowsBefore(long tableOid) {
        return tableBefore(tableOid).map(Table::rowCount);
    }

    /**
     * Rows of a table of either snapshot as judged: its row count, or production's for a table of that name when
     * larger; null when neither is known.
     */
    public Long rowsOf(Table table) {
        Long measured = table.rowCount();
        Optional<ProductionSizes.TableSize> size = production.table(table.qualifiedName());
        if (size.isEmpty()) {
            return measured;
        }
        return measured == null ? size.get().rows() : Math.max(measured, size.get().rows());
    }

    /**
     * Values (non-NULL) a column of a table held before the migrations, as judged: measured on the branch, or
     * production's estimate (its rows times the share of non-NULLs its statistics give) when larger. 0 when unknown.
     */
    public long nonNullValuesBefore(Table table, Column column) {
        long measured = column.nonNullCount() == null ? 0 : column.nonNullCount();
        return production.table(table.qualifiedName()).flatMap(size -> size.nonNullValues(column.name()))
                .map(estimate -> Math.max(estimate, measured)).orElse(measured);
    }

    /**
     * The production size behind a judgement, for a finding's evidence: {@code productionRows} and
     * {@code productionSizes} (the source) when production knows the table, nothing otherwise. The check's own row
     * field says what was measured on the branch.
     */
    public Map<String, Object> productionEvidence(Table table) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        production.table(table.qualifiedName()).ifPresent(size -> {
            evidence.put("productionRows", size.rows());
            evidence.put("productionSizes", production.source());
        });
        return evidence;
    }

    /** {@link #productionEvidence(Table)} of a table of the catalog before the migrations. */
    public Map<String, Object> productionEvidence(long tableOid) {
        return tableBefore(tableOid).map(this::productionEvidence).orElseGet(LinkedHashMap::new);
    }

    /**
     * For a finding's message: {@code " — judged at production size (2000000 rows, from production-stats.json)"}
     * when production's rows are more than the branch's, and so decided; empty otherwise.
     */
    public String judgedAtProductionSize(Table table) {
        Optional<ProductionSizes.TableSize> size = production.table(table.qualifiedName());
        long measured = table.rowCount() == null ? 0 : table.rowCount();
        return size.isEmpty() || size.get().rows() <= measured ? ""
                : " — judged at production size (" + size.get().rows() + " rows, from " + production.source() + ")";
    }

    /** {@link #judgedAtProductionSize(Table)} of a table of the catalog before the migrations. */
    public String judgedAtProductionSize(long tableOid) {
        return tableBefore(tableOid).map(this::judgedAtProductionSize).orElse("");
    }

    private Optional<Table> tableBefore(long tableOid) {
        return before == null ? Optional.empty() : before.tableByOid(tableOid);
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
