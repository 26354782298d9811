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
import dev.rehearsal.engine.InterruptedApply;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Verdict;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.database.Database;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** The user's changelog and Liquibase's own behaviour are honoured on the branch and on the target. */
class LiquibaseEngineIT {
    private static final String SAFE = "db/changelog/safe.yaml";

    private static Outcome run(String target, LiquibaseEngine engine) {
        return Rehearsal.configure().target(POSTGRES.location(target)).engine(engine).load().run();
    }

    @Test
    void namesTheLiquibaseThatRuns() {
        String expected = System.getProperty("rehearsal.test.liquibase");
        assumeThat(expected).as("set by the build for each Liquibase version the tests run on").isNotNull();

        assertThat(LiquibaseEngine.of(SAFE).name()).isEqualTo("Liquibase " + expected);
    }

    @Test
    void plansWithoutCreatingLiquibasesTablesOrChangingAnything() {
        String empty = POSTGRES.createDatabase("plan_empty");
        String before = POSTGRES.describe(empty);

        MigrationPlan plan = LiquibaseEngine.of(SAFE).plan(POSTGRES.dataSource(empty));

        assertThat(plan.ids()).containsExactly(changeset(Shop.BASE, "create-customers"),
                changeset(Shop.BASE, "seed-customers"), changeset(SAFE, "add-loyalty-points"),
                changeset(SAFE, "create-orders"));
        assertThat(plan.migrations().get(2)).satisfies(m -> {
            assertThat(m.version()).isEqualTo("add-loyalty-points");
            assertThat(m.script()).isEqualTo(SAFE);
            assertThat(m.type()).isEqualTo("addColumn");
            assertThat(m.description()).contains("addColumn");
            assertThat(m.checksum()).isNotNull();
        });
        assertThat(POSTGRES.describe(empty)).isEqualTo(before);
        assertThat(POSTGRES.query(empty, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                .containsExactly("0");
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

    @Test
    void appliesNothingBeyondThePlanAndReleasesItsLock() {
        String target = Shop.production("cap");
        LiquibaseEngine engine = LiquibaseEngine.of(SAFE);
        MigrationPlan pending = engine.plan(POSTGRES.dataSource(target));
        List<String> observed = new ArrayList<>();

        ApplyResult result = engine.apply(POSTGRES.dataSource(target),
                MigrationPlan.of(List.of(pending.migrations().get(0))), observing(observed));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.applied()).extracting(Migration::id).containsExactly(changeset(SAFE, "add-loyalty-points"));
        assertThat(observed).containsExactly("starting " + changeset(SAFE, "add-loyalty-points"),
                "finished " + changeset(SAFE, "add-loyalty-points") + " true");
        assertThat(engine.plan(POSTGRES.dataSource(target)).ids()).containsExactly(changeset(SAFE, "create-orders"));
        assertThat(Shop.lock(target)).isEqualTo("f|<null>");
    }

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
    void runsANonTransactionalChangesetOutsideATransactionWithoutHanging() {
        String target = Shop.production("concurrently");
        String changeset = changeset("db/changelog/concurrent.xml", "index-names-concurrently");

        Outcome outcome = run(target, LiquibaseEngine.of("db/changelog/concurrent.xml"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_name_idx'::regclass")).containsExactly("t");
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.sql()).contains("CREATE INDEX CONCURRENTLY");
            assertThat(s.inTransaction()).isFalse();
            assertThat(s.migration()).isEqualTo(changeset);
        });
        assertThat(Shop.lock(target)).isEqualTo("f|<null>");
    }

    @Test
    void honoursContextsLabelsAndChangelogParametersAsLiquibaseDoes() {
        String changelog = "db/changelog/filters.yaml";
        String target = Shop.production("filters");
        String reference = Shop.twin(target);
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
        String reference = Shop.twin(target);
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
        String reference = Shop.twin(target);
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
    void rehearsesTracesAndPromotesACustomJavaChange() {
        String changelog = "db/changelog/custom.xml";
        String target = Shop.production("custom");
        long upperCase = Long.parseLong(POSTGRES.query(target,
                "SELECT count(*) FROM customers WHERE email <> lower(email)").get(0));
        AtomicInteger ran = new AtomicInteger();
        LiquibaseEngine engine = LiquibaseEngine.configure().changelog(changelog)
                .listener(new AbstractChangeExecListener() {
                    @Override
                    public void ran(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database,
                                    ChangeSet.ExecType execType) {
                        ran.incrementAndGet();
                    }
                }).load();

        Outcome outcome = run(target, engine);

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).singleElement().satisfies(m -> assertThat(m.id())
                .isEqualTo(changeset(changelog, "normalise-emails")));
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo(changeset(changelog, "normalise-emails"));
            assertThat(s.sql()).startsWith("UPDATE customers SET email = lower(email)");
            assertThat(s.rowsAffected()).isEqualTo(upperCase).isPositive();
        });
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM customers WHERE email <> lower(email)"))
                .containsExactly("0");
        assertThat(ran).as("the user's listener, on the branch and on the target").hasValue(2);
    }

    @Test
    void usesOnlyConnectionsFromTheDataSourceItIsGiven() {
        String target = Shop.production("connections");
        List<Integer> backends = new ArrayList<>();
        DataSource given = recording(POSTGRES.dataSource(target), backends);
        LiquibaseEngine engine = LiquibaseEngine.of(SAFE);
        int before = sessionsOpenedOn(target).size();

        MigrationPlan plan = engine.plan(given);
        ApplyResult result = engine.apply(given, plan, MigrationObserver.NONE);

        assertThat(result.succeeded()).isTrue();
        assertThat(backends).isNotEmpty();
        List<Integer> opened = awaitSessions(target, before + backends.size());
        assertThat(opened.subList(before, opened.size()))
                .as("the backends of every session opened on the database while Liquibase ran")
                .containsExactlyElementsOf(backends);
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
        return (DataSource) Proxy.newProxyInstance(LiquibaseEngineIT.class.getClassLoader(),
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
