package dev.rehearsal.internal.pipeline;

import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationPlan;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The benchmarks' way into the pipeline's package-private tracing: applies a plan to a branch traced as a run does
 * (evidence on, every statement also looked at by the branch guard). Lives in the pipeline's package, in the
 * benchmarks module, so that core keeps its tracing package-private.
 */
public final class TracedApply {
    private TracedApply() {
    }

    /** Applies {@code plan} to {@code branch}, traced; the statements are collected as a run collects them. */
    public static ApplyResult apply(MigrationEngine engine, DataSource branch, MigrationPlan plan) throws SQLException {
        KnownRelations known = KnownRelations.read(branch);
        try (TracingDataSource tracing = new TracingDataSource(branch, known, new BranchGuard(false))) {
            ApplyResult result = engine.apply(tracing, plan, tracing);
            tracing.statements();
            return result;
        }
    }
}
