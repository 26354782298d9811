package dev.rehearsal.internal.pipeline;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.check.Check;
import dev.rehearsal.check.Policy;
import dev.rehearsal.engine.MigrationEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a run is told, checked and complete: the facade's builder makes one, the pipeline reads it and nothing
 * else. Immutable.
 *
 * @param checks the checks to run, built-in ones first
 * @param keepFailedBranch how long a failed rehearsal's branch is kept; null: dropped at once
 * @param report the JSON report's file; null: none
 * @param markdownReport the Markdown report's file; null: none
 * @param lockDatabase the database holding the runner lock; null: the target's
 * @param statementTimeout promotion's statement_timeout; null: none
 * @param productionSizesFile the production sizes to judge by (a {@code rehearsal stats} file); null: none
 * @param productionSource a read-only connection to production to measure its sizes; null: none
 */
public record RunSettings(DatabaseLocation target, MigrationEngine engine, BranchProvider branchProvider,
                          List<Check> checks, Policy policy, DataFacts dataFacts, Duration keepFailedBranch,
                          Duration branchExpiry, Path report, Path markdownReport, Duration waitForOtherRunners,
                          String lockDatabase, Duration lockTimeout, int lockRetries, Duration retryBackoff,
                          Duration statementTimeout, boolean reapOrphans, Path productionSizesFile,
                          DatabaseLocation productionSource) {
    public RunSettings {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(branchProvider, "branchProvider");
        checks = List.copyOf(checks);
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(dataFacts, "dataFacts");
        Objects.requireNonNull(branchExpiry, "branchExpiry");
        Objects.requireNonNull(waitForOtherRunners, "waitForOtherRunners");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
    }
}
