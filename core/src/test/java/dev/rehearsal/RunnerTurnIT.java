package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.Await;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run keeps its turn on the target while it works elsewhere, and when the server takes the turn from it anyway,
 * it promotes nothing and says why — while the runner that takes the turn over leaves its live branch alone.
 */
class RunnerTurnIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @ParameterizedTest
    @ValueSource(strings = {"ALTER DATABASE %s SET idle_session_timeout = '2s'",
            "ALTER ROLE postgres IN DATABASE %s SET idle_session_timeout = '2s'"})
    void keepsItsTurnThroughAMigrationLongerThanTheLockDatabasesIdleSessionTimeout(String setting) {
        String target = databases.create("idle", "CREATE TABLE t (id int)");
        String lock = databases.create("idle_lock");
        postgres.execute("postgres", setting.formatted(lock));

        Outcome outcome = Rehearsal.configure().target(postgres.location(target)).lockDatabase(lock)
                .engine(new ScriptEngine().migration("1", "SELECT pg_sleep(2.5)", "ALTER TABLE t ADD COLUMN v int"))
                .load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(postgres.query(target, "SELECT id FROM script_history")).containsExactly("1");
    }

    @Test
    void aRunWhoseLockSessionIsTerminatedPromotesNothingAndTheNextRunLeavesItsLiveBranchAlone() throws Exception {
        String target = databases.create("terminated", "CREATE TABLE t (id int)");
        String lock = databases.create("terminated_lock");
        Rehearsal rehearsal = Rehearsal.configure().target(postgres.location(target)).lockDatabase(lock)
                .engine(new ScriptEngine().migration("1", "SELECT pg_sleep(6)", "ALTER TABLE t ADD COLUMN v int"))
                .load();
        CompletableFuture<Outcome> first = CompletableFuture.supplyAsync(rehearsal::run);
        Await.until("the first run to migrate its branch", () -> !sleepingBranches(target).isEmpty());
        String firstBranch = sleepingBranches(target).get(0);

        assertThat(postgres.query("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE datname = ? AND application_name = 'rehearsal'", lock)).containsExactly("t");
        Outcome second = rehearsal.run();

        assertThat(second.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(second.orphansDropped()).doesNotContain(firstBranch);
        assertThatThrownBy(() -> first.get(2, TimeUnit.MINUTES))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Lost the runner turn on '" + target + "' before promoting")
                .hasMessageContaining("terminated by an administrator's command")
                .hasMessageContaining("57P01")
                .hasMessageContaining("Nothing was promoted")
                .satisfies(e -> assertThat(((RehearsalException) e).code().exitCode()).isEqualTo(6));
        assertThat(postgres.query(target, "SELECT id FROM script_history")).containsExactly("1");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void whenTheServerEndsTheBranchsSessionAndTheTurnTheLostTurnIsReportedNotAFailedMigration() throws Exception {
        String target = databases.create("killer", "CREATE TABLE t (id int)");
        String lock = databases.create("killer_lock");
        String before = postgres.describe(target);
        CompletableFuture<Outcome> run = CompletableFuture.supplyAsync(() -> Rehearsal.configure()
                .target(postgres.location(target)).lockDatabase(lock)
                .engine(new ScriptEngine().migration("1", "SELECT pg_sleep(30)")).load().run());
        Await.until("the run to migrate its branch", () -> !sleepingBranches(target).isEmpty());

        // an administrator ends every Rehearsal session: the turn's and the branch's
        postgres.query("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                + "'rehearsal' AND (datname = ? OR starts_with(datname, ?))", lock, "rehearsal_" + target + "_");

        assertThatThrownBy(() -> run.get(2, TimeUnit.MINUTES)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Lost the runner turn on '" + target + "'")
                .hasMessageContaining("terminated by an administrator's command")
                .hasMessageContaining("The server ended the session on the branch too")
                .hasMessageContaining("Nothing was promoted")
                .satisfies(e -> assertThat(((RehearsalException) e).code()).isEqualTo(ErrorCode.LOCKED));
        assertThat(postgres.describe(target)).isEqualTo(before);
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void aMigrationWhoseOwnSessionIsEndedWhileTheTurnIsHeldIsStillAFailedMigration() throws Exception {
        String target = databases.create("ownfault", "CREATE TABLE t (id int)");
        CompletableFuture<Outcome> run = CompletableFuture.supplyAsync(() -> Rehearsal.configure()
                .target(postgres.location(target))
                .engine(new ScriptEngine().migration("1", "SELECT pg_sleep(30)")).load().run());
        Await.until("the run to migrate its branch", () -> !sleepingBranches(target).isEmpty());

        postgres.query("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? "
                + "AND query LIKE '%pg_sleep%'", sleepingBranches(target).get(0));
        Outcome outcome = run.join();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().sqlState()).isEqualTo("57P01");
    }

    @Test
    void aMigrationCannotEndTheTurnItselfTheBranchGuardRefusesIt() {
        String target = databases.create("suicide", "CREATE TABLE t (id int)");
        String lock = databases.create("suicide_lock");

        Outcome outcome = Rehearsal.configure().target(postgres.location(target)).lockDatabase(lock)
                .engine(new ScriptEngine().migration("1", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE datname IN ('" + lock + "', current_database())"))
                .load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(outcome.findings()).extracting(f -> f.kind()).containsExactly("outside-branch");
    }

    /** Branches of {@code target} where a {@code pg_sleep} runs. */
    private List<String> sleepingBranches(String target) {
        return postgres.query("postgres", "SELECT datname FROM pg_stat_activity WHERE starts_with(datname, ?) "
                + "AND query LIKE '%pg_sleep%' AND state = 'active'", "rehearsal_" + target + "_");
    }
}
