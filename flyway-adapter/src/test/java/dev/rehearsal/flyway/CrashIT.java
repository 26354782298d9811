package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static dev.rehearsal.testing.RunnerProcesses.await;
import static dev.rehearsal.testing.RunnerProcesses.kill;
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
 * A runner process killed with SIGKILL (no shutdown hook runs) before it promotes — while branching, while migrating
 * the branch, during the checks: the target is left as it was, and the next run drops what the killed one left and
 * completes. The kills on the target (inside a migration, inside {@code CREATE INDEX CONCURRENTLY}, before a history
 * row) depend on the engine and are part of its contract: {@link FlywayEngineContractIT}.
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
}
