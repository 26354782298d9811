package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.check.Check;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.check.Policy;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.BranchSummary;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.outcome.RehearsalFailedException;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.StandardErrorCapture;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.trace.StatementTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

class RehearsalIT {
    /** 1000 customers whose e-mails repeat every 400: a unique index on them cannot be built. */
    static final String[] SHOP = {
            "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)",
            "INSERT INTO customers SELECT i, 'c' || (i % 400) || '@example.com' FROM generate_series(1, 1000) i"};
    static final String ADD_NOTE = "ALTER TABLE customers ADD COLUMN note text";
    static final String UNIQUE_EMAIL = "CREATE UNIQUE INDEX customers_email ON customers (email)";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    @OnEveryMajor
    void promotesASafeMigrationToTheTargetAndDropsTheBranch() {
        String target = databases.create("promote", SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1", ADD_NOTE)
                .migration("2", "CREATE INDEX customers_note ON customers (note)");

        Outcome outcome = rehearsal(target, engine).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThatStates(outcome).containsExactly("1: APPLIED -> APPLIED", "2: APPLIED -> APPLIED");
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.target()).isEqualTo(postgres.location(target).redactedUrl());
        assertThat(outcome.engine()).isEqualTo("ScriptEngine");
        assertThat(outcome.branch().kept()).isFalse();
        assertThat(outcome.branch().provider()).isEqualTo("template");
        assertThat(postgres.query(target, "SELECT id FROM script_history ORDER BY id")).containsExactly("1", "2");
        assertThat(postgres.query(target, "SELECT count(*) FROM customers WHERE note IS NULL")).containsExactly("1000");
        assertThat(postgres.query(target, "SELECT to_regclass('customers_note') IS NOT NULL")).containsExactly("t");
        assertThat(postgres.branchesOf(target)).isEmpty();
        assertThat(postgres.databasesStartingWith(outcome.branch().name())).isEmpty();
    }

    @Test
    void aMigrationThatFailsOnTheRealDataNeverReachesTheTarget() {
        String target = databases.create("fail", SHOP);
        String before = postgres.describe(target);

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE, UNIQUE_EMAIL)).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        MigrationFailure failure = outcome.failure();
        assertThat(failure.database()).isEqualTo("branch");
        assertThat(failure.migration()).isEqualTo("1");
        assertThat(failure.description()).isEqualTo("migration 1");
        assertThat(failure.statement()).isEqualTo(UNIQUE_EMAIL);
        assertThat(failure.sqlState()).isEqualTo("23505");
        assertThat(failure.message()).isEqualTo("could not create unique index \"customers_email\"");
        assertThat(failure.detail()).matches("Key \\(email\\)=\\(c\\d+@example\\.com\\) is duplicated\\.");
        assertThatStates(outcome).containsExactly("1: FAILED -> NOT_RUN");
        assertUnchangedWithNoBranchLeft(target, before);
    }

    @Test
    void whenTheSecondOfThreeFailsTheFirstIsAppliedOnTheBranchOnlyAndTheThirdNeverRuns() {
        String target = databases.create("second", SHOP);
        String before = postgres.describe(target);
        ScriptEngine engine = new ScriptEngine().migration("1", ADD_NOTE).migration("2", UNIQUE_EMAIL)
                .migration("3", "DROP TABLE customers");

        Outcome outcome = rehearsal(target, engine).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThatStates(outcome).containsExactly("1: APPLIED -> NOT_RUN", "2: FAILED -> NOT_RUN",
                "3: NOT_RUN -> NOT_RUN");
        assertThat(outcome.failure().migration()).isEqualTo("2");
        assertThat(outcome.statements()).extracting(StatementTrace::sql).doesNotContain("DROP TABLE customers");
        assertThat(outcome.migrations()).extracting(m -> m.risks().size()).containsExactly(0, 0, 1);
        Risk dropped = outcome.migrations().get(2).risks().get(0);
        assertThat(dropped.kind()).isEqualTo(FindingKinds.DATA_LOSS);
        assertThat(dropped.statement()).isEqualTo("DROP TABLE customers");
        assertThat(dropped.message()).isEqualTo("would drop table customers and its rows (read from the migration's "
                + "text; it did not run on the branch)");
        assertThat(postgres.describe(target)).isEqualTo(before);
        assertThat(postgres.query(target, "SELECT to_regclass('script_history') IS NULL")).containsExactly("t");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void anEngineThatCannotGiveTheTextOfTheMigrationsLeftLeavesTheirRisksEmptyAndTheVerdictAlone() {
        String target = databases.create("unreadable", SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1", UNIQUE_EMAIL).migration("2", "DROP TABLE customers")
                .textUnreadable();

        Outcome outcome = rehearsal(target, engine).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().sqlState()).isEqualTo("23505");
        assertThatStates(outcome).containsExactly("1: FAILED -> NOT_RUN", "2: NOT_RUN -> NOT_RUN");
        assertThat(outcome.migrations()).allSatisfy(m -> assertThat(m.risks()).isEmpty());
    }

    @Test
    void migrationsThatRunOnTheBranchHaveNoRisksReadFromTheirText() {
        String target = databases.create("applied", SHOP);

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE)).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.migrations().get(0).risks()).isEmpty();
    }

    @Test
    void withNothingPendingNoDatabaseIsCreatedAtAll() {
        String target = databases.create("nothing", SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1", ADD_NOTE);
        engine.apply(postgres.dataSource(target), engine.plan(postgres.dataSource(target)), MigrationObserver.NONE);
        List<String> databasesBefore = postgres.databases();
        AtomicInteger branchesRequested = new AtomicInteger();

        BranchProvider counting = new BranchProvider() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public Branch create(BranchRequest request) {
                branchesRequested.incrementAndGet();
                return TemplateBranchProvider.create().create(request);
            }
        };

        Outcome outcome = rehearsal(target, engine).branchProvider(counting).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.NOTHING_PENDING);
        assertThat(outcome.branch()).isNull();
        assertThat(outcome.migrations()).isEmpty();
        assertThat(outcome.statements()).isEmpty();
        assertThat(branchesRequested).hasValue(0);
        assertThat(postgres.databases()).isEqualTo(databasesBefore);
        assertThat(outcome.orThrow()).isSameAs(outcome);
    }

    @Test
    @OnEveryMajor
    void aBlockingFindingStopsPromotionAndTheBranchIsDropped() {
        String target = databases.create("blocked", SHOP);
        String before = postgres.describe(target);
        AtomicReference<List<String>> seenOnBranch = new AtomicReference<>();
        Check noteMustNotBeAdded = context -> {
            seenOnBranch.set(columnsOfCustomers(context.branch().getConnection()));
            return List.of(new Finding("column-added", Severity.BLOCKING, "1", ADD_NOTE,
                    "customers gained a column", Map.of("table", "customers"), "do not"),
                    new Finding("fyi", Severity.INFO, null, null, "just so you know", null, null));
        };

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE)).check(noteMustNotBeAdded)
                .load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(seenOnBranch.get()).containsExactly("id", "email", "note");
        assertThat(outcome.blockingFindings()).extracting(Finding::kind).containsExactly("column-added");
        assertThat(outcome.findings()).extracting(Finding::kind).containsExactly("column-added", "fyi");
        assertThat(outcome.reasons()).containsExactly("[column-added] migration 1: customers gained a column");
        assertThatStates(outcome).containsExactly("1: APPLIED -> NOT_RUN");
        assertUnchangedWithNoBranchLeft(target, before);
    }

    @Test
    void aCheckThatThrowsBlocksAsACheckError() {
        String target = databases.create("check_error", SHOP);
        String before = postgres.describe(target);
        Check broken = context -> {
            throw new IllegalStateException("the check's own bug");
        };

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE)).check(broken).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(outcome.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("check-error");
            assertThat(finding.severity()).isEqualTo(Severity.BLOCKING);
            assertThat(finding.message()).contains("could not run", "the check's own bug");
        });
        assertUnchangedWithNoBranchLeft(target, before);
    }

    @Test
    void rehearseNeverChangesTheTargetEvenWhenTheMigrationsPass() {
        String target = databases.create("rehearse", SHOP);
        String before = postgres.describe(target);

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE)).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.verdict().isSuccess()).isTrue();
        assertThatStates(outcome).containsExactly("1: APPLIED -> NOT_RUN");
        assertThat(outcome.timings().promoteMillis()).isZero();
        assertUnchangedWithNoBranchLeft(target, before);
    }

    @Test
    void aMigrationThatPassesOnTheBranchButFailsOnTheTargetIsAPromotionFailure() {
        String target = databases.create("promotion", SHOP);
        String onlyOnBranches = "DO $$ BEGIN IF current_database() NOT LIKE 'rehearsal\\_%' THEN "
                + "RAISE EXCEPTION 'refusing to run on %', current_database() USING HINT = 'run it on a branch'; "
                + "END IF; END $$";

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE, onlyOnBranches)).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTION_FAILED);
        assertThatStates(outcome).containsExactly("1: APPLIED -> FAILED");
        assertThat(outcome.failure().database()).isEqualTo("target");
        assertThat(outcome.failure().sqlState()).isEqualTo("P0001");
        assertThat(outcome.failure().message()).isEqualTo("refusing to run on " + target);
        assertThat(outcome.failure().hint()).isEqualTo("run it on a branch");
        assertThatThrownBy(outcome::orThrow).isInstanceOfSatisfying(RehearsalFailedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PROMOTION_FAILED);
            assertThat(e.code().exitCode()).isEqualTo(3);
        });
        assertThat(postgres.query(target, "SELECT count(*) FROM script_history")).containsExactly("0");
    }

    @Test
    void whenTheTargetChangesDuringTheRehearsalNothingIsPromoted() {
        String target = databases.create("changed", SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1", ADD_NOTE);
        Check concurrentDeployment = context -> {
            // someone else migrates the target while the rehearsal runs
            engine.apply(postgres.dataSource(target), engine.plan(postgres.dataSource(target)),
                    MigrationObserver.NONE);
            return List.of();
        };

        Outcome outcome = rehearsal(target, engine).check(concurrentDeployment).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.TARGET_CHANGED);
        assertThat(outcome.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("target-changed");
            assertThat(finding.message()).contains("pending migrations were [1], now []", "history entry added: 1",
                    "schema: table public.script_history", "nothing was promoted");
        });
        assertThatStates(outcome).containsExactly("1: APPLIED -> NOT_RUN");
        assertThat(postgres.query(target, "SELECT id FROM script_history")).containsExactly("1");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void aTargetThatDoesNotExistIsADatabaseErrorNamingItAndTheFix() {
        List<String> databasesBefore = postgres.databases();

        assertThatThrownBy(() -> rehearsal("t_no_such_target", new ScriptEngine().migration("1", ADD_NOTE)).load()
                .run())
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DATABASE);
                    assertThat(e.code().exitCode()).isEqualTo(5);
                })
                .hasMessageContaining("/t_no_such_target")
                .hasMessageContaining("does not exist")
                .hasMessageContaining("Check the database name");
        assertThat(postgres.databases()).isEqualTo(databasesBefore);
    }

    @Test
    void keepFailedBranchLeavesExactlyOneBranchAndReportsItWithoutThePassword() {
        String target = databases.create("keep", SHOP);
        String password = "kept-branch-password";
        DatabaseLocation location = DatabaseLocation.of(postgres.jdbcUrl(target), "postgres", password);
        Instant start = Instant.now();

        Outcome outcome = Rehearsal.configure().target(location)
                .engine(new ScriptEngine().migration("1", ADD_NOTE).migration("2", UNIQUE_EMAIL))
                .keepFailedBranch(Duration.ofHours(8)).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        BranchSummary branch = outcome.branch();
        assertThat(postgres.branchesOf(target)).containsExactly(branch.name());
        assertThat(branch.kept()).isTrue();
        assertThat(branch.url()).isEqualTo(location.withDatabase(branch.name()).redactedUrl())
                .doesNotContain(password);
        assertThat(branch.expiresAt()).isAfter(start.plus(Duration.ofHours(8)).minusSeconds(1))
                .isBefore(Instant.now().plus(Duration.ofHours(8)).plusSeconds(1));
        // the kept branch shows the state the failure left: the first migration applied, the second not
        assertThat(postgres.query(branch.name(), "SELECT id FROM script_history")).containsExactly("1");
        assertThatThrownBy(outcome::orThrow).hasMessageContaining("branch " + branch.name() + " kept until")
                .hasMessageNotContaining(password);

        postgres.dropDatabase(branch.name());
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void reportToWritesAJsonReportWithTheWholeEvidence(@TempDir Path directory) throws Exception {
        String target = databases.create("report", SHOP);
        Path report = directory.resolve("nested/dir/report.json");
        ObjectMapper json = new ObjectMapper();

        rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE, UNIQUE_EMAIL)).reportTo(report).load().run();
        JsonNode failed = json.readTree(report.toFile());

        assertThat(failed.path("reportVersion").asInt()).isEqualTo(1);
        assertThat(failed.path("verdict").asText()).isEqualTo("FAILED_ON_BRANCH");
        assertThat(failed.path("migrations").get(0).path("id").asText()).isEqualTo("1");
        assertThat(failed.path("migrations").get(0).path("branch").asText()).isEqualTo("FAILED");
        assertThat(failed.path("failure").path("sqlState").asText()).isEqualTo("23505");
        assertThat(failed.path("failure").path("statement").asText()).isEqualTo(UNIQUE_EMAIL);
        assertThat(failed.path("findings").isArray()).isTrue();
        assertThat(failed.path("statements").findValuesAsText("sql")).contains(ADD_NOTE, UNIQUE_EMAIL);
        assertThat(failed.path("branch").path("kept").asBoolean(true)).isFalse();
        assertThat(Instant.parse(failed.path("startedAt").asText())).isBefore(Instant.now());

        rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE))
                .check(context -> List.of(Finding.blocking("no-notes", "notes are not allowed")))
                .reportTo(report).load().run();
        JsonNode blocked = json.readTree(report.toFile());

        assertThat(blocked.path("verdict").asText()).isEqualTo("BLOCKED");
        assertThat(blocked.path("findings").get(0).path("kind").asText()).isEqualTo("no-notes");
        assertThat(blocked.path("findings").get(0).path("severity").asText()).isEqualTo("BLOCKING");
        assertThat(blocked.has("failure")).isFalse();
        assertThat(directory.resolve("nested/dir").toFile().list()).containsExactly("report.json");
    }

    @Test
    void aReportThatCannotBeWrittenAtTheEndNeverHidesTheVerdict(@TempDir Path directory) throws Exception {
        String target = databases.create("report_lost", SHOP);
        Path json = directory.resolve("reports/report.json");
        Path markdown = directory.resolve("elsewhere/report.md");
        // the run's own check of the path passes; then, while the run goes on, a file takes the directory's place
        // (permissions would not do: the tests run as root)
        Check directoryGoesAway = context -> {
            Files.delete(json.getParent());
            Files.writeString(json.getParent(), "a file where the report's directory was");
            return List.of();
        };

        Outcome outcome;
        String log;
        try (StandardErrorCapture capture = StandardErrorCapture.start()) {
            outcome = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE)).check(directoryGoesAway)
                    .reportTo(json).markdownReportTo(markdown).load().run();
            log = capture.text();
        }

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(postgres.query(target, "SELECT id FROM script_history")).containsExactly("1");
        assertThat(outcome.reportFailures()).containsExactly("The JSON report was not written to " + json
                + ": " + json.getParent() + " is not a directory");
        assertThat(log).contains("ERROR dev.rehearsal.Rehearsal - " + outcome.reportFailures().get(0));
        assertThat(markdown).content().contains("PROMOTED");
        assertThat(new ObjectMapper().readTree(Reports.json(outcome)).path("reportFailures").get(0).asText())
                .isEqualTo(outcome.reportFailures().get(0));
        assertThat(outcome.orThrow()).isSameAs(outcome);
    }

    @Test
    void orThrowThrowsWithTheVerdictsErrorCodeExitCodeAndReasons() {
        String target = databases.create("or_throw", SHOP);

        Outcome failed = rehearsal(target, new ScriptEngine().migration("1", UNIQUE_EMAIL)).load().run();
        Outcome blocked = rehearsal(target, new ScriptEngine().migration("1", ADD_NOTE))
                .check(context -> List.of(Finding.blocking("no-notes", "notes are not allowed"))).load().run();

        assertThatThrownBy(failed::orThrow).isInstanceOfSatisfying(RehearsalFailedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FAILED_ON_BRANCH);
            assertThat(e.code().exitCode()).isEqualTo(2).isEqualTo(failed.verdict().exitCode());
            assertThat(e.outcome()).isSameAs(failed);
            assertThat(e.getMessage()).contains("FAILED_ON_BRANCH", "migration 1 (migration 1) failed on the branch",
                    "[SQLSTATE 23505]", "is duplicated");
        });
        assertThatThrownBy(blocked::orThrow).isInstanceOfSatisfying(RehearsalFailedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BLOCKED);
            assertThat(e.code().exitCode()).isEqualTo(1);
            assertThat(e.getMessage()).contains("BLOCKED", "[no-notes] notes are not allowed");
        });
    }

    @Test
    void theStatementTraceAttributesEveryStatementToItsMigrationAndTheHistoryRowsToTheEngine() {
        String target = databases.create("trace", SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1", ADD_NOTE, "UPDATE customers SET note = 'x' WHERE id <= 7")
                .migration("2!", "CREATE INDEX CONCURRENTLY customers_note ON customers (note)");

        Outcome outcome = rehearsal(target, engine).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.statements())
                .extracting(StatementTrace::migration, StatementTrace::sql, StatementTrace::inTransaction)
                .containsExactly(
                        tuple(null, "CREATE TABLE IF NOT EXISTS script_history (id text PRIMARY KEY)", false),
                        tuple("1", ADD_NOTE, true),
                        tuple("1", "UPDATE customers SET note = 'x' WHERE id <= 7", true),
                        tuple(null, "INSERT INTO script_history VALUES (?)", true),
                        tuple("2!", "CREATE INDEX CONCURRENTLY customers_note ON customers (note)", false),
                        tuple(null, "INSERT INTO script_history VALUES (?)", true));
        assertThat(outcome.statements()).extracting(StatementTrace::sequence).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(outcome.statements().get(2).rowsAffected()).isEqualTo(7L);
    }

    @Test
    void targetDataSourceIsReadForItsUrlAndCredentialsWithoutOpeningAConnection() {
        String target = databases.create("data_source", SHOP);
        AtomicInteger connectionsTaken = new AtomicInteger();
        PGSimpleDataSource application = new PGSimpleDataSource() {
            private static final long serialVersionUID = 1L;

            @Override
            public Connection getConnection(String user, String password) throws SQLException {
                connectionsTaken.incrementAndGet();
                return super.getConnection(user, password);
            }
        };
        application.setURL(postgres.jdbcUrl(target) + "?ApplicationName=orders-service");
        application.setUser("postgres");
        application.setPassword("application-password");

        Outcome outcome = Rehearsal.configure().target(application)
                .engine(new ScriptEngine().migration("1", ADD_NOTE)).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(connectionsTaken).hasValue(0);
        assertThat(outcome.target()).isEqualTo(postgres.jdbcUrl(target) + "?ApplicationName=orders-service");
        assertThat(postgres.query(target, "SELECT id FROM script_history")).containsExactly("1");
    }

    /** Each pending migration as {@code "id: state on the branch -> state on the target"}, in order. */
    private static ListAssert<String> assertThatStates(Outcome outcome) {
        return assertThat(outcome.migrations().stream()
                .map(migration -> migration.id() + ": " + migration.branch() + " -> " + migration.target()).toList());
    }

    /** The target is as it was before the run (schema and data), and no branch of it is left. */
    private void assertUnchangedWithNoBranchLeft(String target, String before) {
        assertThat(postgres.describe(target)).isEqualTo(before);
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    private Rehearsal.Builder rehearsal(String target, ScriptEngine engine) {
        // about the pipeline: every ALTER here takes its lock without lock_timeout, which LockTimeoutCheckIT judges
        return Rehearsal.configure().target(postgres.location(target)).engine(engine)
                .policy(Policy.builder().ignore(FindingKinds.NO_LOCK_TIMEOUT).build());
    }

    private static List<String> columnsOfCustomers(Connection connection) throws SQLException {
        try (connection; Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
                     + "WHERE attrelid = 'customers'::regclass AND attnum > 0")) {
            rows.next();
            return List.of(rows.getString(1).split(","));
        }
    }
}
