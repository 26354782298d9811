package dev.rehearsal.internal.pipeline;

import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.catalog.CatalogSnapshot.SchemaFingerprint;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.ApplyResult.EngineFailure;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Outcome.Promotion;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.trace.StatementTrace;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a run: the freshness gate, applying the rehearsed migrations to the target under a lock timeout
 * with bounded retries, and the verification that the target's schema came out as the branch's did.
 *
 * <p>When a kill during the promotion could leave something the next run must repair — a migration that runs
 * outside a transaction (the branch's trace shows which), or an engine whose lock outlives its process — the
 * promotion is recorded on the target first ({@link PromotionJournal}), and each such migration's intent right
 * before it starts. When the record cannot be written, nothing is applied if a migration runs outside a transaction;
 * if only the engine's lock is at stake, the promotion goes on without it, with a warning.
 */
final class Promoter {
    private static final Logger LOG = LoggerFactory.getLogger("dev.rehearsal.Rehearsal");
    /** SQLSTATE lock_not_available: {@code lock_timeout} expired. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    /**
     * What the branch told: the target's state when the branch was made, and the branch after the migrations, with
     * the statements that ran there and the indexes each migration built outside a transaction (null when unknown).
     */
    record Rehearsed(MigrationPlan plan, List<String> applied, CatalogSnapshot before, List<String> history,
                     CatalogSnapshot after, List<StatementTrace> statements, Map<String, List<BuiltIndex>> built) {
    }

    private final Run.Settings config;
    private final MigrationEngine engine;
    private final DataSource target;
    private final DataSource guarded;
    private final Map<String, State> onTarget;
    private final List<Finding> findings = new ArrayList<>();
    private final List<Promotion.Retry> retries = new ArrayList<>();
    private MigrationFailure failure;
    private int attempts;
    private boolean verified;
    private String fingerprint;
    private List<String> differences = List.of();

    Promoter(Run.Settings config, DataSource target, Map<String, State> onTarget) {
        this.config = config;
        this.engine = config.engine();
        this.target = target;
        this.guarded = new GuardedDataSource(target, config.lockTimeout(), config.statementTimeout());
        this.onTarget = onTarget;
    }

    List<Finding> findings() {
        return findings;
    }

    MigrationFailure failure() {
        return failure;
    }

    /** Null until promotion got past the freshness gate. */
    Promotion summary() {
        return attempts == 0 ? null : new Promotion(config.lockTimeout(), config.statementTimeout(), attempts, retries,
                verified, fingerprint, differences);
    }

    Verdict promote(Rehearsed rehearsed) {
        List<String> changes = FreshnessGate.changesSince(rehearsed, engine, target, this::snapshotOfTarget);
        if (!changes.isEmpty()) {
            findings.add(new Finding(FindingKinds.TARGET_CHANGED, Severity.BLOCKING, null, null,
                    "the target changed after the branch was made, so what was rehearsed is not what would be "
                            + "applied; nothing was promoted: " + String.join("; ", changes),
                    Map.of("changes", changes), "run again to rehearse the target as it is now"));
            LOG.warn("Target changed since the branch was made; not promoting: {}", changes);
            return Verdict.TARGET_CHANGED;
        }
        LOG.info("Rehearsal passed; applying {} migration(s) to the target (lock_timeout {} ms)",
                rehearsed.plan().size(), config.lockTimeout().toMillis());
        Map<String, MigrationIntent> intents = MigrationIntent.of(rehearsed.plan().migrations(),
                rehearsed.statements(), rehearsed.built());
        PromotionJournal journal = null;
        if (engine.lockHolder() != null || !intents.isEmpty()) {
            try {
                // the promotion's own row only where the engine leaves a lock behind; otherwise the record is made as
                // the first migration that needs it starts, once the engine has begun on the target
                journal = engine.lockHolder() != null
                        ? PromotionJournal.open(target, engine.name(), engine.lockHolder())
                        : PromotionJournal.onFirstRecord(target, engine.name());
            } catch (DatabaseException e) {
                if (!intents.isEmpty()) {
                    failure = new MigrationFailure("target", null, null, null, null, null, e.getMessage()
                            + ". Nothing was applied: without this record, a runner killed inside "
                            + intents.keySet() + " (which run outside a transaction) would leave the target half "
                            + "migrated for a person to repair", null, null);
                    LOG.debug("Promotion not started: {}", failure.summary());
                    return Verdict.PROMOTION_FAILED;
                }
                // only the engine's lock is at stake, as it is with the tool alone
                LOG.warn("{}. Promoting without it: if this runner is killed, {}'s lock on the target stays held",
                        e.getMessage(), engine.name());
            }
        }
        List<String> appliedOnTarget = new ArrayList<>();
        Verdict applied;
        try {
            applied = applyWithRetries(rehearsed, recording(journal, intents), appliedOnTarget);
        } finally {
            if (journal != null) {
                journal.close(appliedOnTarget);
            }
        }
        return applied == Verdict.PROMOTED ? verify(rehearsed) : applied;
    }

    /** Records each migration's intent before it starts, for those that have one. */
    private static MigrationObserver recording(PromotionJournal journal, Map<String, MigrationIntent> intents) {
        if (journal == null || intents.isEmpty()) {
            return MigrationObserver.NONE;
        }
        return new MigrationObserver() {
            @Override
            public void starting(Migration migration) {
                MigrationIntent intent = intents.get(migration.id());
                if (intent != null) {
                    journal.record(intent);
                }
            }

            @Override
            public void finished(Migration migration, boolean succeeded) {
            }
        };
    }

    /** Applies the plan, adding each migration the engine applied to {@code appliedOnTarget}. */
    private Verdict applyWithRetries(Rehearsed rehearsed, MigrationObserver observer, List<String> appliedOnTarget) {
        MigrationPlan remaining = rehearsed.plan();
        Backoff backoff = new Backoff(config.retryBackoff());
        while (true) {
            attempts++;
            ApplyResult result = engine.apply(guarded, remaining, observer);
            Results.record(onTarget, result);
            result.applied().forEach(migration -> appliedOnTarget.add(migration.id()));
            EngineFailure engineFailure = result.failure();
            if (engineFailure == null) {
                break;
            }
            MigrationPlan now = lockTimedOut(engineFailure) && attempts <= config.lockRetries()
                    ? retryable(rehearsed.plan(), appliedOnTarget) : null;
            if (now == null) {
                failure = Results.failureOf("target", engineFailure, List.of());
                if (lockTimedOut(engineFailure)) {
                    failure = new MigrationFailure(failure.database(), failure.migration(), failure.description(),
                            failure.statement(), failure.line(), failure.sqlState(), failure.message() + " (gave up "
                            + "after " + attempts + " attempt(s) with lock_timeout " + config.lockTimeout().toMillis()
                            + " ms; that migration was rolled back)", failure.detail(), failure.hint());
                }
                LOG.debug("Promotion failed: {}", failure.summary());
                return Verdict.PROMOTION_FAILED;
            }
            long wait = backoff.next();
            String id = engineFailure.migration() == null ? null : engineFailure.migration().id();
            retries.add(new Promotion.Retry(attempts, id, engineFailure.message(), wait));
            LOG.warn("Migration {} could not get its locks on the target within {} ms (attempt {} of {}); it was "
                    + "rolled back, retrying in {} ms", id, config.lockTimeout().toMillis(), attempts,
                    config.lockRetries() + 1, wait);
            Backoff.sleep(wait);
            remaining = now;
        }
        if (!appliedOnTarget.equals(rehearsed.applied())) {
            failure = new MigrationFailure("target", null, null, null, null, null, "the target applied "
                    + appliedOnTarget + " but the branch applied " + rehearsed.applied()
                    + ": the target differs from what was rehearsed", null, null);
            LOG.debug("Promotion differs from the rehearsal: {}", failure.summary());
            return Verdict.PROMOTION_FAILED;
        }
        return Verdict.PROMOTED;
    }

    /**
     * The migrations still to apply after an attempt gave way to a lock, or null when retrying is not safe: the
     * target must show exactly the rehearsed migrations not yet applied as pending — the one that timed out rolled
     * back without a trace (a non-transactional one that recorded a failure does not qualify).
     */
    private MigrationPlan retryable(MigrationPlan rehearsed, List<String> appliedOnTarget) {
        MigrationPlan now;
        try {
            now = engine.plan(target);
        } catch (RuntimeException e) {
            LOG.debug("Cannot re-read the pending migrations after a lock timeout", e);
            return null;
        }
        List<Migration> expected = rehearsed.migrations().stream()
                .filter(m -> !appliedOnTarget.contains(m.id())).toList();
        return now.migrations().equals(expected) ? now : null;
    }

    private Verdict verify(Rehearsed rehearsed) {
        SchemaFingerprint branch = SchemaFingerprint.of(rehearsed.after());
        SchemaFingerprint now = SchemaFingerprint.of(snapshotOfTarget());
        fingerprint = now.digest();
        List<String> found = new ArrayList<>();
        branch.missingFrom(now).forEach(line -> found.add("only on the branch: " + line));
        now.missingFrom(branch).forEach(line -> found.add("only on the target: " + line));
        differences = List.copyOf(found);
        if (found.isEmpty()) {
            verified = true;
            return Verdict.PROMOTED;
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("differences", found);
        evidence.put("targetFingerprint", fingerprint);
        evidence.put("branchFingerprint", branch.digest());
        findings.add(new Finding(FindingKinds.TARGET_DIFFERS, Severity.BLOCKING, null, null,
                "the migrations were applied, but the target's schema differs from the rehearsed branch's after the "
                        + "same migrations (" + found.size() + " difference(s)): " + String.join("; ", found),
                evidence, "find what else changes the target's schema (a migration that depends on the database "
                + "it runs in, another tool, a trigger on DDL) before trusting the next rehearsal"));
        LOG.error("TARGET DIFFERS FROM WHAT WAS REHEARSED after promotion: {}", found);
        return Verdict.DIVERGED;
    }

    /** The target's schema, without data facts; catalog reads give way to a lock like migrations do. */
    private CatalogSnapshot snapshotOfTarget() {
        Backoff backoff = new Backoff(config.retryBackoff());
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = target.getConnection()) {
                if (!config.lockTimeout().isZero()) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SET lock_timeout = '" + config.lockTimeout().toMillis() + "ms'");
                    }
                }
                return CatalogSnapshot.take(connection, DataFacts.none());
            } catch (SQLException e) {
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || attempt > config.lockRetries()) {
                    throw new DatabaseException("Cannot read the catalog of the target: " + Sql.describe(e), e);
                }
                long wait = backoff.next();
                LOG.warn("Reading the target's catalog waited for a lock longer than {} ms; retrying in {} ms",
                        config.lockTimeout().toMillis(), wait);
                Backoff.sleep(wait);
            }
        }
    }

    static boolean lockTimedOut(EngineFailure failure) {
        for (Throwable cause = failure.cause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
