package dev.rehearsal.branch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.branch.BranchMetadata.RunnerIdentity;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.Await;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Orphan branches are dropped by their own provider — and nothing else is. */
class OrphanReapingIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void dropsExpiredInterruptedAndUnlabelledBranchesAndLeavesEverythingElse() throws Exception {
        String prefix = "orph" + ProcessHandle.current().pid() % 100_000 + "_";
        TemplateBranchProvider provider = TemplateBranchProvider.builder().prefix(prefix).build();
        String target = databases.create("reaped", "CREATE TABLE t (id int)");
        String other = databases.create("other", "CREATE TABLE t (id int)");

        Branch expired = branch(provider, target, Duration.ofMillis(1), "test");
        Branch interrupted = branch(provider, target, Duration.ofHours(1), BranchRequest.RUNNER);
        Branch kept = branch(provider, target, Duration.ofHours(1), BranchRequest.RUNNER);
        kept.keepUntil(Instant.now().plus(Duration.ofHours(2)));
        Branch someonesTestBranch = branch(provider, target, Duration.ofHours(1), "test");
        Branch runnerOfAnotherTarget = branch(provider, other, Duration.ofHours(1), BranchRequest.RUNNER);
        Branch expiredOfAnotherTarget = branch(provider, other, Duration.ofMillis(1), BranchRequest.RUNNER);
        String unlabelled = prefix + target + "_20261101T101010_abc123";
        String unlabelledOfAnotherTarget = prefix + other + "_20261101T101010_abc123";
        String notOurForm = prefix + "notes";
        String labelledBySomeoneElse = prefix + target + "_20261101T101011_xyz789";
        String anotherPrefix = "orphx" + ProcessHandle.current().pid() % 100_000 + "_" + target
                + "_20261101T101010_abc123";
        for (String name : List.of(unlabelled, unlabelledOfAnotherTarget, notOurForm, labelledBySomeoneElse,
                anotherPrefix)) {
            postgres.execute("postgres", "CREATE DATABASE " + TestPostgres.quoteIdentifier(name) + " TEMPLATE "
                    + target);
            databases.dropAfterwards(name);
        }
        postgres.execute("postgres", "COMMENT ON DATABASE " + TestPostgres.quoteIdentifier(labelledBySomeoneElse)
                + " IS 'hands off: ours'");
        Thread.sleep(5);

        List<String> dropped = provider.reapOrphans(postgres.location(target), Instant.now());

        assertThat(dropped).containsExactlyInAnyOrder(expired.name(), interrupted.name(), unlabelled,
                expiredOfAnotherTarget.name());
        assertThat(postgres.databases()).doesNotContainAnyElementsOf(dropped)
                .contains(kept.name(), someonesTestBranch.name(), runnerOfAnotherTarget.name(),
                        unlabelledOfAnotherTarget, notOurForm, labelledBySomeoneElse, anotherPrefix, target, other);
    }

    @Test
    void aRunDropsTheBranchAnInterruptedRunOfTheSameTargetLeftAndSaysSo() {
        String target = databases.create("rerun", "CREATE TABLE t (id int)");
        Branch leftover = branch(TemplateBranchProvider.create(), target, Duration.ofHours(6), BranchRequest.RUNNER);

        Outcome outcome = Rehearsal.configure().target(postgres.location(target))
                .engine(new ScriptEngine().migration("1", "ALTER TABLE t ADD COLUMN v int")).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.orphansDropped()).containsExactly(leftover.name());
        assertThat(postgres.databases()).doesNotContain(leftover.name());
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void reapOrphansIsAlsoAnExplicitCallAndCanBeTurnedOffForRuns() {
        String target = databases.create("explicit", "CREATE TABLE t (id int)");
        Branch leftover = branch(TemplateBranchProvider.create(), target, Duration.ofHours(6), BranchRequest.RUNNER);
        Rehearsal rehearsal = Rehearsal.configure().target(postgres.location(target))
                .engine(new ScriptEngine().migration("1", "ALTER TABLE t ADD COLUMN v int")).reapOrphans(false)
                .load();

        Outcome outcome = rehearsal.rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.orphansDropped()).isEmpty();
        assertThat(postgres.branchesOf(target)).containsExactly(leftover.name());

        assertThat(rehearsal.reapOrphans()).containsExactly(leftover.name());
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void leavesARunsBranchAloneWhileItsHeartbeatGoesOnWhateverItsExpiryAndDropsItOnceItStops() throws Exception {
        String target = databases.create("beating", "CREATE TABLE t (id int)");
        TemplateBranchProvider provider = TemplateBranchProvider.create();
        Branch live = provider.create(new BranchRequest(postgres.location(target), Duration.ofMillis(1),
                BranchRequest.RUNNER, RunnerIdentity.newRun()));
        databases.dropAfterwards(live.name());
        Thread.sleep(5);
        ScheduledExecutorService heart = Executors.newSingleThreadScheduledExecutor();
        try {
            heart.scheduleWithFixedDelay(live::heartbeat, 0, 1, TimeUnit.SECONDS);

            assertThat(provider.reapOrphans(postgres.location(target), Instant.now())).isEmpty();
            assertThat(postgres.branchesOf(target)).containsExactly(live.name());
        } finally {
            heart.shutdown();
            assertThat(heart.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        long stopped = System.nanoTime();

        assertThat(provider.reapOrphans(postgres.location(target), Instant.now())).containsExactly(live.name());
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("waited for the heartbeat to go stale")
                .isLessThan(BranchMetadata.HEARTBEAT_TIMEOUT.plusSeconds(3));
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void leavesABranchAloneWhileItHasSessionsWhateverItsExpiryOrMetadataVersion() throws Exception {
        String target = databases.create("sessions", "CREATE TABLE t (id int)");
        TemplateBranchProvider provider = TemplateBranchProvider.create();
        Branch expired = branch(provider, target, Duration.ofMillis(1), "test");
        Branch interrupted = branch(provider, target, Duration.ofHours(1), BranchRequest.RUNNER);
        Thread.sleep(5);
        Connection debugger = databases.session(expired.name(), "psql");
        Connection leftover = databases.session(interrupted.name(), "rehearsal");

        assertThat(provider.reapOrphans(postgres.location(target), Instant.now())).isEmpty();
        assertThat(postgres.branchesOf(target)).containsExactlyInAnyOrder(expired.name(), interrupted.name());

        debugger.close();
        leftover.close();
        Await.until("the sessions on the branches to end", () -> postgres.query("postgres",
                "SELECT 1 FROM pg_stat_activity WHERE datname IN (?, ?)", expired.name(), interrupted.name())
                .isEmpty());
        assertThat(provider.reapOrphans(postgres.location(target), Instant.now()))
                .containsExactlyInAnyOrder(expired.name(), interrupted.name());
    }

    private Branch branch(TemplateBranchProvider provider, String parent, Duration expiry, String purpose) {
        Branch branch = provider.create(new BranchRequest(postgres.location(parent), expiry, purpose));
        databases.dropAfterwards(branch.name());
        return branch;
    }

}
