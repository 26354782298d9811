package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static dev.rehearsal.testing.RunnerProcesses.await;
import static dev.rehearsal.testing.RunnerProcesses.kill;
import static dev.rehearsal.testing.RunnerProcesses.killWhileWaitingOnTheTarget;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.RunnerProcesses;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A runner process killed with SIGKILL (no shutdown hook runs) at each phase: the target is never left inside a
 * half-applied migration, and the next run drops what the killed one left and completes. A migration that runs
 * outside a transaction ({@code CREATE INDEX CONCURRENTLY}) is killed on the target while the index is built, and
 * after it was built but before its history row was written: the next run drops the index and runs it again.
 */
class CrashIT {
    @Test
    void killedWhileBranching() throws Exception {
        String target = Shop.production("kill_branching");
        String before = POSTGRES.describe(target);
        // A transaction that commented on the target holds a lock that makes CREATE DATABASE ... TEMPLATE wait.
        try (Connection blocker = POSTGRES.openSession("postgres", "blocker");
             Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("COMMENT ON DATABASE " + target + " IS 'being audited'");
            Process runner = start(target, false, "safe");
            try {
                await("the copy to start", () -> !POSTGRES.query("postgres", "SELECT 1 FROM pg_stat_activity "
                        + "WHERE query LIKE 'CREATE DATABASE %TEMPLATE " + target + "%' AND wait_event_type = 'Lock'")
                        .isEmpty());
                kill(runner);
            } finally {
                blocker.rollback();
            }
        }
        assertThat(POSTGRES.describe(target)).isEqualTo(before);

        // The orphaned server session finishes the copy after its client died; the next run drops it.
        Outcome next = nextRun(target, "safe");

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(next.orphansDropped()).singleElement().asString().startsWith("rehearsal_" + target + "_");
        assertNoDatabaseLeftOf(target);
        assertThat(Shop.history(target)).extracting(row -> row.split("\\|")[1]).containsExactly("1", "2", "3", "4");
    }

    @Test
    void killedWhileMigratingTheBranch() throws Exception {
        killedWhileRunningOnTheBranch("kill_migrating", false, "slow", "%pg_sleep(120)%");
    }

    @Test
    void killedDuringTheChecks() throws Exception {
        killedWhileRunningOnTheBranch("kill_checks", true, "safe", "%pg_sleep(120)::text%");
    }

    /** Kills the runner while a statement like {@code running} runs on its branch; the next run reaps the branch. */
    private static void killedWhileRunningOnTheBranch(String stem, boolean slowCheck, String location, String running)
            throws Exception {
        String target = Shop.production(stem);
        String before = POSTGRES.describe(target);
        Process runner = start(target, slowCheck, location);
        await(running + " to run on the branch", () -> !POSTGRES.query("postgres", "SELECT 1 FROM pg_stat_activity "
                + "WHERE datname LIKE 'rehearsal\\_%' AND query LIKE ? AND state = 'active'", running).isEmpty());
        List<String> branches = POSTGRES.branchesOf(target);

        kill(runner);

        assertThat(branches).hasSize(1);
        assertThat(POSTGRES.branchesOf(target)).as("SIGKILL runs no shutdown hook").isEqualTo(branches);
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
        Outcome next = nextRun(target, "safe");
        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(next.orphansDropped()).isEqualTo(branches);
        assertNoDatabaseLeftOf(target);
    }

    @Test
    void killedDuringPromotionBetweenTwoMigrations() throws Exception {
        String target = Shop.production("kill_promoting");
        Process runner = start(target, false, "killpromotion");
        await("V4 to run on the target", () -> !POSTGRES.query("postgres", "SELECT 1 FROM pg_stat_activity "
                + "WHERE datname = ? AND query LIKE '%pg_sleep(4)%' AND state = 'active'", target).isEmpty());

        kill(runner);

        // V3 committed; V4 is not there, neither its column nor its history row — not now, not after its orphaned
        // server session ends.
        assertThat(versions(target)).containsExactly("1", "2", "3");
        assertThat(columnsOfCustomers(target)).contains("region").doesNotContain("segment");

        Outcome next = nextRun(target, "killpromotion");

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(next.migrations()).extracting(m -> m.id()).containsExactly("4");
        assertThat(versions(target)).containsExactly("1", "2", "3", "4");
        assertThat(columnsOfCustomers(target)).contains("region", "segment");
        assertNoDatabaseLeftOf(target);
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
        killedWhilePromotingTheIndex("kill_history", "LOCK TABLE flyway_schema_history IN SHARE MODE",
                "INSERT INTO %flyway_schema_history%", "t", "built before it was interrupted on the target");
    }

    /**
     * Kills the runner while the promotion of V3 ({@code CREATE INDEX CONCURRENTLY}) waits in a statement like
     * {@code waiting} for a lock the test takes with {@code lockStatement}; the index is left {@code valid} (t or f),
     * and the next run drops it for the reason {@code repaired} and completes.
     */
    private static void killedWhilePromotingTheIndex(String stem, String lockStatement, String waiting, String valid,
                                                     String repaired) throws Exception {
        String target = Shop.production(stem);
        Process runner = start(target, false, "concurrent");
        killWhileWaitingOnTheTarget(POSTGRES, runner, target, lockStatement, waiting);

        assertThat(versions(target)).containsExactly("1", "2");
        assertThat(namesIndex(target)).isEqualTo(valid);

        Outcome next = nextRun(target, "concurrent");

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(repairs(next)).singleElement().asString()
                .contains("dropped index public.customers_name_idx, which migration 3 (index names concurrently) "
                        + repaired);
        assertThat(versions(target)).containsExactly("1", "2", "3");
        assertThat(namesIndex(target)).isEqualTo("t");
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM pg_index WHERE NOT indisvalid")).containsExactly("0");
        assertThat(POSTGRES.query(target, "SELECT to_regclass('rehearsal_intent') IS NULL")).containsExactly("t");
        assertNoDatabaseLeftOf(target);
    }

    /** Validity of customers_name_idx, {@code t} or {@code f}. */
    private static String namesIndex(String target) {
        return POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_name_idx'::regclass").get(0);
    }

    private static List<String> repairs(Outcome outcome) {
        return outcome.findings().stream().filter(f -> f.kind().equals("interrupted-promotion"))
                .map(f -> f.message()).toList();
    }

    private static Process start(String target, boolean slowCheck, String location) throws Exception {
        return RunnerProcesses.start(RehearsalProcess.class, slowCheck ? List.of("-Drehearsal.test.slowCheck=true")
                : List.of(), POSTGRES.jdbcUrl(target), location);
    }

    private static Outcome nextRun(String target, String location) {
        return Rehearsal.configure().target(POSTGRES.jdbcUrl(target), "postgres", null)
                .engine(FlywayEngine.of(Shop.flyway(target, "db/base", "db/" + location))).load().run();
    }

    private static void assertNoDatabaseLeftOf(String target) {
        assertThat(POSTGRES.databasesStartingWith("rehearsal_" + target)).isEmpty();
    }

    private static List<String> versions(String target) {
        return POSTGRES.query(target, "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank");
    }

    private static List<String> columnsOfCustomers(String target) {
        return POSTGRES.query(target, "SELECT attname FROM pg_attribute WHERE attrelid = 'customers'::regclass "
                + "AND attnum > 0 AND NOT attisdropped");
    }
}
