package dev.rehearsal.internal.pipeline;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchMetadata.RunnerIdentity;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.branch.TargetInUseException.SessionInfo;
import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.check.Check;
import dev.rehearsal.check.CheckContext;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.check.Policy;
import dev.rehearsal.check.ProductionSizes;
import dev.rehearsal.check.RunningQueries;
import dev.rehearsal.check.RunningQueries.Query;
import dev.rehearsal.check.RunningQueries.Workload;
import dev.rehearsal.check.StaticRisks;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.internal.Causes;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.BranchSummary;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Outcome.Promotion;
import dev.rehearsal.outcome.Outcome.Timings;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import dev.rehearsal.trace.ContentFingerprint;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One execution of a {@link dev.rehearsal.Rehearsal}: branch, migrate, check, discard, promote. Single-threaded, single-use. */
public final class Run {
    private static final Logger LOG = LoggerFactory.getLogger("dev.rehearsal.Rehearsal");

    /** How long a run waits for its own closed sessions on the target to end before copying it. */
    private static final Duration OWN_SESSIONS_WAIT = Duration.ofSeconds(10);
    /** SQLSTATEs of a session the server ended: admin shutdown, crash shutdown, cannot connect now, the timeouts. */
    private static final Set<String> SESSION_ENDED = Set.of("57P01", "57P02", "57P03", "57P05", "25P03", "25P04");

    private final Settings config;
    private final boolean promote;
    private final RunnerIdentity identity = RunnerIdentity.newRun();
    private final OwnSessions ownSessions = new OwnSessions();
    private RunnerLock turn;
    private final Instant startedAt = Instant.now();
    private final long start = System.nanoTime();
    private final Map<String, Migration> pending = new LinkedHashMap<>();
    private final Map<String, State> onBranch = new LinkedHashMap<>();
    private final Map<String, State> onTarget = new LinkedHashMap<>();
    private final List<Finding> findings = new ArrayList<>();
    private List<StatementTrace> statements = List.of();
    private List<String> appliedOnBranch = List.of();
    private List<SchemaChange> schemaChanges = List.of();
    private long catalogMillis;
    private BranchSummary branchSummary;
    private MigrationFailure failure;
    private long planMillis;
    private long branchMillis;
    private long migrateMillis;
    private long checkMillis;
    private long discardMillis;
    private long promoteMillis;
    private CatalogSnapshot branchBefore;
    private CatalogSnapshot branchAfter;
    private List<String> historyAtBranch = List.of();
    private List<String> orphansDropped = List.of();
    private InterruptedPromotions interrupted;
    private Map<String, List<BuiltIndex>> builtIndexes = Map.of();
    private Promotion promotion;
    private ProductionSizes production = ProductionSizes.none();
    private final List<Query> runningQueries = new ArrayList<>();
    private Workload workload = Workload.none();

    public Run(Settings config, boolean promote) {
        this.config = config;
        this.promote = promote;
    }

    /**
     * Drops the branches the settings' provider left behind on the target's server, holding the target's runner
     * turn (see {@link dev.rehearsal.Rehearsal#reapOrphans()}).
     */
    public static List<String> reapOrphans(Settings settings) {
        try (RunnerLock turn = RunnerLock.acquire(settings.target(), settings.lockDatabase(),
                settings.waitForOtherRunners())) {
            turn.verify("dropping orphan branches", "Nothing was changed");
            return settings.branchProvider().reapOrphans(settings.target(), Instant.now());
        }
    }

    /** Runs it: the outcome, or an exception when nothing could be rehearsed. */
    public Outcome execute() {
        // before anything is done: a report that cannot be written would otherwise show only after promotion
        if (config.report() != null) {
            Reports.requireWritable(config.report(), Setting.REPORT.spelled());
        }
        if (config.markdownReport() != null) {
            Reports.requireWritable(config.markdownReport(), Setting.MARKDOWN_REPORT.spelled());
        }
        if (config.htmlReport() != null) {
            Reports.requireWritable(config.htmlReport(), Setting.HTML_REPORT.spelled());
        }
        if (config.productionSizesFile() != null) {
            production = ProductionSizes.read(config.productionSizesFile()); // a malformed file: before anything
        }
        for (Path file : config.queries().files()) {
            runningQueries.addAll(RunningQueries.fromFile(file)); // likewise
        }
        try (RunnerLock held = RunnerLock.acquire(config.target(), config.lockDatabase(),
                config.waitForOtherRunners())) {
            turn = held;
            return executeInTurn();
        }
    }

    private Outcome executeInTurn() {
        LeakProofDataSource targetDataSource = new LeakProofDataSource(config.target().dataSource(
                Sql.APPLICATION_NAME), ownSessions);
        try {
            return executeInTurn(targetDataSource);
        } finally {
            int leaked = targetDataSource.closeLeftovers();
            if (leaked > 0) {
                LOG.debug("Closed {} connection(s) to the target that the migration tool left open", leaked);
            }
        }
    }

    private Outcome executeInTurn(LeakProofDataSource targetDataSource) {
        DatabaseLocation target = config.target();
        requireReachable(target);
        if (config.reapOrphans()) {
            turn.verify("dropping orphan branches", "Nothing was changed");
            orphansDropped = config.branchProvider().reapOrphans(target, Instant.now());
        }
        interrupted = InterruptedPromotions.inspect(targetDataSource, config.engine());
        if (promote) {
            reportRepairs(interrupted.repairTarget(targetDataSource, config.engine()));
        }

        long phase = System.nanoTime();
        MigrationPlan plan = config.engine().plan(targetDataSource);
        targetDataSource.closeLeftovers(); // a session left on the target would keep it from being copied
        planMillis = millisSince(phase);
        plan.migrations().forEach(m -> {
            pending.put(m.id(), m);
            onBranch.put(m.id(), State.NOT_RUN);
            onTarget.put(m.id(), State.NOT_RUN);
        });
        if (plan.isEmpty()) {
            LOG.info("Nothing pending on {}: no branch made", target);
            return finish(Verdict.NOTHING_PENDING);
        }
        LOG.info("Rehearsing {} pending migration(s) on a branch of {}", plan.size(), target);
        if (config.productionSource() != null) {
            production = ProductionSizes.read(config.productionSource()); // once, before the branch: nothing to undo
        }
        if (config.queries().statementStatistics()) {
            readStatementStatistics(targetDataSource);
        }

        Verdict verdict = rehearseOnBranch(target, plan);
        if (verdict == Verdict.FAILED_ON_BRANCH) {
            blameLostTurn();
        }
        if (verdict == Verdict.PASSED && promote) {
            verdict = promote(targetDataSource, plan);
        }
        return finish(verdict);
    }

    private Verdict rehearseOnBranch(DatabaseLocation target, MigrationPlan plan) {
        // PostgreSQL's parser loads while the branch is made, not while a migration holds its locks
        CompletableFuture<Void> parser = CompletableFuture.runAsync(OutsideBranch::prepare);
        long phase = System.nanoTime();
        Branch branch = branch(target);
        branchMillis = millisSince(phase);
        LOG.info("Branch {} created ({}, {} ms) for {}", branch.name(), branch.copyMethod(), branch.creationMillis(),
                identity);
        Thread dropOnShutdown = new Thread(branch::close, "rehearsal-drop-" + branch.name());
        Runtime.getRuntime().addShutdownHook(dropOnShutdown);
        Heartbeat heartbeat = Heartbeat.start(branch);
        Verdict verdict = null;
        Throwable primary = null;
        try {
            verdict = migrateAndCheck(branch, plan, parser);
            return verdict;
        } catch (RuntimeException | Error e) {
            primary = e;
            throw e;
        } finally {
            heartbeat.close();
            boolean failed = verdict == null || !verdict.isSuccess();
            discard(branch, failed, primary);
            removeHook(dropOnShutdown);
        }
    }

    /**
     * A branch of the target. When only this run's own closed sessions are in the way (their server processes end a
     * moment after the client closed them, see {@link OwnSessions}), it waits for exactly those to end and tries
     * again; they are never reported as someone else's, and someone else's session is reported at once. Nothing is
     * spent on this when the target is free, which is nearly always.
     */
    private Branch branch(DatabaseLocation target) {
        BranchRequest request = new BranchRequest(target, config.branchExpiry(), BranchRequest.RUNNER, identity);
        try {
            return config.branchProvider().create(request);
        } catch (TargetInUseException e) {
            requireOnlyOwnSessions(target, e);
            LOG.debug("Sessions this run closed on {} are still there: waiting for them to end", target.database());
            ownSessions.awaitEnded(target, config.lockDatabase(), target.database(), OWN_SESSIONS_WAIT);
        }
        try {
            return config.branchProvider().create(request);
        } catch (TargetInUseException e) {
            requireOnlyOwnSessions(target, e);
            throw new BranchException("Cannot branch database '" + target.database() + "': sessions that "
                    + "Rehearsal itself opened on it and closed are still there " + OWN_SESSIONS_WAIT.toSeconds()
                    + " s later (the server has not ended them yet). Run again", e);
        }
    }

    /** Rethrows {@code e}, without this run's own sessions, unless they are all it lists. */
    private void requireOnlyOwnSessions(DatabaseLocation target, TargetInUseException e) {
        List<SessionInfo> others = e.sessions().stream().filter(s -> !ownSessions.contains(s.pid())).toList();
        if (others.size() == e.sessions().size()) {
            throw e;
        }
        if (!others.isEmpty()) {
            throw new TargetInUseException(target.database(), others, null);
        }
    }

    /**
     * When a migration failed on the branch because the server ended its session — as it ends all sessions on
     * {@code pg_terminate_backend()} or at shutdown — and the run's turn was lost to the same cause, that cause is
     * the failure: the run fails with {@link ErrorCode#LOCKED} naming it rather than blaming the migration.
     */
    private void blameLostTurn() {
        String state = failure == null || failure.sqlState() == null ? "" : failure.sqlState();
        if (!SESSION_ENDED.contains(state) && !state.startsWith("08")) {
            return;
        }
        String cause = turn.lostBecause();
        if (cause != null) {
            String migration = failure.migration() == null ? "the migration" : "migration " + failure.migration();
            throw turn.lost("the end of its rehearsal", "Nothing was promoted: the target is unchanged and the "
                    + "branch was discarded", cause, "The server ended the session on the branch too ("
                    + failure.message() + " [SQLSTATE " + state + "]), which is why " + migration + " failed");
        }
    }

    private Verdict migrateAndCheck(Branch branch, MigrationPlan plan, CompletableFuture<Void> parser) {
        if (!promote) {
            // what the next promotion will find, without changing the target
            reportRepairs(interrupted.repairBranch(branch.dataSource()));
        }
        // The branch as made is the target as it was then: the freshness gate compares the target with it.
        historyAtBranch = config.engine().history(branch.dataSource());
        config.engine().prepareBranch(branch.dataSource());
        long phase = System.nanoTime();
        CatalogSnapshot before = snapshot(branch);
        branchBefore = before;
        KnownRelations known = knownRelations(branch);
        workload = planRunningQueries(branch);
        catalogMillis += millisSince(phase);
        awaitParser(parser);
        phase = System.nanoTime();
        ApplyResult result;
        List<ContentFingerprint> fingerprints;
        BranchGuard guard = new BranchGuard(branch.hasOwnServer());
        // what the migrations drop is hashed only from tables the catalog counts by a scan too
        long fingerprintLimit = config.dataFacts().mode() == DataFacts.Mode.EXACT
                ? config.dataFacts().exactLimitBytes() : 0;
        try (TracingDataSource traced = new TracingDataSource(branch.dataSource(), known, guard, fingerprintLimit);
             IndexBuildWatcher watcher = new IndexBuildWatcher(branch.dataSource(), traced)) {
            try {
                // a promotion records what each migration that runs outside a transaction leaves: watch it build
                result = config.engine().apply(traced, plan, promote ? watcher : traced);
            } finally {
                migrateMillis = millisSince(phase);
                statements = traced.statements();
                fingerprints = traced.fingerprints();
                builtIndexes = watcher.built();
            }
        }
        statements = withoutBookkeeping(statements, before);
        Results.record(onBranch, result);
        appliedOnBranch = result.applied().stream().map(Migration::id).toList();
        List<Finding> refused = beyondTheDatabase(guard, true);
        if (!refused.isEmpty()) {
            // Not policy's to lower: the statement never ran, so the migration was not rehearsed.
            findings.addAll(refused);
            return Verdict.BLOCKED;
        }
        if (!result.succeeded()) {
            failure = Results.failureOf("branch", result.failure(), statements);
            findings.addAll(config.policy().judge(List.of(Finding.ofFailedMigration(failure.migration(),
                    failure.statement(), failure.sqlState(), failure.message(), failure.detail())), statements));
            return Verdict.FAILED_ON_BRANCH;
        }
        phase = System.nanoTime();
        CatalogSnapshot after = snapshot(branch);
        branchAfter = after;
        schemaChanges = before.changesTo(after);
        catalogMillis += millisSince(phase);
        phase = System.nanoTime();
        CheckContext context = new CheckContext(branch.dataSource(), result.applied(), statements, before, after,
                schemaChanges, config.policy(), promote ? config.lockTimeout() : null, production, fingerprints,
                workload);
        logUnknownProductionTables(before);
        List<Finding> raw = new ArrayList<>(beyondTheDatabase(guard, false));
        for (Check check : config.checks()) {
            raw.addAll(evaluate(check, context));
        }
        findings.addAll(config.policy().judge(withoutGuessesProven(raw), statements));
        checkMillis = millisSince(phase);
        return findings.stream().anyMatch(Finding::isBlocking) ? Verdict.BLOCKED : Verdict.PASSED;
    }

    /**
     * The statements with the engine's own bookkeeping taken out of the migrations they ran within (see
     * {@link dev.rehearsal.engine.MigrationEngine#ownTables()}): a history row is not a statement of the migration.
     */
    private List<StatementTrace> withoutBookkeeping(List<StatementTrace> traced, CatalogSnapshot before) {
        Set<String> own = config.engine().ownTables();
        List<StatementTrace> statements = new ArrayList<>(traced.size());
        for (StatementTrace statement : traced) {
            boolean bookkeeping = statement.migration() != null
                    && (config.engine().isOwnStatement(statement.sql()) || !own.isEmpty()
                    && !statement.locks().isEmpty() && statement.locks().stream()
                    .allMatch(lock -> own.contains(tableName(lock, before))));
            statements.add(bookkeeping ? new StatementTrace(statement.sequence(), null, statement.sql(),
                    statement.startedAt(), statement.durationMicros(), statement.rowsAffected(),
                    statement.inTransaction(), statement.sqlState(), statement.error(), statement.locks(),
                    statement.scans(), statement.rewrites()) : statement);
        }
        return statements;
    }

    /** The name, without schema, of the table a lock is on (an index's table for a lock on an index). */
    private static String tableName(LockTrace lock, CatalogSnapshot before) {
        if (before != null) {
            Optional<String> known = before.tableByOid(lock.relationOid()).or(() ->
                    before.tableOfIndex(lock.relationOid())).map(Table::name);
            if (known.isPresent()) {
                return known.get();
            }
        }
        String relation = lock.relation();
        return relation.substring(relation.lastIndexOf('.') + 1).replace("\"", "");
    }

    /** Production's tables the branch does not have (dropped since, or another schema): left out, said at DEBUG. */
    private void logUnknownProductionTables(CatalogSnapshot before) {
        if (production.isEmpty() || !LOG.isDebugEnabled()) {
            return;
        }
        Set<String> branchTables = new HashSet<>();
        before.tables().forEach(table -> branchTables.add(table.qualifiedName()));
        production.tables().keySet().stream().filter(name -> !branchTables.contains(name)).sorted().forEach(name ->
                LOG.debug("Production size of {} ({}) left out: the branch has no table of that name", name,
                        production.source()));
    }

    private static void awaitParser(CompletableFuture<Void> parser) {
        try {
            parser.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * The statements that act beyond the branch database, as blocking findings: those the branch guard refused
     * ({@code refused}), or those it let run on a branch with a server of its own. {@code data-loss} for dropping the
     * target database itself, {@code outside-branch} for anything else.
     */
    private List<Finding> beyondTheDatabase(BranchGuard guard, boolean refused) {
        List<Finding> found = new ArrayList<>();
        for (StatementTrace statement : statements) {
            if (refused != BranchGuard.REFUSED.equals(statement.sqlState())) {
                continue;
            }
            for (OutsideBranch.Effect effect : guard.effectsOf(statement.sql())) {
                boolean dropsTarget = effect.action().equals("DROP DATABASE")
                        && config.target().database().equals(effect.object());
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("reach", effect.reach().description());
                evidence.put("action", effect.action());
                if (effect.object() != null) {
                    evidence.put("object", effect.object());
                }
                evidence.put("executed", !refused);
                String what = dropsTarget ? "drops the target database itself (" + effect.describe() + ")"
                        : effect.describe() + " acts on " + effect.reach().description();
                found.add(new Finding(dropsTarget ? FindingKinds.DATA_LOSS : FindingKinds.OUTSIDE_BRANCH,
                        Severity.BLOCKING, statement.migration(), statement.sql(), what + (refused
                        ? "; the branch shares that with the target (or other branches), so the statement was not "
                        + "run and the migration was not rehearsed"
                        : "; it ran on the branch's own server, and on promotion it acts on the target's"),
                        evidence, dropsTarget ? "never drop the database a migration runs in"
                        : "keep changes to databases, roles, tablespaces and the server out of the migrations: "
                        + "make them once, by hand or in provisioning, before the migrations that need them"));
            }
        }
        return found;
    }

    private CatalogSnapshot snapshot(Branch branch) {
        try (Connection connection = branch.dataSource().getConnection()) {
            return CatalogSnapshot.take(connection, config.dataFacts());
        } catch (SQLException e) {
            throw new BranchException("Cannot read the catalog of branch " + branch.name() + ": "
                    + Sql.describe(e), e);
        }
    }

    /**
     * The findings without the {@code breaking-change} guesses ("the running version may still use it") of a statement
     * that a {@code broken-query} shows did break a query the running version runs: the evidence says it, with the
     * query, and the guess would only say it again.
     */
    private static List<Finding> withoutGuessesProven(List<Finding> raw) {
        Set<List<String>> broke = new HashSet<>();
        raw.stream().filter(f -> f.kind().equals(FindingKinds.BROKEN_QUERY) && f.statement() != null)
                .forEach(f -> broke.add(Arrays.asList(f.migration(), f.statement())));
        return raw.stream().filter(f -> !f.kind().equals(FindingKinds.BREAKING_CHANGE)
                || !broke.contains(Arrays.asList(f.migration(), f.statement()))).toList();
    }

    /**
     * Reads the queries the running version runs from the target's {@code pg_stat_statements}, before the branch is
     * made (the session is closed again before the copy). When the extension is not there the check is skipped, said
     * at INFO with how to enable it; a target whose statistics cannot be read for another reason does not stop the
     * rehearsal either, said at WARN.
     */
    private void readStatementStatistics(DataSource target) {
        try (Connection connection = target.getConnection()) {
            RunningQueries.Read read = RunningQueries.fromStatementStatistics(connection);
            if (read.skipped() != null) {
                LOG.info("The running version's queries are not checked: {}", read.skipped());
            }
            if (read.hidden() > 0) {
                LOG.info("{} statement(s) of pg_stat_statements are other roles' and hidden from this one: GRANT "
                        + "pg_read_all_stats to it to check them too", read.hidden());
            }
            runningQueries.addAll(read.queries());
        } catch (SQLException e) {
            LOG.warn("The running version's queries are not checked: pg_stat_statements of {} could not be read: {}",
                    config.target().database(), Sql.describe(e));
        }
    }

    private Workload planRunningQueries(Branch branch) {
        if (runningQueries.isEmpty()) {
            return Workload.none();
        }
        try {
            return Workload.plan(branch.dataSource(), runningQueries);
        } catch (SQLException e) {
            throw new BranchException("Cannot plan the running version's queries on branch " + branch.name() + ": "
                    + Sql.describe(e), e);
        }
    }

    private static KnownRelations knownRelations(Branch branch) {
        try {
            return KnownRelations.read(branch.dataSource());
        } catch (SQLException e) {
            throw new BranchException("Cannot read the relations of branch " + branch.name() + ": "
                    + Sql.describe(e), e);
        }
    }

    private static List<Finding> evaluate(Check check, CheckContext context) {
        try {
            List<Finding> found = check.evaluate(context);
            return found == null ? List.of() : found;
        } catch (Exception e) {
            // An unverified migration must not be promoted: a broken check blocks.
            LOG.warn("Check '{}' failed to run", check.name(), e);
            return List.of(Finding.blocking(FindingKinds.CHECK_ERROR, "check '" + check.name() + "' could not run: " + e));
        }
    }

    private void discard(Branch branch, boolean failed, Throwable primary) {
        long phase = System.nanoTime();
        boolean keep = failed && config.keepFailedBranch() != null;
        try {
            if (keep) {
                branch.keepUntil(Instant.now().plus(config.keepFailedBranch()));
                LOG.warn("Branch {} KEPT for debugging until {}: {}", branch.name(), branch.metadata().expires(),
                        branch.location());
            }
            branch.close();
        } catch (RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            } else {
                throw e;
            }
        } finally {
            discardMillis = millisSince(phase);
            branchSummary = new BranchSummary(config.branchProvider().name(), branch.name(),
                    branch.location().redactedUrl(), branch.copyMethod(), branch.creationMillis(), branch.isKept(),
                    branch.metadata().expires());
        }
    }

    private Verdict promote(DataSource target, MigrationPlan rehearsed) {
        turn.verify("promoting", "Nothing was promoted: the target is unchanged and the branch was discarded");
        long phase = System.nanoTime();
        Promoter promoter = new Promoter(config, target, onTarget);
        try {
            return promoter.promote(new Promoter.Rehearsed(rehearsed, appliedOnBranch, branchBefore, historyAtBranch,
                    branchAfter, statements, builtIndexes));
        } finally {
            promoteMillis = millisSince(phase);
            findings.addAll(promoter.findings());
            failure = promoter.failure() != null ? promoter.failure() : failure;
            promotion = promoter.summary();
        }
    }

    private void reportRepairs(List<String> repairs) {
        for (String repair : repairs) {
            findings.add(new Finding(FindingKinds.INTERRUPTED_PROMOTION, Severity.WARNING, null, null,
                    "interrupted promotion: " + repair, Map.of(), null));
        }
    }


    private Outcome finish(Verdict verdict) {
        boolean failedOnBranch = onBranch.containsValue(State.FAILED);
        List<MigrationStatus> migrations = pending.values().stream()
                .map(m -> new MigrationStatus(m.id(), m.description(), m.script(), onBranch.get(m.id()),
                        onTarget.get(m.id()), failedOnBranch && onBranch.get(m.id()) == State.NOT_RUN
                        ? risksReadFrom(m) : List.of()))
                .toList();
        Outcome outcome = new Outcome(verdict, config.target().redactedUrl(), config.engine().name(), migrations,
                branchSummary, failure, findings, schemaChanges, statements, startedAt,
                new Timings(planMillis, branchMillis, catalogMillis, migrateMillis, checkMillis, discardMillis,
                        promoteMillis, millisSince(start)), promotion, orphansDropped);
        List<String> reportFailures = new ArrayList<>();
        if (config.report() != null) {
            write("JSON report", config.report(), () -> Reports.writeJson(outcome, config.report()), reportFailures);
        }
        if (config.markdownReport() != null) {
            write("Markdown report", config.markdownReport(), () -> Reports.writeMarkdown(outcome,
                    config.markdownReport()), reportFailures);
        }
        if (config.htmlReport() != null) {
            write("HTML report", config.htmlReport(), () -> Reports.writeHtml(outcome, config.htmlReport()),
                    reportFailures);
        }
        String summary = Reports.summary(outcome);
        if (verdict.isSuccess()) {
            LOG.info("{}", summary);
        } else if (verdict == Verdict.PROMOTION_FAILED || verdict == Verdict.DIVERGED) {
            LOG.error("{}", summary);
        } else {
            LOG.warn("{}", summary);
        }
        return reportFailures.isEmpty() ? outcome : outcome.withReportFailures(reportFailures);
    }

    /**
     * What a migration that did not run on the branch, because one before it failed there, would do as its text shows.
     * Only for the report: whatever goes wrong reading it (the engine, the parser) leaves its risks empty and changes
     * nothing else.
     */
    private List<Risk> risksReadFrom(Migration migration) {
        try {
            String sql = config.engine().sqlOf(migration);
            return sql == null ? List.of() : StaticRisks.of(migration.id(), sql).stream()
                    .map(risk -> new Risk(risk.kind(), risk.statement(), risk.message(), risk.remedy())).toList();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Could not read the risks of migration {} from its text", migration.id(), e);
            return List.of();
        }
    }

    /**
     * Writes one report. A report that cannot be written (the disk filled up, its directory went away) is logged
     * and noted on the outcome, never thrown: the verdict, and what was done to the target, must still reach the
     * caller.
     */
    private static void write(String report, Path file, Runnable writer, List<String> failures) {
        try {
            writer.run();
        } catch (RuntimeException e) {
            IOException cause = Causes.find(e, IOException.class);
            String failure = "The " + report + " was not written to " + file + ": "
                    + (cause != null ? cause.getMessage() : e.toString());
            LOG.error("{}", failure);
            LOG.debug("The {} could not be written", report, e);
            failures.add(failure);
        }
    }

    private void requireReachable(DatabaseLocation target) {
        try {
            ownSessions.add(Sql.connect(target, "the target database")).close();
        } catch (SQLException e) {
            throw new DatabaseException("Cannot use the target database " + target + ": " + Sql.describe(e), e);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run; close() is idempotent
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /**
     * Everything a run is told, checked and complete: the facade's builder makes one, the pipeline reads it and nothing
     * else. Immutable.
     *
     * @param checks the checks to run, built-in ones first
     * @param keepFailedBranch how long a failed rehearsal's branch is kept; null: dropped at once
     * @param report the JSON report's file; null: none
     * @param markdownReport the Markdown report's file; null: none
     * @param htmlReport the HTML report's file; null: none
     * @param lockDatabase the database holding the runner lock; null: the target's
     * @param statementTimeout promotion's statement_timeout; null: none
     * @param productionSizesFile the production sizes to judge by (a {@code rehearsal stats} file); null: none
     * @param productionSource a read-only connection to production to measure its sizes; null: none
     * @param queries where the running version's queries are read
     */
    public record Settings(DatabaseLocation target, MigrationEngine engine, BranchProvider branchProvider,
                          List<Check> checks, Policy policy, DataFacts dataFacts, Duration keepFailedBranch,
                          Duration branchExpiry, Path report, Path markdownReport, Path htmlReport,
                          Duration waitForOtherRunners,
                          String lockDatabase, Duration lockTimeout, int lockRetries, Duration retryBackoff,
                          Duration statementTimeout, boolean reapOrphans, Path productionSizesFile,
                          DatabaseLocation productionSource, RunningQueries.Sources queries) {
        public Settings {
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
            queries = queries == null ? RunningQueries.Sources.defaults() : queries;
        }
    }
}
