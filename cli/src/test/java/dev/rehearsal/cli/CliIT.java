package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.CliProcess.Result;
import dev.rehearsal.cli.CliProcess.Running;
import dev.rehearsal.testing.Await;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real jar, run as a process the way a CI step runs it. */
class CliIT {
    private static final String SHOP = "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, note text); "
            + "INSERT INTO customers SELECT i, 'c' || (i % 40) || '@example.com', 'n' FROM generate_series(1, 200) i;";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    private final TestPostgres postgres = databases.postgres();
    @RegisterExtension
    final TestDatabases on15 = TestDatabases.onPostgres15();

    @TempDir
    Path migrations;

    @Test
    void migratePromotesASafeChangeAndExitsZeroWritingTheHtmlReport(@TempDir Path reports) throws Exception {
        String target = target();
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        Path html = reports.resolve("rehearsal/report.html");

        Result result = cli(Map.of(), "migrate", "--url", postgres.jdbcUrl(target), "--user", "postgres",
                "--locations", "filesystem:" + migrations, "--html-report", html.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains(": PROMOTED");
        assertThat(html).content().contains("<html", "PROMOTED");
        assertThat(postgres.query(target, "SELECT count(*) FROM information_schema.columns WHERE column_name = "
                + "'phone'")).containsExactly("1");
    }

    @Test
    void aMigrationThatFailsOnTheDataExitsTwoAndTheJsonCarriesTheFinding() throws Exception {
        String target = target();
        Files.writeString(migrations.resolve("V2__unique.sql"), "CREATE UNIQUE INDEX customers_email ON customers "
                + "(email);");

        Result result = cli(Map.of(), "rehearse", "--url", postgres.jdbcUrl(target), "--user", "postgres",
                "--locations", "filesystem:" + migrations, "--format", "json");

        assertThat(result.exit()).isEqualTo(2);
        JsonNode report = new ObjectMapper().readTree(result.out());
        assertThat(report.get("verdict").asText()).isEqualTo("FAILED_ON_BRANCH");
        assertThat(report.get("failure").get("sqlState").asText()).isEqualTo("23505");
        assertThat(report.get("findings").findValuesAsText("kind")).contains("failed-on-data");
    }

    @Test
    void aBlockingFindingExitsOneAndTheMarkdownSaysWhy() throws Exception {
        String target = target();
        Files.writeString(migrations.resolve("V2__drop_note.sql"), "ALTER TABLE customers DROP COLUMN note;");

        Result result = cli(Map.of(), "rehearse", "--url", postgres.jdbcUrl(target), "--user", "postgres",
                "--locations", "filesystem:" + migrations, "--format", "markdown");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).startsWith("## ").contains("BLOCKED", "data-loss");
    }

    @Test
    void aTargetInUseExitsFourAndNamesTheOptionThatCopiesADatabaseInUse() throws Exception {
        String target = target();
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        List<String> before = postgres.databasesOfThisProcess();

        Result result;
        try (java.sql.Connection application = postgres.openSession(target, "shop-app")) {
            result = cli(Map.of(), "rehearse", "--url", postgres.jdbcUrl(target), "--user", "postgres",
                    "--locations", "filesystem:" + migrations);
        }

        assertThat(result.exit()).as(result.err()).isEqualTo(4);
        assertThat(result.err()).contains("shop-app", "--branch-provider snapshot-copy")
                .doesNotContain("branchProvider(", "Builder");
        assertThat(postgres.databasesOfThisProcess()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void aMigrationThatDropsTheTargetOrCreatesARoleIsNeverRunAndExitsOne() throws Exception {
        String target = target();
        Files.writeString(migrations.resolve("V2__drop.sql"), "DROP DATABASE IF EXISTS " + target + ";");
        List<String> databases = postgres.databasesOfThisProcess();
        String roles = String.join(",", postgres.query("postgres", "SELECT rolname FROM pg_roles ORDER BY 1"));

        Result dropTarget = cli(Map.of(), "migrate", "--url", postgres.jdbcUrl(target), "--user", "postgres",
                "--locations", "filesystem:" + migrations, "--format", "json");
        Files.writeString(migrations.resolve("V2__drop.sql"), "CREATE ROLE cli_guard_role;");
        Result createRole = cli(Map.of(), "migrate", "--url", postgres.jdbcUrl(target), "--user", "postgres",
                "--locations", "filesystem:" + migrations, "--format", "json");

        assertThat(dropTarget.exit()).as(dropTarget.err()).isEqualTo(1);
        JsonNode dropReport = new ObjectMapper().readTree(dropTarget.out());
        assertThat(dropReport.get("verdict").asText()).isEqualTo("BLOCKED");
        assertThat(dropReport.get("findings").findValuesAsText("kind")).containsExactly("data-loss");
        assertThat(createRole.exit()).as(createRole.err()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(createRole.out()).get("findings").findValuesAsText("kind"))
                .containsExactly("outside-branch");
        assertThat(postgres.databasesOfThisProcess()).containsAll(databases).contains(target);
        assertThat(String.join(",", postgres.query("postgres", "SELECT rolname FROM pg_roles ORDER BY 1")))
                .isEqualTo(roles);
    }

    @Test
    void badArgumentsGiveUsageAndSixtyFourAndEveryCommandHasHelp() throws Exception {
        Result unknown = cli(Map.of(), "rehearse", "--bogus");
        Result noEngine = cli(Map.of(), "rehearse", "--url", postgres.jdbcUrl("postgres"));
        Result bothEngines = cli(Map.of(), "rehearse", "--url", postgres.jdbcUrl("postgres"), "--locations", "x",
                "--changelog", "y.xml");

        assertThat(unknown.exit()).isEqualTo(64);
        assertThat(unknown.err()).contains("Unknown option: '--bogus'", "Usage: rehearsal rehearse");
        assertThat(noEngine.exit()).isEqualTo(64);
        assertThat(bothEngines.exit()).isEqualTo(64);
        assertThat(bothEngines.err()).contains("Flyway (--locations) or Liquibase (--changelog), not both");
        assertThat(noEngine.err()).contains("Give the migrations: --locations (Flyway)");
        for (String command : List.of("rehearse", "migrate", "branch", "demo")) {
            Result help = cli(Map.of(), command, "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).startsWith("Usage: rehearsal " + command);
        }
    }

    @Test
    void anUnreachableServerExitsFiveAndThePasswordIsNeverEchoed() throws Exception {
        String password = "Pw-" + UUID.randomUUID();
        String role = databases.role("cli", password);
        postgres.requirePassword(role);
        String target = target();
        postgres.execute("postgres", "ALTER DATABASE " + target + " OWNER TO " + role);
        postgres.execute(target, "ALTER TABLE customers OWNER TO " + role,
                "ALTER TABLE flyway_schema_history OWNER TO " + role, "GRANT CREATE ON SCHEMA public TO " + role);
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");

        Result unreachable = cli(Map.of("REHEARSAL_PASSWORD", password), "rehearse", "--url",
                "jdbc:postgresql://localhost:1/" + target, "--user", role, "--locations", "filesystem:" + migrations);
        Result wrong = cli(Map.of("REHEARSAL_PASSWORD", "not-" + password), "rehearse", "--url",
                postgres.jdbcUrl(target), "--user", role, "--locations", "filesystem:" + migrations);
        Result right = cli(Map.of("REHEARSAL_PASSWORD", password), "rehearse", "--url", postgres.jdbcUrl(target),
                "--user", role, "--locations", "filesystem:" + migrations, "--format", "json");

        assertThat(unreachable.exit()).isEqualTo(5);
        assertThat(wrong.exit()).isEqualTo(5);
        assertThat(wrong.err()).contains("password authentication failed");
        assertThat(right.exit()).as(right.err()).isZero();
        for (Result result : List.of(unreachable, wrong, right)) {
            assertThat(result.out() + result.err()).doesNotContain(password);
        }
    }

    @Test
    void branchesForPeopleAreCreatedListedResetAndDeleted() throws Exception {
        String target = target();
        String name = "dev-cli-" + ProcessHandle.current().pid();
        databases.dropAfterwards(name);
        String url = postgres.jdbcUrl(target);

        Result created = cli(Map.of(), "branch", "create", name, "--url", url, "--user", "postgres");
        postgres.execute(name, "DELETE FROM customers");
        Result reset = cli(Map.of(), "branch", "reset", name, "--url", url, "--user", "postgres");
        Result listed = cli(Map.of(), "branch", "list", "--url", url, "--user", "postgres");
        int rowsAfterReset = Integer.parseInt(postgres.query(name, "SELECT count(*) FROM customers").get(0));
        Result deleted = cli(Map.of(), "branch", "delete", name, "--url", url, "--user", "postgres");
        Result none = cli(Map.of(), "branch", "list", "--url", url, "--user", "postgres");

        assertThat(List.of(created.exit(), reset.exit(), listed.exit(), deleted.exit(), none.exit())).containsOnly(0);
        String[] lines = listed.out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("NAME +PARENT +CREATED +EXPIRES +SIZE +URL");
        // a copy of the shop: a few MB; created today, to the minute in the local time zone; expires in 7 days
        assertThat(lines[1]).matches(java.util.regex.Pattern.quote(name) + " +" + target + " +\\d{4}-\\d\\d-\\d\\d "
                + "\\d\\d:\\d\\d +in 6d 23h +\\d+(\\.\\d)? MB +jdbc:postgresql://\\S+/" + name);
        assertThat(lines[1].indexOf(" " + target)).isEqualTo(lines[0].indexOf(" PARENT"));
        assertThat(created.out()).startsWith("NAME ").contains(name);
        assertThat(none.out().strip()).isEqualTo("no branches of " + target);
        assertThat(rowsAfterReset).isEqualTo(200);
        assertThat(postgres.databases()).doesNotContain(name);
    }

    @Test
    void promotionFailedBranchErrorLockedAndDivergedHaveTheirOwnExitCodes() throws Exception {
        String failsOnTarget = target();
        String diverges = target();
        String busy = target();
        String locked = target();

        // 3: passes on the branch, fails on the target
        Files.writeString(migrations.resolve("V2__target_only.sql"), "DO $$ BEGIN IF current_database() NOT LIKE "
                + "'rehearsal\\_%' THEN RAISE EXCEPTION 'refusing to run on %', current_database(); END IF; END $$;");
        assertThat(cli(Map.of(), "migrate", "--url", postgres.jdbcUrl(failsOnTarget), "--user", "postgres",
                "--locations", "filesystem:" + migrations).exit()).isEqualTo(3);
        Files.delete(migrations.resolve("V2__target_only.sql"));

        // 8: the target comes out different from the branch
        Files.writeString(migrations.resolve("V2__diverges.sql"), "DO $$ BEGIN IF current_database() NOT LIKE "
                + "'rehearsal\\_%' THEN CREATE INDEX only_here ON customers (note); END IF; END $$;");
        assertThat(cli(Map.of(), "migrate", "--url", postgres.jdbcUrl(diverges), "--user", "postgres",
                "--locations", "filesystem:" + migrations).exit()).isEqualTo(8);

        // 4: someone is connected to the target, so no branch can be made
        databases.session(busy, "billing-service");
        Result inUse = cli(Map.of(), "rehearse", "--url", postgres.jdbcUrl(busy), "--user", "postgres",
                "--locations", "filesystem:" + migrations);
        assertThat(inUse.exit()).isEqualTo(4);
        assertThat(inUse.err()).contains("billing-service");

        // 6: another runner holds the target's turn and this one may not wait
        try (var session = postgres.openSession("postgres", "other-runner");
             var statement = session.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + 0x52454852 + ", hashtext('" + locked + "'))");
            assertThat(cli(Map.of(), "migrate", "--url", postgres.jdbcUrl(locked), "--user", "postgres",
                    "--locations", "filesystem:" + migrations, "--wait-for-other-runners", "0s").exit())
                    .isEqualTo(6);
        }
    }

    @Test
    void aTargetChangedWhileTheBranchWasMigratedExitsSevenAndNothingIsPromoted() throws Exception {
        String target = target();
        // slow on the branch, so the target can change between the branch's copy and the promotion
        Files.writeString(migrations.resolve("V2__slow_phone.sql"), "SELECT pg_sleep(4); "
                + "ALTER TABLE customers ADD COLUMN phone text;");
        Running running = start(List.of(), Map.of(), "migrate", "--url", postgres.jdbcUrl(target), "--user",
                "postgres", "--locations", "filesystem:" + migrations);
        awaitBranchOf(target, running);
        postgres.execute(target, "ALTER TABLE customers ADD COLUMN hotfix int"); // someone's hotfix, meanwhile

        Result result = running.result();
        assertThat(result.exit()).as(result.err()).isEqualTo(7);
        assertThat(result.out() + result.err()).contains("TARGET_CHANGED", "hotfix");
        assertThat(postgres.query(target, "SELECT count(*) FROM information_schema.columns WHERE column_name = "
                + "'phone'")).containsExactly("0");
        assertThat(postgres.query(target, "SELECT max(version) FROM flyway_schema_history")).containsExactly("1");
    }

    @Test
    void aReportThatCannotBeWrittenIsRefusedBeforeAnythingIsDone(@TempDir Path reports) throws Exception {
        String target = target();
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        Path file = Files.writeString(reports.resolve("target"), "a file where a directory should be");
        String[] migrate = {"migrate", "--url", postgres.jdbcUrl(target), "--user", "postgres", "--locations",
                "filesystem:" + migrations};

        Result proc = cli(Map.of(), concat(migrate, "--report", "/proc/nope/r.json"));
        Result underAFile = cli(Map.of(), concat(migrate, "--markdown-report", file.resolve("r.md").toString()));
        Result aDirectory = cli(Map.of(), concat(migrate, "--report", reports.toString()));
        Result html = cli(Map.of(), concat(migrate, "--html-report", file.resolve("r.html").toString()));

        assertThat(List.of(proc.exit(), underAFile.exit(), aDirectory.exit(), html.exit())).containsOnly(64);
        assertThat(html.err()).contains("rehearsal: --html-report " + file.resolve("r.html"),
                file + " is not a directory");
        assertThat(proc.err()).contains("rehearsal: --report /proc/nope/r.json: the report cannot be written there "
                + "(cannot create the directory /proc/nope", "Point --report somewhere");
        assertThat(underAFile.err()).contains("rehearsal: --markdown-report " + file.resolve("r.md"),
                file + " is not a directory");
        assertThat(aDirectory.err()).contains(reports + " is a directory");
        assertThat(proc.out() + underAFile.out() + aDirectory.out() + html.out()).doesNotContain("PROMOTED");
        assertThat(postgres.query(target, "SELECT max(version) FROM flyway_schema_history")).containsExactly("1");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void aReportThatFailsAtTheEndLeavesTheVerdictAndItsExitCode(@TempDir Path reports) throws Exception {
        String target = target();
        // slow, so the report's directory can be taken away while the branch is migrated
        Files.writeString(migrations.resolve("V2__slow_phone.sql"), "SELECT pg_sleep(2); "
                + "ALTER TABLE customers ADD COLUMN phone text;");
        Path report = reports.resolve("out/report.json");
        Running running = start(List.of(), Map.of(), "migrate", "--url", postgres.jdbcUrl(target), "--user",
                "postgres", "--locations", "filesystem:" + migrations, "--report", report.toString());
        awaitBranchOf(target, running);
        // the run checked the directory at its start; now a file takes its place (root ignores permissions)
        Files.delete(report.getParent());
        Files.writeString(report.getParent(), "a file where the report's directory was");

        Result result = running.result();
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains(": PROMOTED");
        assertThat(result.err()).contains("rehearsal: The JSON report was not written to " + report + ": "
                + report.getParent() + " is not a directory");
        assertThat(postgres.query(target, "SELECT count(*) FROM information_schema.columns WHERE column_name = "
                + "'phone'")).containsExactly("1");
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutBeingEchoed() throws Exception {
        String target = target();
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        String password = "Pw-" + UUID.randomUUID();
        String url = postgres.jdbcUrl(target);
        List<String> urls = List.of(url + "?password=" + password, url + "?sslmode=disable&PASSWORD=" + password,
                url + "?pass%77ord=" + password, "jdbc:postgresql://postgres:" + password + "@localhost:"
                        + postgres.port() + "/" + target);

        List<Result> results = new ArrayList<>();
        for (String withPassword : urls) {
            results.add(cli(Map.of(), "migrate", "--url", withPassword, "--user", "postgres", "--locations",
                    "filesystem:" + migrations));
        }
        results.add(cli(Map.of(), "branch", "list", "--url", urls.get(0), "--user", "postgres"));

        for (Result result : results) {
            assertThat(result.exit()).as(result.err()).isEqualTo(64);
            assertThat(result.err()).contains("--url carries a password (", "remove it from the URL and export the "
                    + "password as REHEARSAL_PASSWORD, or in another variable named with --password-env");
            assertThat(result.out() + result.err()).doesNotContain(password);
        }
        assertThat(results.get(0).err()).contains("(the password parameter)");
        assertThat(results.get(3).err()).contains("(user:password@ before the host)");
        assertThat(postgres.query(target, "SELECT max(version) FROM flyway_schema_history")).containsExactly("1");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void snapshotCopyRehearsesATargetThatIsInUseWhereTheTemplateProviderCannot() throws Exception {
        TestPostgres postgres15 = on15.postgres();
        String target = on15.create("cli_busy");
        on15.session(target, "billing-service");
        Files.writeString(migrations.resolve("V1__shop.sql"), SHOP);
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        org.flywaydb.core.Flyway.configure().dataSource(postgres15.jdbcUrl(target), "postgres", null)
                .locations("filesystem:" + migrations).target("1").load().migrate();
        String[] arguments = {"rehearse", "--url", postgres15.jdbcUrl(target), "--user", "postgres",
                "--locations", "filesystem:" + migrations};

        Result template = cli(Map.of(), arguments);
        // stderr is a pipe, as in CI: a line at each phase, and (the period made 0s) one as each table is done
        Result snapshot = cli(List.of("-D" + ProgressLine.EVERY_PROPERTY + "=0s"), Map.of(), concat(arguments,
                "--branch-provider", "snapshot-copy", "--branch-option", "jobs=2"));
        Result quiet = cli(Map.of(), concat(arguments, "--branch-provider", "snapshot-copy", "--no-progress"));
        Result unknownOption = cli(Map.of(), concat(arguments, "--branch-provider", "snapshot-copy",
                "--branch-option", "threads=2"));

        assertThat(template.exit()).isEqualTo(4);
        assertThat(template.err()).contains("billing-service");
        assertThat(snapshot.exit()).as(snapshot.err()).isZero();
        assertThat(snapshot.out()).contains(": PASSED", "snapshot");
        // two tables: customers and flyway_schema_history
        assertThat(snapshot.err()).contains("copy of " + target + ": 0% dumping, 0/2 tables, 0 B/",
                "% dumping, 1/2 tables,", ": 50% restoring, 0/2 tables,", "% restoring, 1/2 tables,",
                "copy of " + target + ": done in ").doesNotContain("\r");
        assertThat(quiet.exit()).as(quiet.err()).isZero();
        assertThat(quiet.err()).doesNotContain("copy of");
        assertThat(unknownOption.exit()).isEqualTo(64);
        assertThat(unknownOption.err()).contains("no option 'threads'");
        assertThat(postgres15.branchesOf(target)).isEmpty();
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /** A shop whose V1 plain Flyway applied: 200 customers, e-mails repeating every 40. */
    @Test
    void statsPrintsProductionsSizesByWhichARehearsalOfAnEmptyDatabaseIsJudged(@TempDir Path files) throws Exception {
        String production = target();
        postgres.execute(production, "ANALYZE");
        // a development database: production's schema, no rows
        Path migration = Files.createDirectories(files.resolve("migrations"));
        Files.writeString(migration.resolve("V1__shop.sql"), SHOP.substring(0, SHOP.indexOf("INSERT")));
        Files.writeString(migration.resolve("V2__index.sql"), "CREATE INDEX customers_email ON customers (email);");
        String development = databases.create("dev");
        org.flywaydb.core.Flyway.configure().dataSource(postgres.jdbcUrl(development), "postgres", null)
                .locations("filesystem:" + migration).target("1").load().migrate();

        Result stats = cli(Map.of(), "stats", "--url", postgres.jdbcUrl(production), "--user", "postgres");
        Path sizes = Files.writeString(files.resolve("production-stats.json"), stats.out());
        Result judged = cli(Map.of(), "rehearse", "--url", postgres.jdbcUrl(development), "--user", "postgres",
                "--locations", "filesystem:" + migration, "--rows-under-lock", "100", "--production-sizes",
                sizes.toString(), "--format", "json");
        Result unjudged = cli(Map.of(), "rehearse", "--url", postgres.jdbcUrl(development), "--user", "postgres",
                "--locations", "filesystem:" + migration, "--rows-under-lock", "100", "--format", "json");

        assertThat(stats.exit()).as(stats.err()).isZero();
        assertThat(new ObjectMapper().readTree(stats.out()).at("/tables/public.customers/rows").asLong())
                .isEqualTo(200);
        assertThat(judged.exit()).as(judged.err()).isEqualTo(1);
        JsonNode lock = StreamSupport.stream(new ObjectMapper().readTree(judged.out()).get("findings").spliterator(),
                false).filter(f -> f.get("kind").asText().equals("blocking-lock")).findFirst().orElseThrow();
        assertThat(lock.get("message").asText()).contains("judged at production size (200 rows, from " + sizes);
        assertThat(unjudged.exit()).as(unjudged.err()).isZero();
    }

    private String target() throws IOException {
        String target = databases.create("cli");
        Files.writeString(migrations.resolve("V1__shop.sql"), SHOP);
        org.flywaydb.core.Flyway.configure().dataSource(postgres.jdbcUrl(target), "postgres", null)
                .locations("filesystem:" + migrations).load().migrate();
        return target;
    }

    private static Result cli(Map<String, String> environment, String... arguments) throws Exception {
        return CliProcess.run(environment, arguments);
    }

    private static Result cli(List<String> jvmOptions, Map<String, String> environment, String... arguments)
            throws Exception {
        return CliProcess.run(jvmOptions, environment, arguments);
    }

    private static Running start(List<String> jvmOptions, Map<String, String> environment, String... arguments)
            throws IOException {
        return CliProcess.start(jvmOptions, environment, arguments);
    }

    /** Waits until the running command has made its branch of {@code target}. */
    private void awaitBranchOf(String target, Running running) throws InterruptedException {
        Await.until("the branch of the run, or its end", () -> !running.process().isAlive()
                || !postgres.branchesOf(target).isEmpty());
        assertThat(postgres.branchesOf(target)).as("the branch of the run").isNotEmpty();
    }
}
