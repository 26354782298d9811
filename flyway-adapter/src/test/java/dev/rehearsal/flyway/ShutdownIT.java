package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.testing.RunnerProcesses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM stopped (SIGTERM) in the middle of a rehearsal drops its branch on the way out. */
class ShutdownIT {

    @Test
    void dropsTheBranchWhenTheJvmIsStoppedWhileMigratingTheBranch() throws Exception {
        String target = Shop.production("sigterm");
        String before = POSTGRES.describe(target);
        Process process = RunnerProcesses.start(RehearsalProcess.class, List.of(), POSTGRES.jdbcUrl(target), "slow");
        try {
            List<String> branches = awaitBranch(target, Duration.ofSeconds(60));
            assertThat(branches).as("the rehearsal made its branch").hasSize(1);
            awaitMigrationRunning(branches.get(0), Duration.ofSeconds(30));

            process.destroy(); // SIGTERM: shutdown hooks run

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM exits").isTrue();
            assertThat(POSTGRES.branchesOf(target)).isEmpty();
            assertThat(POSTGRES.describe(target)).isEqualTo(before);
        } finally {
            process.destroyForcibly();
            POSTGRES.branchesOf(target).forEach(POSTGRES::dropDatabase);
        }
    }

    private static List<String> awaitBranch(String target, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<String> branches = POSTGRES.branchesOf(target);
        while (branches.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            branches = POSTGRES.branchesOf(target);
        }
        return branches;
    }

    private static void awaitMigrationRunning(String branch, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!POSTGRES.query("postgres", "SELECT 1 FROM pg_stat_activity WHERE datname = ? "
                    + "AND query LIKE '%pg_sleep(120)%' AND state = 'active'", branch).isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the slow migration never started on " + branch);
    }
}
