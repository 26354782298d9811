package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.RunnerProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Several application instances start at once against one target: they take turns, and exactly one migrates. */
class ConcurrentRunnersIT {
    private static final int RUNNERS = 8;
    /** V3, V4 and a CREATE INDEX CONCURRENTLY as V5. */
    private static final String[] CHANGE_SET = {"safe", "concurrent5"};

    private static Rehearsal rehearsal(String target) {
        return Rehearsal.configure().target(POSTGRES.location(target))
                .engine(FlywayEngine.of(Shop.flyway(target, "db/base", "db/safe", "db/concurrent5"))).load();
    }

    @Test
    void eightThreadsStartingAtOnceMigrateOnceAndAllSucceed() throws Exception {
        String target = Shop.production("threads");
        ExecutorService pool = Executors.newFixedThreadPool(RUNNERS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Outcome>> runs = new ArrayList<>();
            for (int i = 0; i < RUNNERS; i++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return rehearsal(target).run();
                }));
            }
            start.countDown();
            List<Verdict> verdicts = new ArrayList<>();
            for (Future<Outcome> run : runs) {
                verdicts.add(run.get(5, TimeUnit.MINUTES).verdict());
            }

            assertThat(verdicts).containsOnlyOnce(Verdict.PROMOTED)
                    .filteredOn(v -> v != Verdict.PROMOTED).hasSize(RUNNERS - 1).containsOnly(Verdict.NOTHING_PENDING);
            assertMigratedOnce(target);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eightJvmsStartingAtOnceMigrateOnceAndAllSucceed() throws Exception {
        String target = Shop.production("processes");
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < RUNNERS; i++) {
                List<String> arguments = new ArrayList<>(List.of(POSTGRES.jdbcUrl(target)));
                arguments.addAll(List.of(CHANGE_SET));
                processes.add(new ProcessBuilder(RunnerProcesses.javaCommand(RehearsalProcess.class, List.of(),
                        arguments.toArray(String[]::new))).redirectErrorStream(true).start());
            }
            List<String> verdicts = new ArrayList<>();
            for (Process process : processes) {
                String output = read(process);
                assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the runner ends").isTrue();
                assertThat(process.exitValue()).as("runner output:\n" + output).isZero();
                verdicts.add(output.lines().filter(l -> l.startsWith("VERDICT ")).findFirst().orElse(output));
            }

            assertThat(verdicts).containsOnlyOnce("VERDICT PROMOTED")
                    .filteredOn(v -> !v.equals("VERDICT PROMOTED")).containsOnly("VERDICT NOTHING_PENDING");
            assertMigratedOnce(target);
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void aRunnerThatMayNotWaitGivesUpWithoutChangingAnything() throws Exception {
        String target = Shop.production("busyrunner");
        String before = POSTGRES.describe(target);
        // another runner's turn: the same lock a running rehearsal holds
        try (Connection other = POSTGRES.dataSource("postgres").getConnection();
             PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(" + 0x52454852 + ", hashtext(?))")) {
            lock.setString(1, target);
            lock.execute();

            assertThatThrownBy(() -> Rehearsal.configure().target(POSTGRES.location(target))
                    .engine(FlywayEngine.of(Shop.flyway(target, "db/base", "db/safe")))
                    .waitForOtherRunners(Duration.ofMillis(300)).load().run())
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageContaining("Another Rehearsal runner")
                    .hasMessageContaining("waitForOtherRunners")
                    .satisfies(e -> assertThat(((RehearsalException) e).code()).isEqualTo(ErrorCode.LOCKED));
        }
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    private static void assertMigratedOnce(String target) {
        assertThat(Shop.history(target)).extracting(row -> row.split("\\|")[1] + "|" + row.split("\\|")[7])
                .containsExactly("1|t", "2|t", "3|t", "4|t", "5|t");
        assertThat(POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_name_idx'::regclass")).containsExactly("t");
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    private static String read(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
