package dev.rehearsal.testing;

import static dev.rehearsal.testing.RunnerProcesses.await;
import static dev.rehearsal.testing.RunnerProcesses.kill;
import static dev.rehearsal.testing.RunnerProcesses.killWhileWaitingOnTheTarget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.check.Policy;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.RehearsalFailedException;
import dev.rehearsal.outcome.Verdict;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * What every {@link MigrationEngine} must do, and what a rehearsal with it must give, whatever the tool: plan without
 * changing anything, apply exactly the plan through the connections it is given, report a failure with the server's
 * words and the failing statement, keep its own bookkeeping out of the migrations' evidence, write the history the
 * tool alone would have written, and leave a target that the next run repairs after a runner was killed on it. Each
 * adapter runs it with a subclass ({@code FlywayEngineContractIT}, {@code LiquibaseEngineContractIT}) that writes the
 * same shop in its tool's own format and says how to read the tool's history; what only one tool has (its settings,
 * its lock table, its callbacks) is tested in the adapter.
 *
 * <p>The shop, as each adapter writes it: the <em>change sets</em> below, each a release the tool migrates as a
 * whole (the base's migrations, then the change set's own). {@link #BASE} makes {@code customers} with 10 000 rows of
 * flawed data (some without email, some emails that differ only by case).
 */
public abstract class EngineContract {
    protected static final TestPostgres POSTGRES = TestPostgres.shared();

    /** The base alone: nothing beyond it is pending on a {@linkplain #production production} database. */
    protected static final String BASE = "base";
    /** Adds {@code customers.loyalty_points} (integer, not null, default 0); creates {@code orders}, 3333 rows. */
    protected static final String SAFE = "safe";
    /** A unique index {@code customers_email_key} on {@code lower(email)}: fails on the data (23505). */
    protected static final String DUPLICATES = "duplicates";
    /** Adds {@code country}; sets {@code email} NOT NULL (fails on the data: 23502); indexes {@code country}. */
    protected static final String THREE = "three";
    /** {@code CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)}, outside a transaction. */
    protected static final String CONCURRENT = "concurrent";
    /** One migration that raises P0001 ({@code this migration refuses to run on <database>}) outside a branch. */
    protected static final String TARGET_ONLY = "targetonly";
    /** Adds {@code region}; then adds {@code segment} and sleeps 4 s, outside a branch only. */
    protected static final String KILL_PROMOTION = "killpromotion";
    /** A migration written in Java: {@code UPDATE customers SET email = lower(email) ...} in one statement. */
    protected static final String JAVA = "java";
    /**
     * A shop's history as released: customers with email, phone and price, orders with a status, reporting views;
     * 20 000 customers and 40 000 orders.
     */
    protected static final String HISTORY_RELEASED = "history-released";
    /**
     * The next release of that history: email renamed, price retyped to bigint, phone dropped (acknowledged: "CRM
     * import"), a function, order status required, invoices, cancelled orders purged, the views re-created.
     */
    protected static final String HISTORY_NEXT = "history-next";

    private Outcome lastOutcome;

    /** The engine for {@code changeSet} (see the constants), configured for {@code database} as a user would. */
    protected abstract MigrationEngine engine(String database, String changeSet);

    /** Migrates {@code database} to {@code changeSet} with the tool alone, no Rehearsal: the reference. */
    protected abstract void migrateWithTheToolAlone(String database, String changeSet);

    /** The ids the engine gives the migrations {@code changeSet} adds to the base (the base's own for BASE). */
    protected abstract List<String> ids(String changeSet);

    /** The tool's history table, as the catalog names it, e.g. {@code flyway_schema_history}. */
    protected abstract String historyTable();

    /** The tool's history, oldest first, without what records when and how long (which differs between copies). */
    protected abstract List<String> history(String database);

    /** The ids, as the engine gives them, of the migrations the tool's history records as applied, oldest first. */
    protected abstract List<String> applied(String database);

    /** Who holds the tool's lock on {@code database} (its lock row's holder, or a session's advisory lock), or null. */
    protected abstract String toolLock(String database);

    /** Starts a JVM that rehearses and promotes {@code changeSet} on {@code target} with this engine. */
    protected abstract Process startRunner(String target, String changeSet) throws Exception;

    /** Which migration of {@link #HISTORY_NEXT} each finding must name (see {@link AttributionCheck}). */
    protected abstract AttributionCheck historyAttribution();

    /** Text that only the tool's own statements contain, for {@link AttributionCheck#verify}. */
    protected abstract String[] ownStatements();

    /** The outcome of the test's last {@link #rehearsal}, for the assertions a subclass adds to a test. */
    protected final Outcome lastOutcome() {
        return lastOutcome;
    }

    /** A new database at {@link #BASE}, migrated by the tool alone, as production is before a release. */
    protected final String production(String stem) {
        String database = POSTGRES.createDatabase(stem);
        migrateWithTheToolAlone(database, BASE);
        return database;
    }

    protected final Rehearsal.Builder rehearsal(String target, String changeSet) {
        return Rehearsal.configure().target(POSTGRES.location(target)).engine(engine(target, changeSet));
    }

    protected final Outcome run(Rehearsal.Builder rehearsal) {
        lastOutcome = rehearsal.load().run();
        return lastOutcome;
    }

    private Outcome rehearse(Rehearsal.Builder rehearsal) {
        lastOutcome = rehearsal.load().rehearse();
        return lastOutcome;
    }

    private List<String> appliedAfterTheBase(String changeSet, int count) {
        return Stream.concat(ids(BASE).stream(), ids(changeSet).stream().limit(count)).toList();
    }

    /** The schema and contents, but for the digest of the history table (its times differ between two copies). */
    private String describeWithoutHistoryTimes(String database) {
        return POSTGRES.describe(database).lines().filter(line -> !line.startsWith("public." + historyTable() + "|"))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void plansWithoutCreatingTheToolsTablesOrChangingAnything() {
        String empty = POSTGRES.createDatabase("plan_empty");
        String before = POSTGRES.describe(empty);

        MigrationPlan plan = engine(empty, SAFE).plan(POSTGRES.dataSource(empty));

        assertThat(plan.ids()).containsExactlyElementsOf(appliedAfterTheBase(SAFE, 2));
        assertThat(plan.migrations()).allSatisfy(m -> assertThat(m.script()).isNotBlank());
        assertThat(plan.migrations().get(2).checksum()).isNotNull();
        assertThat(POSTGRES.describe(empty)).isEqualTo(before);
        assertThat(POSTGRES.query(empty, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                .containsExactly("0");
    }

    @Test
    void appliesNothingBeyondThePlanAndReleasesItsLock() {
        String target = production("cap");
        MigrationEngine engine = engine(target, SAFE);
        MigrationPlan pending = engine.plan(POSTGRES.dataSource(target));
        assertThat(pending.ids()).containsExactlyElementsOf(ids(SAFE));
        List<String> observed = new ArrayList<>();

        ApplyResult result = engine.apply(POSTGRES.dataSource(target),
                MigrationPlan.of(List.of(pending.migrations().get(0))), observing(observed));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.applied()).extracting(Migration::id).containsExactly(ids(SAFE).get(0));
        assertThat(observed).containsExactly("starting " + ids(SAFE).get(0), "finished " + ids(SAFE).get(0) + " true");
        assertThat(engine.plan(POSTGRES.dataSource(target)).ids()).containsExactly(ids(SAFE).get(1));
        assertThat(applied(target)).containsExactlyElementsOf(appliedAfterTheBase(SAFE, 1));
        assertThat(toolLock(target)).isNull();
    }

    @Test
    void usesOnlyConnectionsFromTheDataSourceItIsGiven() {
        String target = production("connections");
        List<Integer> backends = new ArrayList<>();
        DataSource given = recording(POSTGRES.dataSource(target), backends);
        MigrationEngine engine = engine(target, SAFE);
        int before = sessionsOpenedOn(target).size();

        MigrationPlan plan = engine.plan(given);
        ApplyResult result = engine.apply(given, plan, MigrationObserver.NONE);

        assertThat(result.succeeded()).isTrue();
        assertThat(backends).isNotEmpty();
        List<Integer> opened = awaitSessions(target, before + backends.size());
        assertThat(opened.subList(before, opened.size()))
                .as("the backends of every session opened on the database while the engine ran")
                .containsExactlyElementsOf(backends);
    }

    @Test
    void runsAMigrationOutsideATransactionWithoutHanging() {
        String target = production("concurrently");

        Outcome outcome = run(rehearsal(target, CONCURRENT));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_name_idx'::regclass")).containsExactly("t");
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.sql()).contains("CREATE INDEX CONCURRENTLY");
            assertThat(s.inTransaction()).isFalse();
            assertThat(s.migration()).isEqualTo(ids(CONCURRENT).get(0));
        });
        assertThat(toolLock(target)).isNull();
    }

    /** Protected: an adapter adds what its tool does around such a migration (its listeners, its script names). */
    @Test
    protected void rehearsesTracesAndPromotesAMigrationWrittenInJava() {
        String target = production("java");
        long upperCase = Long.parseLong(POSTGRES.query(target,
                "SELECT count(*) FROM customers WHERE email <> lower(email)").get(0));

        Outcome outcome = run(rehearsal(target, JAVA));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(ids(JAVA).get(0));
            assertThat(m.branch()).isEqualTo(State.APPLIED);
            assertThat(m.target()).isEqualTo(State.APPLIED);
        });
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo(ids(JAVA).get(0));
            assertThat(s.sql()).startsWith("UPDATE customers SET email = lower(email)");
            assertThat(s.rowsAffected()).isEqualTo(upperCase).isPositive();
        });
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM customers WHERE email <> lower(email)"))
                .containsExactly("0");
    }

    @Test
    void reportsAPromotionThatFailsOnTheTargetWithTheServersWordsAndReleasesItsLock() {
        String target = production("targetonly");
        String failing = ids(TARGET_ONLY).get(0);

        Outcome outcome = run(rehearsal(target, TARGET_ONLY));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTION_FAILED);
        assertThat(outcome.migrations()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(failing);
            assertThat(m.branch()).isEqualTo(State.APPLIED);
            assertThat(m.target()).isEqualTo(State.FAILED);
        });
        assertThat(outcome.failure().database()).isEqualTo("target");
        assertThat(outcome.failure().migration()).isEqualTo(failing);
        assertThat(outcome.failure().sqlState()).isEqualTo("P0001");
        assertThat(outcome.failure().message()).contains("refuses to run on " + target);
        assertThat(outcome.failure().statement()).as("the failed SQL").contains("RAISE EXCEPTION");
        assertThat(applied(target)).containsExactlyElementsOf(ids(BASE));
        assertThat(toolLock(target)).isNull();
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void promotesASafeChangeSetWithTheHistoryTheToolAloneWouldHaveWritten() {
        String target = production("promote");
        String reference = POSTGRES.createCopyOf(target);
        migrateWithTheToolAlone(reference, SAFE);

        Outcome outcome = run(rehearsal(target, SAFE));

        assertThat(outcome.verdict()).as(String.join("; ", outcome.reasons())).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.engine()).isEqualTo(engine(target, SAFE).name());
        assertThat(outcome.migrations()).extracting(MigrationStatus::id, MigrationStatus::branch,
                        MigrationStatus::target)
                .containsExactly(tuple(ids(SAFE).get(0), State.APPLIED, State.APPLIED),
                        tuple(ids(SAFE).get(1), State.APPLIED, State.APPLIED));
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM orders")).containsExactly("3333");
        assertThat(history(target)).hasSize(4).isEqualTo(history(reference));
        assertThat(describeWithoutHistoryTimes(target)).isEqualTo(describeWithoutHistoryTimes(reference));
        assertThat(toolLock(target)).as("the tool's lock, released").isNull();
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
        assertThat(outcome.branch().kept()).isFalse();
    }

    @Test
    void aMigrationBlockedByALongTransactionOnTheTargetIsRetriedAndRecordedOnce() throws Exception {
        String target = production("lock_retry");
        String reference = POSTGRES.createCopyOf(target);
        migrateWithTheToolAlone(reference, SAFE);
        AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>();

        Outcome outcome = run(rehearsal(target, SAFE).check(context -> {
            // after the branch was made, the application starts a long transaction reading customers
            released.set(HeldLock.hold(POSTGRES, target, "nightly-report", "SELECT count(*) FROM customers")
                    .releaseAfterBlocking(Duration.ofSeconds(1)));
            return List.of();
        }).lockTimeout(Duration.ofMillis(250)).retryBackoff(Duration.ofMillis(300)).lockRetries(20));

        released.get().get(10, TimeUnit.SECONDS);
        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.promotion().retries()).isNotEmpty().allSatisfy(retry -> {
            assertThat(retry.migration()).isEqualTo(ids(SAFE).get(0));
            assertThat(retry.message()).contains("lock timeout");
        });
        assertThat(outcome.promotion().verified()).isTrue();
        assertThat(history(target)).isEqualTo(history(reference));
        assertThat(toolLock(target)).as("the tool's lock, released").isNull();
    }

    @Test
    void blocksAMigrationThatFailsOnTheTargetsDataAndLeavesTheTargetUnchanged() {
        String target = production("duplicates");
        String failing = ids(DUPLICATES).get(0);
        String before = POSTGRES.describe(target);

        Outcome outcome = run(rehearsal(target, DUPLICATES));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().database()).isEqualTo("branch");
        assertThat(outcome.failure().migration()).isEqualTo(failing);
        assertThat(outcome.failure().sqlState()).isEqualTo("23505");
        assertThat(outcome.failure().statement()).contains("CREATE UNIQUE INDEX customers_email_key");
        assertThat(outcome.failure().message()).contains("could not create unique index");
        assertThat(outcome.failure().detail()).contains("is duplicated");
        assertThat(outcome.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("failed-on-data");
            assertThat(finding.migration()).isEqualTo(failing);
        });
        assertThat(outcome.migrations()).singleElement().satisfies(m -> {
            assertThat(m.branch()).isEqualTo(State.FAILED);
            assertThat(m.target()).isEqualTo(State.NOT_RUN);
        });
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
        assertThat(catchThrowable(outcome::orThrow)).isInstanceOf(RehearsalFailedException.class)
                .hasMessageContaining("23505").hasMessageContaining("migration " + failing);
    }

    @Test
    void letsNothingOfAThreeMigrationChangeSetReachTheTargetWhenTheSecondFails() {
        String target = production("three");
        String before = POSTGRES.describe(target);

        Outcome outcome = run(rehearsal(target, THREE));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.migrations()).extracting(MigrationStatus::id, MigrationStatus::branch,
                        MigrationStatus::target)
                .containsExactly(tuple(ids(THREE).get(0), State.APPLIED, State.NOT_RUN),
                        tuple(ids(THREE).get(1), State.FAILED, State.NOT_RUN),
                        tuple(ids(THREE).get(2), State.NOT_RUN, State.NOT_RUN));
        assertThat(outcome.failure().sqlState()).isEqualTo("23502");
        assertThat(outcome.failure().statement()).contains("SET NOT NULL");
        assertThat(POSTGRES.describe(target)).as("schema, data, history and lock").isEqualTo(before);
        assertThat(applied(target)).containsExactlyElementsOf(ids(BASE));
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void tracesEveryStatementOfTheRehearsalAndAttributesItToItsMigration() {
        String target = production("trace");

        Outcome outcome = rehearse(rehearsal(target, SAFE));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo(ids(SAFE).get(0));
            assertThat(s.sql()).containsPattern("ADD (COLUMN )?loyalty_points");
            assertThat(s.inTransaction()).isTrue();
        });
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo(ids(SAFE).get(1));
            assertThat(s.sql()).contains("INSERT INTO orders");
            assertThat(s.rowsAffected()).isEqualTo(3333L);
        });
        assertThat(outcome.statements()).as("each migration's own history row, in its transaction, recorded as the "
                        + "tool's bookkeeping rather than as the migration's statement")
                .filteredOn(s -> s.sql().toLowerCase(Locale.ROOT).startsWith("insert into")
                        && s.sql().toLowerCase(Locale.ROOT).contains(historyTable()))
                .hasSize(ids(SAFE).size())
                .allSatisfy(s -> {
                    assertThat(s.migration()).isNull();
                    assertThat(s.inTransaction()).isTrue();
                });
        assertThat(applied(target)).containsExactlyElementsOf(ids(BASE));
    }

    @Test
    void makesNoBranchWhenNothingIsPending() {
        String target = production("uptodate");
        String before = POSTGRES.describe(target);
        List<String> databasesBefore = POSTGRES.databasesOfThisProcess();

        Outcome outcome = run(rehearsal(target, BASE));

        assertThat(outcome.verdict()).isEqualTo(Verdict.NOTHING_PENDING);
        assertThat(outcome.branch()).isNull();
        assertThat(outcome.migrations()).isEmpty();
        assertThat(POSTGRES.databasesOfThisProcess()).isEqualTo(databasesBefore);
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
    }

    /**
     * Every finding of a realistic release names the migration that made its change — never the one that re-creates
     * the views over the same columns afterwards, nor the function whose body mentions them, nor the tool's own
     * statements.
     */
    @Test
    void namesTheMigrationThatMadeEachChange() {
        String target = POSTGRES.createDatabase("history");
        try {
            migrateWithTheToolAlone(target, HISTORY_RELEASED);

            Outcome outcome = rehearse(rehearsal(target, HISTORY_NEXT)
                    .policy(Policy.builder().rowsUnderLock(5_000).backfillRows(5_000).build()));

            assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
            historyAttribution().verify(outcome, ownStatements());
            // the acknowledgement applies where the column really was dropped
            assertThat(outcome.findings()).filteredOn(f -> f.kind().equals(FindingKinds.DATA_LOSS)
                            && f.message().contains("phone"))
                    .singleElement().satisfies(f -> assertThat(f.acknowledgement()).contains("CRM import"))
                    .extracting(Finding::isBlocking).isEqualTo(false);
        } finally {
            POSTGRES.dropDatabase(target);
        }
    }

    /**
     * A runner killed (SIGKILL) on the target inside the second migration of two: the first stays, nothing of the
     * second is there, not even after its orphaned server session ends; the tool's lock, when it outlives its session
     * (a lock row), is still held; the next run releases it and applies the second.
     */
    @Test
    void killedInsideAMigrationOnTheTargetTheNextRunReleasesTheToolsLockAndAppliesTheRest() throws Exception {
        String target = production("kill_promoting");
        Process runner = startRunner(target, KILL_PROMOTION);
        await(ids(KILL_PROMOTION).get(1) + " to run on the target", () -> !POSTGRES.query("postgres",
                "SELECT 1 FROM pg_stat_activity WHERE datname = ? AND query LIKE '%pg_sleep(4)%' AND state = 'active'",
                target).isEmpty());

        kill(runner);

        await("the killed runner's session to end", () -> POSTGRES.query("postgres", "SELECT 1 FROM pg_stat_activity "
                + "WHERE datname = ? AND application_name = 'rehearsal'", target).isEmpty());
        assertThat(applied(target)).containsExactlyElementsOf(appliedAfterTheBase(KILL_PROMOTION, 1));
        assertThat(columnsOfCustomers(target)).contains("region").doesNotContain("segment");
        MigrationEngine engine = engine(target, KILL_PROMOTION);
        boolean lockOutlivesItsSession = engine.lockHolder() != null;
        if (lockOutlivesItsSession) {
            assertThat(toolLock(target)).isNotNull();
        }

        Outcome next = run(rehearsal(target, KILL_PROMOTION));

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(next.migrations()).extracting(MigrationStatus::id).containsExactly(ids(KILL_PROMOTION).get(1));
        assertThat(repairs(next)).hasSize(lockOutlivesItsSession ? 1 : 0).allSatisfy(repair -> assertThat(repair)
                .startsWith("interrupted promotion: released " + toolName(engine) + "'s lock"));
        assertThat(applied(target)).containsExactlyElementsOf(appliedAfterTheBase(KILL_PROMOTION, 2));
        assertThat(columnsOfCustomers(target)).contains("region", "segment");
        assertCompleted(target);
    }

    @Test
    void killedInsideCreateIndexConcurrentlyOnTheTarget() throws Exception {
        // CREATE INDEX CONCURRENTLY waits for every transaction that writes the table to end; its server process ends
        // the build when it finds the runner gone
        killedWhilePromotingTheIndex("kill_cic", "LOCK TABLE customers IN ROW EXCLUSIVE MODE",
                "CREATE INDEX CONCURRENTLY%", "f", "left INVALID when it was interrupted on the target");
    }

    @Test
    void killedAfterTheIndexWasBuiltBeforeItsHistoryRowWasWritten() throws Exception {
        killedWhilePromotingTheIndex("kill_history", "LOCK TABLE " + historyTable() + " IN SHARE MODE",
                "INSERT INTO %" + historyTable() + "%", "t", "built before it was interrupted on the target");
    }

    /**
     * Kills the runner while the promotion of {@link #CONCURRENT} waits in a statement like {@code waiting} for a
     * lock the test takes with {@code lockStatement}; the index is left {@code valid} (t or f), the tool's lock held
     * when it outlives its session, and the next run releases the lock, drops the index for the reason
     * {@code repaired} and completes.
     */
    private void killedWhilePromotingTheIndex(String stem, String lockStatement, String waiting, String valid,
                                              String repaired) throws Exception {
        String target = production(stem);
        MigrationEngine engine = engine(target, CONCURRENT);
        Migration index = engine.plan(POSTGRES.dataSource(target)).migrations().get(0);
        boolean lockOutlivesItsSession = engine.lockHolder() != null;
        Process runner = startRunner(target, CONCURRENT);
        killWhileWaitingOnTheTarget(POSTGRES, runner, target, lockStatement, waiting);

        assertThat(applied(target)).containsExactlyElementsOf(ids(BASE));
        assertThat(namesIndex(target)).isEqualTo(valid);
        if (lockOutlivesItsSession) {
            assertThat(toolLock(target)).isNotNull();
        }

        Outcome next = run(rehearsal(target, CONCURRENT));

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        List<String> repairs = repairs(next);
        assertThat(repairs).hasSize(lockOutlivesItsSession ? 2 : 1).anySatisfy(repair -> assertThat(repair)
                .contains("dropped index public.customers_name_idx, which migration " + ids(CONCURRENT).get(0)
                        + " (" + index.description() + ") " + repaired));
        if (lockOutlivesItsSession) {
            assertThat(repairs).anySatisfy(repair -> assertThat(repair)
                    .startsWith("interrupted promotion: released " + toolName(engine) + "'s lock"));
        }
        assertThat(applied(target)).containsExactlyElementsOf(appliedAfterTheBase(CONCURRENT, 1));
        assertThat(namesIndex(target)).isEqualTo("t");
        assertCompleted(target);
    }

    private void assertCompleted(String target) {
        assertThat(toolLock(target)).isNull();
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM pg_index WHERE NOT indisvalid")).containsExactly("0");
        assertThat(POSTGRES.query(target, "SELECT to_regclass('rehearsal_intent') IS NULL")).containsExactly("t");
        assertThat(POSTGRES.databasesStartingWith("rehearsal_" + target)).isEmpty();
    }

    /** {@code Liquibase} of {@code Liquibase 4.33.0}. */
    private static String toolName(MigrationEngine engine) {
        return engine.name().split(" ")[0];
    }

    /** Validity of customers_name_idx, {@code t} or {@code f}. */
    private static String namesIndex(String target) {
        return POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_name_idx'::regclass").get(0);
    }

    private static List<String> columnsOfCustomers(String target) {
        return POSTGRES.query(target, "SELECT attname FROM pg_attribute WHERE attrelid = 'customers'::regclass "
                + "AND attnum > 0 AND NOT attisdropped");
    }

    private static List<String> repairs(Outcome outcome) {
        return outcome.findings().stream().filter(f -> f.kind().equals("interrupted-promotion"))
                .map(Finding::message).toList();
    }

    private static MigrationObserver observing(List<String> events) {
        return new MigrationObserver() {
            @Override
            public void starting(Migration migration) {
                events.add("starting " + migration.id());
            }

            @Override
            public void finished(Migration migration, boolean succeeded) {
                events.add("finished " + migration.id() + " " + succeeded);
            }
        };
    }

    /** The backend pids of the sessions opened on {@code database}, in order, from the server's log. */
    private static List<Integer> sessionsOpenedOn(String database) {
        String log = POSTGRES.query("postgres", "SELECT pg_read_file(pg_current_logfile())").get(0);
        String authorized = "LOG:  connection authorized: user=postgres database=" + database;
        return log.lines()
                .filter(line -> line.startsWith("@") && (line.endsWith(authorized) || line.contains(authorized + " ")))
                .map(line -> Integer.valueOf(line.substring(1, line.indexOf('@', 1))))
                .toList();
    }

    private static List<Integer> awaitSessions(String database, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sessionsOpenedOn(database).size() < atLeast && System.nanoTime() < deadline) {
            sleep(50);
        }
        sleep(300); // and any later ones
        return sessionsOpenedOn(database);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A DataSource handing out the connections of {@code delegate}, whose backend pids it adds to {@code backends}. */
    private static DataSource recording(DataSource delegate, List<Integer> backends) {
        return (DataSource) Proxy.newProxyInstance(EngineContract.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, arguments) -> {
                    Object result;
                    try {
                        result = method.invoke(delegate, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof Connection connection) {
                        backends.add(connection.unwrap(PGConnection.class).getBackendPID());
                    }
                    return result;
                });
    }
}
