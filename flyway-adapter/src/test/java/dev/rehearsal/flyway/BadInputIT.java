package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.StandardErrorCapture;
import dev.rehearsal.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input: each case fails before anything changes, with an error that names the problem and the fix, never the
 * password — and leaves no database, session or runner lock behind.
 */
class BadInputIT {
    /** The runner lock's first key ("REHR"). */
    private static final long RUNNER_LOCK_NAMESPACE = 0x52454852L;

    @RegisterExtension
    final TestDatabases databases = new TestDatabases(POSTGRES);
    private final String password = "Pw-" + UUID.randomUUID();
    private List<String> databasesBefore;
    private String log;

    @BeforeEach
    void rememberTheServer() {
        databasesBefore = POSTGRES.databasesOfThisProcess();
    }

    @AfterEach
    void nothingIsLeftBehind() throws InterruptedException {
        List<String> created = POSTGRES.databasesOfThisProcess().stream().filter(d -> !databasesBefore.contains(d))
                .filter(d -> d.startsWith("rehearsal_")).toList();
        assertThat(created).as("branches left behind").isEmpty();
        assertThat(rehearsalSessionsAfterAWhile()).as("Rehearsal sessions left open").isEmpty();
        assertThat(POSTGRES.query("postgres", "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND classid = ?", RUNNER_LOCK_NAMESPACE)).as("runner locks left held").containsExactly("0");
        if (log != null) {
            assertThat(log).doesNotContain(password);
        }
    }

    @Test
    void anUnreachableServerNamesTheAddressAndWhatToCheck() {
        String target = Shop.production("unreachable");
        RehearsalException refused = fails(DatabaseException.class, () -> Rehearsal.configure()
                .target("jdbc:postgresql://localhost:1/" + target, "postgres", password)
                .engine(engine(target, "safe")).load().run());
        RehearsalException unknownHost = fails(DatabaseException.class, () -> Rehearsal.configure()
                .target("jdbc:postgresql://no-such-host.invalid:5432/" + target, "postgres", password)
                .engine(engine(target, "safe")).load().run());

        assertThat(refused).hasMessageContaining("localhost:1").hasMessageContaining("Check that the server is "
                + "running and that host and port are right");
        assertThat(refused.code()).isEqualTo(ErrorCode.DATABASE);
        assertThat(unknownHost).hasMessageContaining("no-such-host.invalid");
        assertThat(Shop.history(target)).hasSize(2);
    }

    @Test
    void aWrongPasswordIsRejectedWithoutBeingPrintedAndTheRightOneWorksThroughout() {
        String role = databases.role("pw", password);
        POSTGRES.requirePassword(role);
        String target = ownedBy(role, "pw_target");
        String wrong = "Wrong-" + UUID.randomUUID();

        try (StandardErrorCapture capture = StandardErrorCapture.start()) {
            RehearsalException rejected = fails(DatabaseException.class, () -> Rehearsal.configure()
                    .target(POSTGRES.jdbcUrl(target), role, wrong).engine(scripts()).load().run());
            Outcome withTheRightOne = Rehearsal.configure().target(POSTGRES.jdbcUrl(target), role, password)
                    .engine(scripts()).load().run();
            log = capture.text();

            assertThat(rejected).hasMessageContaining("password authentication failed for user \"" + role + "\"")
                    .hasMessageContaining("Check the user and password");
            assertThat(stackTrace(rejected)).doesNotContain(wrong).doesNotContain(password);
            assertThat(log).doesNotContain(wrong);
            assertThat(withTheRightOne.verdict()).isEqualTo(Verdict.PROMOTED);
            assertThat(withTheRightOne.toString()).doesNotContain(password);
        }
    }

    @Test
    void aMissingDatabaseIsNamedWithTheFix() {
        RehearsalException missing = fails(DatabaseException.class, () -> Rehearsal.configure()
                .target(POSTGRES.jdbcUrl("no_such_shop"), "postgres", password).engine(scripts()).load().run());

        assertThat(missing).hasMessageContaining("no_such_shop").hasMessageContaining("Check the database name");
    }

    @Test
    void aRoleWithoutCreatedbIsToldWhatItLacks() {
        String role = databases.role("nocreatedb", password);
        String target = ownedBy(role, "nocreatedb_target");
        POSTGRES.execute("postgres", "ALTER ROLE " + role + " NOCREATEDB");
        String before = POSTGRES.describe(target);

        RehearsalException denied = fails(BranchException.class, () -> Rehearsal.configure()
                .target(POSTGRES.jdbcUrl(target), role, password).engine(scripts()).load().run());

        assertThat(denied).hasMessageContaining("permission denied to create database")
                .hasMessageContaining("needs CREATEDB (ALTER ROLE ... CREATEDB) and must own database '" + target);
        assertThat(denied.code()).isEqualTo(ErrorCode.BRANCH);
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
    }

    @Test
    void aBusyTargetListsWhoIsConnectedAndIsLeftAlone() throws Exception {
        String target = Shop.production("busy");
        String before = POSTGRES.describe(target);
        var session = databases.session(target, "billing-service");

        RehearsalException busy = fails(TargetInUseException.class, () -> Rehearsal.configure()
                .target(POSTGRES.jdbcUrl(target), "postgres", password).engine(engine(target, "safe")).load().run());

        assertThat(busy).hasMessageContaining("billing-service");
        assertThat(session.isValid(2)).as("the other session was not terminated").isTrue();
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
    }

    @Test
    void hostileNamesAreRefusedOrQuotedNeverExecuted() {
        Throwable prefix = catchThrowable(() -> TemplateBranchProvider.builder()
                .prefix("x\"; DROP DATABASE postgres; --"));
        assertThat(prefix).isInstanceOf(ConfigurationException.class).hasMessageContaining("is not allowed: use 1 to "
                + "24 lower-case letters, digits and underscores");

        String hostile = databases.createVerbatim("Shop\"; DROP DATABASE postgres; --", "CREATE TABLE t (id int)");
        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(hostile))
                .engine(new ScriptEngine().migration("1", "ALTER TABLE t ADD COLUMN v int")).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.branch().name()).matches("rehearsal_shop_drop_database_postgres_[A-Za-z0-9_]+");
        assertThat(POSTGRES.databases()).contains("postgres", hostile);
    }

    @Test
    void aMigrationLocationThatDoesNotExistIsAnErrorNotNothingPending() {
        String target = Shop.production("no_location");

        RehearsalException missing = fails(ConfigurationException.class, () -> Rehearsal.configure()
                .target(POSTGRES.jdbcUrl(target), "postgres", null)
                .engine(FlywayEngine.of(Flyway.configure().locations("classpath:db/base", "classpath:db/typo")))
                .load().run());

        assertThat(missing).hasMessageContaining("Flyway finds no migrations where it is told to look: "
                + "classpath:db/typo is not on the class path").message().doesNotContain("classpath:db/base");
        assertThat(missing.code()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(Shop.history(target)).hasSize(2);
    }

    @Test
    void invalidCombinationsAreRefusedWhenLoadingBeforeAnyConnection() {
        String target = "shop";
        Supplier<Rehearsal.Builder> base = () -> Rehearsal.configure()
                .target("jdbc:postgresql://localhost:1/" + target, "postgres", password).engine(scripts());

        assertThat(catchThrowable(() -> base.get().lockTimeout(Duration.ofSeconds(10))
                .statementTimeout(Duration.ofSeconds(5)).load()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("statementTimeout(5s) must be longer than lockTimeout(10s)");
        assertThat(catchThrowable(() -> base.get().lockDatabase(target).load()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lockDatabase(shop) is the target database itself");
        assertThat(catchThrowable(() -> base.get().branchProvider(TemplateBranchProvider.builder()
                .maintenanceDatabase(target).build()).load()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("The maintenance database 'shop' is the target itself");
        assertThat(catchThrowable(() -> Rehearsal.configure().engine(scripts()).load()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("No target configured");
        assertThat(catchThrowable(() -> base.get().lockRetries(-1))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lockRetries(-1) is out of range");
        assertThat(catchThrowable(() -> base.get().lockTimeout(Duration.ofSeconds(-1))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(
                        "lockTimeout(-1s) is out of range: give a value between 0s and 1h");
        assertThat(catchThrowable(() -> base.get().keepFailedBranch(Duration.ofDays(90))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(
                        "keepFailedBranch(90d) is out of range");
    }

    /** Rehearsal's sessions still there after up to 2 s (a closed session's server process ends asynchronously). */
    private static List<String> rehearsalSessionsAfterAWhile() throws InterruptedException {
        String sessions = "SELECT datname || ': ' || query FROM pg_stat_activity WHERE application_name = 'rehearsal'";
        for (int i = 0; i < 40 && !POSTGRES.query("postgres", sessions).isEmpty(); i++) {
            Thread.sleep(50);
        }
        return POSTGRES.query("postgres", sessions);
    }

    private <T extends RehearsalException> T fails(Class<T> type, Runnable run) {
        Throwable thrown = catchThrowable(run::run);
        assertThat(thrown).isInstanceOf(type);
        assertThat(stackTrace(thrown)).doesNotContain(password);
        return type.cast(thrown);
    }

    /** A database owned by {@code role}, so that the role may branch it. */
    private String ownedBy(String role, String stem) {
        String target = databases.create(stem, "CREATE TABLE t (id int)");
        POSTGRES.execute("postgres", "ALTER DATABASE " + target + " OWNER TO " + role);
        POSTGRES.execute(target, "ALTER TABLE t OWNER TO " + role, "GRANT CREATE ON SCHEMA public TO " + role);
        return target;
    }

    private static ScriptEngine scripts() {
        return new ScriptEngine().migration("1", "ALTER TABLE t ADD COLUMN v int");
    }

    private static FlywayEngine engine(String target, String location) {
        return FlywayEngine.of(Shop.flyway(target, "db/base", "db/" + location));
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter text = new StringWriter();
        thrown.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
