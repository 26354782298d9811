package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
import static dev.rehearsal.liquibase.Shop.changeset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine.InterruptedApply;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;

/**
 * The user's changelog and Liquibase's own behaviour (its lock, contexts, labels, parameters, preconditions,
 * runOnChange) are honoured on the branch and on the target. What every engine does is the engine contract:
 * {@link LiquibaseEngineContractIT}.
 */
class LiquibaseEngineIT {
    private static final String SAFE = "db/changelog/safe.yaml";
    private static final String RISKS = "db/changelog/risks.yaml";

    private static Outcome run(String target, LiquibaseEngine engine) {
        return Rehearsal.configure().target(POSTGRES.location(target)).engine(engine).load().run();
    }

    @Test
    void namesTheLiquibaseThatRuns() {
        String expected = System.getProperty("rehearsal.test.liquibase");
        assumeThat(expected).as("set by the build for each Liquibase version the tests run on").isNotNull();

        assertThat(LiquibaseEngine.of(SAFE).name()).isEqualTo("Liquibase " + expected);
    }

    /** Planning reads only, as every engine's does (the engine contract); here, what Liquibase says of a changeset. */
    @Test
    void describesAPlannedChangesetInLiquibasesTerms() {
        String empty = POSTGRES.createDatabase("plan_empty");

        MigrationPlan plan = LiquibaseEngine.of(SAFE).plan(POSTGRES.dataSource(empty));

        assertThat(plan.migrations().get(2)).satisfies(m -> {
            assertThat(m.id()).isEqualTo(changeset(SAFE, "add-loyalty-points"));
            assertThat(m.version()).isEqualTo("add-loyalty-points");
            assertThat(m.script()).isEqualTo(SAFE);
            assertThat(m.type()).isEqualTo("addColumn");
            assertThat(m.description()).contains("addColumn");
            assertThat(m.checksum()).isNotNull();
        });
    }

    @Test
    void plansWithoutTakingOrWaitingForLiquibasesLock() {
        String target = Shop.production("plan_locked");
        Shop.leaveStaleLock(target);
        String before = POSTGRES.describe(target);
        long start = System.nanoTime();

        MigrationPlan plan = LiquibaseEngine.of(SAFE).plan(POSTGRES.dataSource(target));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("Liquibase waits 5 minutes for a held lock")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(plan.ids()).containsExactly(changeset(SAFE, "add-loyalty-points"), changeset(SAFE, "create-orders"));
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
        assertThat(Shop.lock(target)).isEqualTo("t|deploy-7f9c (10.0.0.9)");
    }

    @Test
    void releasesTheLockARunnerKilledWhilePromotingLeftButNoOtherLock() {
        String target = Shop.production("lock_left");
        LiquibaseEngine engine = LiquibaseEngine.of(SAFE);
        InterruptedApply killed = killedRunnerOf(engine);
        // as Liquibase took it in the runner that was killed afterwards
        POSTGRES.execute(target, "UPDATE databasechangeloglock SET locked = true, lockgranted = now(), lockedby = '"
                + engine.lockHolder() + "'");

        String released = engine.releaseLockLeftBy(POSTGRES.dataSource(target), killed);

        assertThat(released).contains("released Liquibase's lock in public.databasechangeloglock, held by "
                + engine.lockHolder(), "(pid 7 on ci-7) was killed");
        assertThat(Shop.lock(target)).isEqualTo("f|<null>");
        assertThat(engine.releaseLockLeftBy(POSTGRES.dataSource(target), killed)).as("not held").isNull();
    }

    @Test
    void leavesALockItCannotTellFromALiveLiquibasesAndSaysHowToReleaseIt() {
        String target = Shop.production("lock_alive");
        LiquibaseEngine engine = LiquibaseEngine.of(SAFE);
        InterruptedApply killed = killedRunnerOf(engine);
        Shop.leaveStaleLock(target);

        assertThatThrownBy(() -> engine.releaseLockLeftBy(POSTGRES.dataSource(target), killed))
                .isInstanceOfSatisfying(RehearsalException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.PROMOTION_FAILED))
                .hasMessageContaining("Liquibase's lock on the target (public.databasechangeloglock) is held by "
                        + "deploy-7f9c (10.0.0.9) since ")
                .hasMessageContaining("Nothing was changed")
                .hasMessageContaining("release it (liquibase release-locks does the same): UPDATE "
                        + "public.databasechangeloglock SET LOCKED = FALSE, LOCKEDBY = NULL, LOCKGRANTED = NULL "
                        + "WHERE ID = 1");
        assertThat(Shop.lock(target)).isEqualTo("t|deploy-7f9c (10.0.0.9)");

        // the killed runner's host, but granted before that runner started: a Liquibase of its own
        POSTGRES.execute(target, "UPDATE databasechangeloglock SET lockgranted = now() - interval '1 minute', "
                + "lockedby = '" + engine.lockHolder() + "'");
        assertThatThrownBy(() -> engine.releaseLockLeftBy(POSTGRES.dataSource(target), killed))
                .isInstanceOf(RehearsalException.class);
        assertThat(Shop.lock(target)).startsWith("t|");
    }

    /** A runner of {@code engine} on this host that started to promote a second ago and was killed. */
    private static InterruptedApply killedRunnerOf(LiquibaseEngine engine) {
        return new InterruptedApply(Instant.now().minusSeconds(1), engine.lockHolder(), ZoneId.systemDefault(),
                "pid 7 on ci-7");
    }

    /**
     * The engine applies exactly the plan: it refuses one that skips a pending changeset. Not yet part of the engine
     * contract: Flyway's engine, given V4 alone, applies V3 and V4.
     */
    @Test
    void stopsBeforeAChangesetThatWasNotRehearsed() {
        String target = Shop.production("unrehearsed");
        LiquibaseEngine engine = LiquibaseEngine.of(SAFE);
        MigrationPlan pending = engine.plan(POSTGRES.dataSource(target));
        String before = POSTGRES.describe(target);

        // a plan of the second changeset only: Liquibase would run the first one first
        ApplyResult result = engine.apply(POSTGRES.dataSource(target),
                MigrationPlan.of(List.of(pending.migrations().get(1))), MigrationObserver.NONE);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.applied()).isEmpty();
        assertThat(result.failure().message()).contains(changeset(SAFE, "add-loyalty-points"))
                .contains("not rehearsed");
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
    }

    @Test
    void honoursContextsLabelsAndChangelogParametersAsLiquibaseDoes() {
        String changelog = "db/changelog/filters.yaml";
        String target = Shop.production("filters");
        String reference = POSTGRES.createCopyOf(target);
        Map<String, String> parameters = Map.of("audit_table", "customer_audit", "default_note", "created by rehearsal");
        Shop.liquibaseUpdate(reference, changelog, "prod", "!experimental", parameters,
                new ClassLoaderResourceAccessor());
        LiquibaseEngine engine = LiquibaseEngine.configure().changelog(changelog).contexts("prod")
                .labels("!experimental").parameters(parameters).load();

        Outcome outcome = run(target, engine);

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).extracting(m -> m.id())
                .containsExactly(changeset(changelog, "create-audit-table"), changeset(changelog, "prod-region"));
        assertThat(POSTGRES.query(target, "SELECT column_default FROM information_schema.columns "
                + "WHERE table_name = 'customer_audit' AND column_name = 'note'"))
                .containsExactly("'created by rehearsal'::text");
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
        assertThat(Shop.describeWithoutHistoryTimes(target)).isEqualTo(Shop.describeWithoutHistoryTimes(reference));
    }

    @Test
    void keepsTheOnFailBehaviourOfPreconditions() {
        String changelog = "db/changelog/preconditions.xml";
        String target = Shop.production("preconditions");
        String reference = POSTGRES.createCopyOf(target);
        Shop.liquibaseUpdate(reference, changelog);
        LiquibaseEngine engine = LiquibaseEngine.of(changelog);

        Outcome outcome = run(target, engine);

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).extracting(m -> m.id(), m -> m.branch(), m -> m.target()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(changeset(changelog, "create-customers-unless-present"),
                        State.APPLIED, State.APPLIED),
                org.assertj.core.groups.Tuple.tuple(changeset(changelog, "drop-legacy-accounts-when-present"),
                        State.NOT_RUN, State.NOT_RUN),
                org.assertj.core.groups.Tuple.tuple(changeset(changelog, "vip-flag-despite-warning"),
                        State.APPLIED, State.APPLIED));
        assertThat(POSTGRES.query(target, "SELECT id, exectype FROM databasechangelog ORDER BY orderexecuted"))
                .containsExactly("create-customers|EXECUTED", "seed-customers|EXECUTED",
                        "create-customers-unless-present|MARK_RAN", "vip-flag-despite-warning|EXECUTED");
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
        assertThat(engine.plan(POSTGRES.dataSource(target)).ids()).as("CONTINUE leaves it pending")
                .containsExactly(changeset(changelog, "drop-legacy-accounts-when-present"));
    }

    @Test
    void failsOnTheBranchWhenAPreconditionHalts() {
        String changelog = "db/changelog/halt.xml";
        String target = Shop.production("halt");
        String before = POSTGRES.describe(target);

        Outcome outcome = run(target, LiquibaseEngine.of(changelog));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().migration()).isEqualTo(changeset(changelog, "require-every-email"));
        assertThat(outcome.failure().message()).contains("some customers have no email");
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
    }

    @Test
    void rerunsRunOnChangeAndRunAlwaysChangesetsAsLiquibaseDoes() {
        String changelog = "db/changelog/repeatable.xml";
        String target = Shop.production("repeatable");
        Shop.liquibaseUpdate(target, changelog, null, null, Map.of("name_pattern", "Customer 1%"),
                new ClassLoaderResourceAccessor());

        // the same changelog again: only the runAlways changeset is pending
        Outcome unchanged = run(target, LiquibaseEngine.configure().changelog(changelog)
                .parameter("name_pattern", "Customer 1%").load());
        // a parameter changes the view's definition, and so its checksum: the runOnChange changeset is pending too
        String reference = POSTGRES.createCopyOf(target);
        Shop.liquibaseUpdate(reference, changelog, null, null, Map.of("name_pattern", "Customer 2%"),
                new ClassLoaderResourceAccessor());
        Outcome changed = run(target, LiquibaseEngine.configure().changelog(changelog)
                .parameter("name_pattern", "Customer 2%").load());

        assertThat(unchanged.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(unchanged.migrations()).extracting(m -> m.id()).as("runAlways only")
                .containsExactly(changeset(changelog, "log-refresh"));
        assertThat(changed.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(changed.migrations()).extracting(m -> m.id()).as("the changed view, and runAlways")
                .containsExactly(changeset(changelog, "customer-names-view"), changeset(changelog, "log-refresh"));
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM customer_names")).containsExactly("1111");
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM refresh_log")).containsExactly("3");
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
    }

    @Test
    void rehearsesOnABranchDespiteALockCopiedFromTheTargetAndLeavesTheTargetsLockAlone() {
        String target = Shop.production("stalelock");
        Shop.leaveStaleLock(target);
        long start = System.nanoTime();

        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(target)).engine(LiquibaseEngine.of(SAFE))
                .load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("Liquibase waits 5 minutes for a held lock")
                .isLessThan(Duration.ofSeconds(60));
        assertThat(Shop.lock(target)).as("not Rehearsal's to release").isEqualTo("t|deploy-7f9c (10.0.0.9)");
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void givesTheSqlOfAPlannedChangesetWithoutAnyDatabase() {
        String empty = POSTGRES.createDatabase("sql_of");
        LiquibaseEngine engine = LiquibaseEngine.configure().changelog(RISKS).parameter("archive", "customers_2026")
                .load();
        MigrationPlan plan = engine.plan(POSTGRES.dataSource(empty));

        String sql = engine.sqlOf(plan.migrations().get(2));
        String tidy = engine.sqlOf(plan.migrations().get(3));

        assertThat(sql).isEqualTo("ALTER TABLE customers ALTER COLUMN email SET NOT NULL;");
        assertThat(tidy).as("the sqlFile's text, its parameter expanded, then the generated SQL, in order")
                .startsWith("CREATE TABLE customers_2026 AS SELECT * FROM customers;")
                .containsSubsequence("DROP COLUMN name", "ALTER COLUMN email TYPE VARCHAR(100)",
                        "CREATE INDEX customers_email_idx ON ")
                .as("a sql change for another dbms").doesNotContain("MOVE");
        assertThat(engine.sqlOf(new Migration("db/changelog/other.yaml::x::shop", "x", "x", "db/changelog/other.yaml",
                "sql", 1))).as("a changeset this engine did not plan").isNull();
    }

    @Test
    void listsWhatTheChangesetsAfterAFailingOneWouldDoAsTheirChangesShow() {
        String target = Shop.production("risks");

        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(target))
                .engine(LiquibaseEngine.configure().changelog(RISKS).parameter("archive", "customers_2026").load())
                .load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().migration()).isEqualTo(changeset(RISKS, "require-email"));
        assertThat(outcome.failure().sqlState()).isEqualTo("23502");
        assertThat(outcome.migrations()).extracting(MigrationStatus::branch).containsExactly(State.FAILED,
                State.NOT_RUN);
        assertThat(outcome.migrations().get(0).risks()).isEmpty();
        MigrationStatus tidy = outcome.migrations().get(1);
        assertThat(tidy.name()).isEqualTo(changeset(RISKS, "tidy-customers"));
        assertThat(tidy.risks()).extracting(Risk::kind).containsExactly("data-loss", "table-rewrite",
                "narrowing-type-change", "blocking-lock");
        assertThat(tidy.risks().get(0).message()).startsWith("would drop column name of table ");
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

}
