package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Outcome;
import dev.rehearsal.Rehearsal;
import dev.rehearsal.Verdict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A runner process killed with SIGKILL (no shutdown hook runs) at each phase: the target is never left inside a
 * half-applied migration, and the next run drops what the killed one left and completes.
 */
class CrashIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

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

    private static Process start(String target, boolean slowCheck, String location) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        if (slowCheck) {
            command.add("-Drehearsal.test.slowCheck=true");
        }
        command.addAll(List.of(RehearsalProcess.class.getName(), POSTGRES.jdbcUrl(target), location));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** SIGKILL, as the OOM killer or {@code kubectl delete --grace-period=0 --force} would. */
    private static void kill(Process runner) throws InterruptedException {
        runner.destroyForcibly();
        assertThat(runner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.exitValue()).isEqualTo(137);
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

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
