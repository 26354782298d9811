package dev.rehearsal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Rehearsal runners in JVMs of their own, for the tests that kill them with SIGKILL (no shutdown hook runs), as the
 * OOM killer or {@code kubectl delete --grace-period=0 --force} would; and the waits such tests need.
 */
public final class RunnerProcesses {
    /**
     * The options of a JVM that runs for seconds, not minutes: C2's compiling would cost more CPU than it saves, and
     * the CPU is what a build that starts many such JVMs runs short of.
     */
    public static final List<String> SHORT_RUN_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private RunnerProcesses() {
    }

    /** Starts {@code main} with this JVM's class path, the JVM options and the arguments; its output is dropped. */
    public static Process start(Class<?> main, List<String> jvmOptions, String... arguments) throws Exception {
        return new ProcessBuilder(javaCommand(main, jvmOptions, arguments)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The command that runs {@code main} with this JVM's class path, the JVM options and the arguments. */
    public static List<String> javaCommand(Class<?> main, List<String> jvmOptions, String... arguments) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        command.addAll(SHORT_RUN_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(arguments));
        return command;
    }

    /** SIGKILL, and waits for the process to be gone. */
    public static void kill(Process runner) throws InterruptedException {
        runner.destroyForcibly();
        assertThat(runner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.exitValue()).isEqualTo(137);
    }

    /** Waits up to {@link Await#PATIENCE} for the condition (see {@link Await}). */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
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
