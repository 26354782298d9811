package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
import static dev.rehearsal.liquibase.Shop.changeset;
import static dev.rehearsal.testing.RunnerProcesses.await;
import static dev.rehearsal.testing.RunnerProcesses.kill;
import static dev.rehearsal.testing.RunnerProcesses.killWhileWaitingOnTheTarget;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.RunnerProcesses;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A runner process promoting a Liquibase changelog, killed with SIGKILL on the target: inside a changeset, inside a
 * non-transactional changeset ({@code runInTransaction="false"}) while it builds its index concurrently, and after
 * that build but before its DATABASECHANGELOG row. Liquibase's lock (DATABASECHANGELOGLOCK) stays held after each of
 * these kills; the next run releases it, repairs the rest and completes, unattended.
 */
class LiquibaseCrashIT {
    private static final String CONCURRENT = "db/changelog/concurrent.xml";
    private static final String KILL_PROMOTION = "db/changelog/killpromotion.xml";

    @Test
    void killedInsideAChangesetLeavesLiquibasesLockWhichTheNextRunReleases() throws Exception {
        String target = Shop.production("lb_kill_changeset");
        Process runner = start(target, KILL_PROMOTION);
        await("add-segment to run on the target", () -> !POSTGRES.query("postgres", "SELECT 1 FROM pg_stat_activity "
                + "WHERE datname = ? AND query LIKE '%pg_sleep(4)%' AND state = 'active'", target).isEmpty());

        kill(runner);

        await("the killed runner's session to end", () -> POSTGRES.query("postgres", "SELECT 1 FROM pg_stat_activity "
                + "WHERE datname = ? AND application_name = 'rehearsal'", target).isEmpty());
        assertThat(Shop.historyIds(target)).containsExactly("create-customers", "seed-customers", "add-region");
        assertThat(Shop.lock(target)).startsWith("t|");

        Outcome next = nextRun(target, KILL_PROMOTION);

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(next.migrations()).extracting(m -> m.id()).containsExactly(changeset(KILL_PROMOTION,
                "add-segment"));
        assertThat(repairs(next)).singleElement().asString().startsWith("interrupted promotion: released "
                + "Liquibase's lock");
        assertThat(Shop.historyIds(target)).containsExactly("create-customers", "seed-customers", "add-region",
                "add-segment");
        assertCompleted(target);
    }

    @Test
    void killedInsideANonTransactionalChangesetWhileItBuildsItsIndex() throws Exception {
        killedWhilePromotingTheIndex("lb_kill_cic", "LOCK TABLE customers IN ROW EXCLUSIVE MODE",
                "CREATE INDEX CONCURRENTLY%", "f", "left INVALID when it was interrupted on the target");
    }

    @Test
    void killedAfterTheIndexWasBuiltBeforeItsHistoryRowWasWritten() throws Exception {
        killedWhilePromotingTheIndex("lb_kill_history", "LOCK TABLE databasechangelog IN SHARE MODE",
                "INSERT INTO %databasechangelog%", "t", "built before it was interrupted on the target");
    }

    /**
     * Kills the runner while the promotion of the changeset that builds customers_name_idx concurrently waits in a
     * statement like {@code waiting} for a lock the test takes with {@code lockStatement}; the index is left
     * {@code valid} (t or f), Liquibase's lock held, and the next run releases the lock, drops the index for the
     * reason {@code repaired} and completes.
     */
    private static void killedWhilePromotingTheIndex(String stem, String lockStatement, String waiting, String valid,
                                                     String repaired) throws Exception {
        String target = Shop.production(stem);
        Process runner = start(target, CONCURRENT);
        killWhileWaitingOnTheTarget(POSTGRES, runner, target, lockStatement, waiting);

        assertThat(Shop.historyIds(target)).containsExactly("create-customers", "seed-customers");
        assertThat(namesIndex(target)).isEqualTo(valid);
        assertThat(Shop.lock(target)).startsWith("t|");

        Outcome next = nextRun(target, CONCURRENT);

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(repairs(next)).hasSize(2).anySatisfy(repair -> assertThat(repair).startsWith("interrupted "
                + "promotion: released Liquibase's lock")).anySatisfy(repair -> assertThat(repair)
                .contains("dropped index public.customers_name_idx, which migration " + changeset(CONCURRENT,
                        "index-names-concurrently") + " (sql) " + repaired));
        assertThat(Shop.historyIds(target)).containsExactly("create-customers", "seed-customers",
                "index-names-concurrently");
        assertThat(namesIndex(target)).isEqualTo("t");
        assertCompleted(target);
    }

    private static void assertCompleted(String target) {
        assertThat(Shop.lock(target)).isEqualTo("f|<null>");
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM pg_index WHERE NOT indisvalid")).containsExactly("0");
        assertThat(POSTGRES.query(target, "SELECT to_regclass('rehearsal_intent') IS NULL")).containsExactly("t");
        assertThat(POSTGRES.databasesStartingWith("rehearsal_" + target)).isEmpty();
    }

    private static Process start(String target, String changelog) throws Exception {
        return RunnerProcesses.start(LiquibaseRehearsalProcess.class, List.of(), POSTGRES.jdbcUrl(target), changelog);
    }

    private static Outcome nextRun(String target, String changelog) {
        return Rehearsal.configure().target(POSTGRES.location(target)).engine(LiquibaseEngine.of(changelog)).load()
                .run();
    }

    /** Validity of customers_name_idx, {@code t} or {@code f}. */
    private static String namesIndex(String target) {
        return POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_name_idx'::regclass").get(0);
    }

    private static List<String> repairs(Outcome outcome) {
        return outcome.findings().stream().filter(f -> f.kind().equals("interrupted-promotion"))
                .map(Finding::message).toList();
    }
}
