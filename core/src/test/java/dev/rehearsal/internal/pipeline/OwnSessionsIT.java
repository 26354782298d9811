package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.branch.TargetInUseException.SessionInfo;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.Await;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/**
 * A run's own sessions on the target, closed but not yet ended by the server, never keep it from branching the
 * target and are never reported as someone else's; someone else's still are, at once.
 */
class OwnSessionsIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void waitsForItsOwnClosedSessionOnTheTargetToEndInsteadOfReportingTheTargetInUse() {
        String target = databases.create("own", "CREATE TABLE t (id int)");
        LingeringPlan engine = new LingeringPlan(new ScriptEngine().migration("1", "ALTER TABLE t ADD COLUMN v int"),
                Duration.ofSeconds(2));

        Outcome outcome = Rehearsal.configure().target(postgres.location(target)).engine(engine).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(engine.lingered).as("the session was still there when planning ended").isTrue();
    }

    @Test
    void reportsSomeoneElsesSessionAtOnceAndWithoutItsOwn() {
        String target = databases.create("others", "CREATE TABLE t (id int)");
        databases.session(target, "psql");
        LingeringPlan engine = new LingeringPlan(new ScriptEngine().migration("1", "ALTER TABLE t ADD COLUMN v int"),
                Duration.ofSeconds(5));

        TargetInUseException e = catchThrowableOfType(TargetInUseException.class,
                () -> Rehearsal.configure().target(postgres.location(target)).engine(engine).load().run());

        assertThat(Duration.ofNanos(System.nanoTime() - engine.plannedAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(engine.lingered).isTrue();
        assertThat(e.sessions()).extracting(SessionInfo::applicationName).containsExactly("psql");
        assertThat(e.getMessage()).contains("'psql'").doesNotContain("'rehearsal'");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    /**
     * Plans like its delegate, after leaving a session on the target that is closed on the client's side while the
     * server is busy with it, so that the server ends it only after {@code linger}: a closed session that is still
     * listed, deterministically (normally it is so for a moment, now and then).
     */
    private final class LingeringPlan implements MigrationEngine {
        private final ScriptEngine delegate;
        private final Duration linger;
        volatile long plannedAt;
        volatile boolean lingered;

        LingeringPlan(ScriptEngine delegate, Duration linger) {
            this.delegate = delegate;
            this.linger = linger;
        }

        @Override
        public String name() {
            return "LingeringPlan";
        }

        @Override
        public MigrationPlan plan(DataSource database) {
            if (plannedAt == 0) {
                try {
                    Connection session = database.getConnection();
                    int pid = session.unwrap(PGConnection.class).getBackendPID();
                    CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
                        try (Statement statement = session.createStatement()) {
                            statement.execute("SELECT pg_sleep(" + linger.toMillis() / 1000.0 + ")");
                        } catch (SQLException expected) {
                            // the client closes the session under the statement
                        }
                    });
                    Await.until("the statement to run", () -> !postgres.query("postgres",
                            "SELECT 1 FROM pg_stat_activity WHERE pid = ? AND state = 'active'", pid).isEmpty());
                    session.abort(Runnable::run);
                    sleeping.join();
                    lingered = postgres.isConnected(pid);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                plannedAt = System.nanoTime();
            }
            return delegate.plan(database);
        }

        @Override
        public ApplyResult apply(DataSource database, MigrationPlan plan, MigrationObserver observer) {
            return delegate.apply(database, plan, observer);
        }

        @Override
        public List<String> history(DataSource database) {
            return delegate.history(database);
        }
    }
}
