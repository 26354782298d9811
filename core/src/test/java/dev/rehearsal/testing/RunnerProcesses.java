package dev.rehearsal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Rehearsal runners in JVMs of their own, for the tests that kill them with SIGKILL (no shutdown hook runs), as the
 * OOM killer or {@code kubectl delete --grace-period=0 --force} would; and the waits such tests need.
 */
public final class RunnerProcesses {
    /** How long a test waits for something a runner does before it gives up. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private RunnerProcesses() {
    }

    /** Starts {@code main} with this JVM's class path, the JVM options and the arguments; its output is dropped. */
    public static Process start(Class<?> main, List<String> jvmOptions, String... arguments) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** SIGKILL, and waits for the process to be gone. */
    public static void kill(Process runner) throws InterruptedException {
        runner.destroyForcibly();
        assertThat(runner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.exitValue()).isEqualTo(137);
    }

    /** Waits up to {@link #PATIENCE} for the condition, polling every 20 ms. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Kills {@code runner} while its promotion waits on {@code target} in a statement like {@code waiting} (a
     * {@code LIKE} pattern): once the runner has made its branch (a session on the target would keep it from being
     * copied), a session of the test takes a lock with {@code lockStatement} and keeps it until the runner's server
     * process, waiting for it, has noticed that the runner is gone and ended.
     */
    public static void killWhileWaitingOnTheTarget(TestPostgres postgres, Process runner, String target,
                                                   String lockStatement, String waiting) throws Exception {
        await("the branch of " + target, () -> !postgres.branchesOf(target).isEmpty());
        try (Connection blocker = postgres.openSession(target, "blocker");
             Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute(lockStatement);
            String running = "SELECT 1 FROM pg_stat_activity WHERE datname = ? AND application_name = 'rehearsal' "
                    + "AND query LIKE ?";
            await(waiting + " to wait on the target", () -> !postgres.query("postgres", running
                    + " AND wait_event_type = 'Lock'", target, waiting).isEmpty());
            kill(runner);
            await("the killed runner's session to end", () -> postgres.query("postgres", running, target, waiting)
                    .isEmpty());
            blocker.rollback();
        }
    }
}
