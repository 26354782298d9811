package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.check.Check;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.check.Policy;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.Promotion;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.HeldLock;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What happens between the rehearsal and the target: the freshness gate, the lock timeout with its retries, and the
 * verification of the target's schema afterwards. Other sessions act on the target from a check, which runs after
 * the branch was made and before promotion.
 */
class PromotionIT {
    private static final String ADD_NOTE = RehearsalIT.ADD_NOTE;
    private static final String HISTORY = "CREATE TABLE script_history (id text PRIMARY KEY)";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    @OnEveryMajor
    void aColumnAddedToTheTargetAfterTheBranchWasMadeStopsPromotionAndIsReported() {
        String target = databases.create("gate_schema", RehearsalIT.SHOP);
        Check someoneAltersTheTarget = context -> {
            postgres.execute(target, "ALTER TABLE customers ADD COLUMN loyalty int");
            return List.of();
        };

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE))
                .check(someoneAltersTheTarget).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.TARGET_CHANGED);
        assertThat(outcome.verdict().exitCode()).isEqualTo(7);
        assertThat(outcome.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("target-changed");
            assertThat(finding.isBlocking()).isTrue();
            assertThat(finding.message()).contains("nothing was promoted", "public.customers.loyalty");
            assertThat(finding.evidence().get("changes")).asInstanceOf(InstanceOfAssertFactories.LIST)
                    .singleElement().asString()
                    .startsWith("schema: column public.customers.loyalty");
        });
        assertThat(outcome.promotion()).isNull();
        assertThat(columns(target)).containsExactly("id", "email", "loyalty");
        assertThat(postgres.query(target, "SELECT to_regclass('script_history') IS NULL")).containsExactly("t");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void aHistoryEntryWrittenToTheTargetMeanwhileStopsPromotion() {
        String target = databases.create("gate_history", RehearsalIT.SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1", ADD_NOTE).migration("2", "SELECT 1");
        postgres.execute(target, HISTORY);
        Check someoneRecordsAHotfix = context -> {
            postgres.execute(target, "INSERT INTO script_history VALUES ('hotfix-7')");
            return List.of();
        };

        Outcome outcome = rehearsal(target, engine).check(someoneRecordsAHotfix).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.TARGET_CHANGED);
        assertThat(outcome.findings()).singleElement().satisfies(finding ->
                assertThat(finding.message()).contains("history entry added: hotfix-7"));
        assertThat(postgres.query(target, "SELECT id FROM script_history")).containsExactly("hotfix-7");
        assertThat(columns(target)).containsExactly("id", "email");
    }

    @Test
    @OnEveryMajor
    void aLockHeldOnTheTargetMakesPromotionRetryUntilItIsReleased() throws Exception {
        String target = databases.create("lock_retry", RehearsalIT.SHOP);
        CompletableFuture<Void> released = new CompletableFuture<>();
        Check aLongTransactionStarts = context -> {
            HeldLock.hold(postgres, target, "long-report", "SELECT count(*) FROM customers")
                    .releaseAfterBlocking(Duration.ofMillis(1500)).whenComplete((ok, e) -> complete(released, e));
            return List.of();
        };

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE).migration("2",
                "CREATE INDEX customers_note ON customers (note)"))
                .check(aLongTransactionStarts).lockTimeout(Duration.ofMillis(300)).retryBackoff(Duration.ofMillis(400))
                .lockRetries(20).load().run();

        released.get(10, TimeUnit.SECONDS);
        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        Promotion promotion = outcome.promotion();
        assertThat(promotion.attempts()).isGreaterThan(1).isEqualTo(promotion.retries().size() + 1);
        assertThat(promotion.retries()).allSatisfy(retry -> {
            assertThat(retry.migration()).isEqualTo("1");
            assertThat(retry.message()).contains("lock timeout");
            assertThat(retry.waitedMillis()).isBetween(200L, 30_000L);
        });
        assertThat(promotion.lockTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(promotion.verified()).isTrue();
        assertThat(columns(target)).containsExactly("id", "email", "note");
        assertThat(postgres.query(target, "SELECT id FROM script_history ORDER BY id")).containsExactly("1", "2");
        assertThat(outcome.migrations()).extracting(MigrationStatus::target)
                .containsOnly(MigrationStatus.State.APPLIED);
    }

    @Test
    void whenTheLockIsNeverReleasedPromotionGivesUpCleanlyWithTheTargetUntouched() {
        String target = databases.create("lock_give_up", RehearsalIT.SHOP);
        postgres.execute(target, HISTORY); // the engine's own table, which it would otherwise create
        String before = postgres.describe(target);
        AtomicReference<HeldLock> held = new AtomicReference<>();
        Check aTransactionThatNeverEnds = context -> {
            held.set(HeldLock.hold(postgres, target, "stuck-batch-job", "SELECT count(*) FROM customers"));
            return List.of();
        };

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE))
                .check(aTransactionThatNeverEnds).lockTimeout(Duration.ofMillis(200))
                .retryBackoff(Duration.ofMillis(100)).lockRetries(2).load().run();
        held.get().close();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTION_FAILED);
        assertThat(outcome.promotion().attempts()).isEqualTo(3);
        assertThat(outcome.promotion().retries()).hasSize(2);
        assertThat(outcome.promotion().verified()).isFalse();
        assertThat(outcome.failure().sqlState()).isEqualTo("55P03");
        assertThat(outcome.failure().message()).contains("gave up after 3 attempt(s)", "lock_timeout 200 ms");
        assertThat(outcome.migrations()).extracting(MigrationStatus::target)
                .containsExactly(MigrationStatus.State.FAILED);
        assertThat(postgres.describe(target)).isEqualTo(before);
    }

    @Test
    void createIndexConcurrentlyWaitsForLocksWithoutTheLockTimeout() throws Exception {
        String target = databases.create("cic_no_timeout", RehearsalIT.SHOP);
        CompletableFuture<Void> released = new CompletableFuture<>();
        Check aConflictingLockIsTaken = context -> {
            // SHARE conflicts with the SHARE UPDATE EXCLUSIVE lock CONCURRENTLY takes first
            HeldLock.hold(postgres, target, "vacuum-like", "LOCK TABLE customers IN SHARE MODE")
                    .releaseAfterBlocking(Duration.ofMillis(1000)).whenComplete((ok, e) -> complete(released, e));
            return List.of();
        };

        Outcome outcome = rehearsal(target, new ScriptEngine()
                .migration("1!", "CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email)"))
                .check(aConflictingLockIsTaken).lockTimeout(Duration.ofMillis(100)).lockRetries(0).load().run();

        released.get(10, TimeUnit.SECONDS);
        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.promotion().attempts()).isEqualTo(1);
        assertThat(outcome.timings().promoteMillis()).isGreaterThanOrEqualTo(1000);
        assertThat(postgres.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_email_idx'::regclass")).containsExactly("t");
    }

    @Test
    void aStatementTimeoutCancelsASlowMigrationOnTheTarget() {
        String target = databases.create("statement_timeout", RehearsalIT.SHOP);
        postgres.execute(target, HISTORY); // the engine's own table, which it would otherwise create
        String before = postgres.describe(target);
        // sleeps only outside the branch, so the rehearsal passes
        ScriptEngine engine = new ScriptEngine().migration("1", ADD_NOTE, "DO $$ BEGIN "
                + "IF current_database() NOT LIKE 'rehearsal\\_%' THEN PERFORM pg_sleep(5); END IF; END $$");

        Outcome outcome = rehearsal(target, engine).lockTimeout(Duration.ofMillis(200))
                .statementTimeout(Duration.ofMillis(700)).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTION_FAILED);
        assertThat(outcome.failure().sqlState()).isEqualTo("57014");
        assertThat(outcome.promotion().attempts()).isEqualTo(1);
        assertThat(outcome.promotion().statementTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(postgres.describe(target)).isEqualTo(before);
    }

    @Test
    void aTargetThatComesOutDifferentFromTheBranchIsReportedAsDiverged() {
        String target = databases.create("diverged", RehearsalIT.SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1", ADD_NOTE, "DO $$ BEGIN "
                + "IF current_database() NOT LIKE 'rehearsal\\_%' THEN "
                + "CREATE INDEX customers_note_only_here ON customers (note); END IF; END $$");

        Outcome outcome = rehearsal(target, engine).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.DIVERGED);
        assertThat(outcome.verdict().exitCode()).isEqualTo(8);
        assertThat(outcome.promotion().verified()).isFalse();
        assertThat(outcome.promotion().differences()).containsExactly("only on the target: index CREATE INDEX "
                + "customers_note_only_here ON public.customers USING btree (note)");
        assertThat(outcome.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("target-differs");
            assertThat(finding.message()).contains("customers_note_only_here");
        });
        assertThat(outcome.promotion().fingerprint()).hasSize(64);
        assertThat(outcome.migrations()).extracting(MigrationStatus::target)
                .containsExactly(MigrationStatus.State.APPLIED);
    }

    @Test
    void aVerifiedPromotionRecordsTheTargetsFingerprint() {
        String target = databases.create("verified", RehearsalIT.SHOP);

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE,
                "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                        + "customer int REFERENCES customers, total numeric(10,2) CHECK (total >= 0))")).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.promotion().verified()).isTrue();
        assertThat(outcome.promotion().differences()).isEmpty();
        assertThat(outcome.promotion().attempts()).isEqualTo(1);
        assertThat(outcome.promotion().retries()).isEmpty();
        assertThat(outcome.promotion().fingerprint()).hasSize(64);
    }

    private static void complete(CompletableFuture<Void> released, Throwable failure) {
        if (failure == null) {
            released.complete(null);
        } else {
            released.completeExceptionally(failure);
        }
    }

    private Rehearsal.Builder rehearsal(String target, ScriptEngine engine) {
        // about the pipeline: every ALTER here takes its lock without lock_timeout, which LockTimeoutCheckIT judges
        return Rehearsal.configure().target(postgres.location(target)).engine(engine)
                .policy(Policy.builder().ignore(FindingKinds.NO_LOCK_TIMEOUT).build());
    }

    private List<String> columns(String target) {
        return List.of(postgres.query(target, "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
                + "WHERE attrelid = 'customers'::regclass AND attnum > 0 AND NOT attisdropped").get(0).split(","));
    }
}
