package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.Await;
import dev.rehearsal.testing.RunnerProcesses;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner killed with SIGKILL (no shutdown hook runs) while it restores a snapshot copy: its pg_restore and the
 * workers it forked die with it within seconds; its dump — the source's data — is left on disk by the kill, removed
 * by the next run or by {@code reapOrphans()}, and never while its runner lives.
 *
 * <p>The restore is made slow on purpose: a CHECK constraint of the copied table sleeps for every row in sessions
 * where {@code rehearsal_test.pause} is on, which the runner's client programs get through {@code PGOPTIONS}.
 */
class SnapshotCopyCrashIT {
    private static final Duration PATIENCE = Await.PATIENCE;
    /** What the killed programs get to die in: the watchdog needs milliseconds. */
    private static final Duration SECONDS = Duration.ofSeconds(5);

    @RegisterExtension
    final TestDatabases on15 = new TestDatabases(TestPostgres.postgres15());
    private final TestPostgres postgres = on15.postgres();
    @TempDir
    Path work;
    @TempDir
    Path logs;

    @Test
    void aKilledRunnersClientProgramsDieWithItAndTheNextRunRemovesItsDumpAndCompletes() throws Exception {
        String shop = slowToRestore("killed");
        String prefix = "it_killed_";
        Process runner = start(shop, prefix);
        try {
            await("the restore into the branch", () -> restoring(prefix));
            assertThat(clientPrograms()).as("pg_restore and its workers").hasSizeGreaterThanOrEqualTo(2);

            kill(runner);
        } finally {
            runner.destroyForcibly();
        }
        long killed = System.nanoTime();
        await("the killed runner's client programs to die", SECONDS, () -> clientPrograms().isEmpty());
        System.out.printf("The killed runner's pg_restore and its workers were gone %d ms after the runner%n",
                (System.nanoTime() - killed) / 1_000_000);

        Path dump = dumpDirectory();
        assertThat(dump.resolve("dump").resolve("toc.dat")).as("the killed runner's dump").isRegularFile();

        Outcome next = Rehearsal.configure().target(postgres.location(shop))
                .branchProvider(SnapshotCopyRunnerProcess.provider(work, prefix))
                .engine(SnapshotCopyRunnerProcess.engine()).load().rehearse();

        assertThat(next.verdict()).as(String.join("; ", next.reasons())).isEqualTo(Verdict.PASSED);
        assertThat(next.orphansDropped()).singleElement().asString().startsWith(prefix);
        assertThat(dump).doesNotExist();
        assertThat(work).isEmptyDirectory();
        assertThat(clientPrograms()).isEmpty();
        assertThat(postgres.databasesStartingWith(prefix)).isEmpty();
    }

    @Test
    void aLiveRunnersDumpIsNeverRemovedAndReapOrphansRemovesItOnceTheRunnerIsGone() throws Exception {
        String shop = slowToRestore("live");
        String other = on15.create("other", "CREATE TABLE t (id int)");
        String prefix = "it_live_";
        SnapshotCopyBranchProvider provider = SnapshotCopyRunnerProcess.provider(work, prefix);
        Process runner = start(shop, prefix);
        try {
            await("the restore into the branch", () -> restoring(prefix));
            Path dump = dumpDirectory();

            // a run on another target reaps while this copy goes on
            assertThat(Rehearsal.configure().target(postgres.location(other)).branchProvider(provider)
                    .engine(SnapshotCopyRunnerProcess.engine()).load().reapOrphans()).isEmpty();

            assertThat(dump.resolve("dump").resolve("toc.dat")).as("the live runner's dump").isRegularFile();
            assertThat(runner.isAlive()).isTrue();
            kill(runner);
            await("the killed runner's client programs to die", SECONDS, () -> clientPrograms().isEmpty());

            List<String> dropped = Rehearsal.configure().target(postgres.location(shop)).branchProvider(provider)
                    .engine(SnapshotCopyRunnerProcess.engine()).load().reapOrphans();

            assertThat(dropped).singleElement().asString().startsWith(prefix);
            assertThat(dump).doesNotExist();
            assertThat(work).isEmptyDirectory();
        } finally {
            runner.destroyForcibly();
        }
    }

    /** A database whose copy restores one row per 100 ms in sessions with {@code rehearsal_test.pause} on. */
    private String slowToRestore(String stem) {
        return on15.create(stem,
                "CREATE FUNCTION pause(id int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN "
                        + "current_setting('rehearsal_test.pause', true) = 'on' THEN pg_sleep(0.1) IS NOT NULL "
                        + "ELSE true END $$",
                "CREATE TABLE t (id int PRIMARY KEY CHECK (pause(id)))",
                "INSERT INTO t SELECT generate_series(1, 600)",
                "CREATE TABLE other (id int PRIMARY KEY)",
                "INSERT INTO other SELECT generate_series(1, 1000)");
    }

    private Process start(String target, String prefix) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(RunnerProcesses.javaCommand(SnapshotCopyRunnerProcess.class,
                List.of(), postgres.jdbcUrl(target), work.toString(), prefix)).redirectErrorStream(true).redirectOutput(logs.resolve("runner.log").toFile());
        builder.environment().put("PGOPTIONS", "-c rehearsal_test.pause=on");
        return builder.start();
    }

    /** SIGKILL, as the OOM killer would. */
    private static void kill(Process runner) throws InterruptedException {
        runner.destroyForcibly();
        assertThat(runner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.exitValue()).isEqualTo(137);
    }

    private boolean restoring(String prefix) {
        return !postgres.query("postgres", "SELECT 1 FROM pg_stat_activity WHERE starts_with(datname, ?) "
                + "AND query LIKE 'COPY %' AND state = 'active'", prefix).isEmpty();
    }

    /** The runner's one dump directory in the work directory. */
    private Path dumpDirectory() throws IOException {
        try (Stream<Path> entries = Files.list(work)) {
            List<Path> dumps = entries.filter(p -> p.getFileName().toString().startsWith("rehearsal-snapshot-"))
                    .toList();
            assertThat(dumps).as("dump directories in %s", work).hasSize(1);
            return dumps.get(0);
        }
    }

    /** The pg_dump and pg_restore processes (workers included) that work on a dump in the work directory. */
    private List<String> clientPrograms() {
        List<String> programs = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> {
            String command = process.info().command().orElse("");
            String arguments = String.join(" ", process.info().arguments().orElse(new String[0]));
            if ((command.endsWith("/pg_dump") || command.endsWith("/pg_restore"))
                    && arguments.contains(work.toString())) {
                programs.add(process.pid() + " " + command);
            }
        });
        return programs;
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        await(what, PATIENCE, condition);
    }

    private void await(String what, Duration patience, BooleanSupplier condition) throws Exception {
        Instant deadline = Instant.now().plus(patience);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                Path log = logs.resolve("runner.log");
                throw new AssertionError("Timed out after " + patience + " waiting for " + what + "; the runner wrote:\n"
                        + (Files.exists(log) ? Files.readString(log) : "nothing"));
            }
            Thread.sleep(20);
        }
    }
}
