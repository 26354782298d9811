package dev.rehearsal.maven;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.testing.MavenProcess;
import dev.rehearsal.testing.MavenProcess.Build;
import dev.rehearsal.testing.MavenProcess.Running;
import dev.rehearsal.testing.Await;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin run by a real Maven on the sample projects of {@code src/it}, as a user's build runs it: the plugin
 * and its dependencies come from {@code target/it-repo}, where {@code maven-invoker-plugin:install} staged them.
 */
class MavenPluginIT {
    private static final Path SAMPLES = Path.of("src/it").toAbsolutePath();
    private static final String LIQUIBASE_5 = System.getProperty("rehearsal.it.liquibase5", "5.0.4");
    private static final String VERSION = MavenProcess.VERSION;

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();
    @RegisterExtension
    final TestDatabases on15 = TestDatabases.onPostgres15();

    @TempDir
    Path work;

    @Test
    void aSafeChangeSetPassesTheBuildWithCredentialsFromSettingsAndLeavesTheTargetAlone() throws Exception {
        Path project = sample("flyway-safe");
        String password = "Pw-" + UUID.randomUUID();
        String role = ownedByNewRole(password);
        String target = shopAtVersion1(project.resolve("src/main/resources/db/migration"), role);

        Build build = mvn(project, settings(Map.of("rehearsal", new String[] {role, password})), "verify",
                "-Ddb.url=" + postgres.jdbcUrl(target));

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains("rehearsal-maven-plugin:" + VERSION + ":rehearse", ": PASSED",
                "customer phone", "BUILD SUCCESS").doesNotContain(password);
        JsonNode report = new ObjectMapper().readTree(project.resolve("target/rehearsal/report.json").toFile());
        assertThat(report.get("verdict").asText()).isEqualTo("PASSED");
        assertThat(project.resolve("target/rehearsal/report.md")).content().contains("PASSED");
        assertThat(project.resolve("target/rehearsal/report.html")).content().contains("<html", "PASSED");
        assertThat(columns(target)).doesNotContain("phone");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void aDangerousChangeSetFailsTheBuildWithTheFindingInTheOutput() throws Exception {
        Path project = sample("flyway-dangerous");
        String target = shopAtVersion1(project.resolve("src/main/resources/db/migration"), null);
        Path settings = settings(Map.of("rehearsal", new String[] {"postgres", ""}));

        Build failed = mvn(project, settings, "verify", "-Ddb.url=" + postgres.jdbcUrl(target));
        Build tolerated = mvn(project, settings, "verify", "-Ddb.url=" + postgres.jdbcUrl(target),
                "-Drehearsal.failOnFindings=false");

        assertThat(failed.exit()).isNotZero();
        assertThat(failed.output()).contains("BUILD FAILURE", "Rehearsal BLOCKED", "[data-loss]",
                "drop customer note", "column public.customers.note");
        assertThat(project.resolve("target/rehearsal/report.md")).content().contains("data-loss");
        assertThat(tolerated.exit()).as(tolerated.output()).isZero();
        assertThat(tolerated.output()).contains("[WARNING] Rehearsal of", "[data-loss]",
                "failOnFindings is false", "BUILD SUCCESS");
        assertThat(columns(target)).contains("note");
        assertThat(postgres.query(target, "SELECT count(*) FROM customers WHERE note IS NOT NULL"))
                .containsExactly("200");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void migrateReadsTheTargetMigrationsAndPlaceholdersFromTheProjectsFlywayToml() throws Exception {
        Path project = sample("flyway-toml");
        String target = shopAtVersion1(project.resolve("sql"), null);
        replace(project.resolve("flyway.toml"), "@db.url@", postgres.jdbcUrl(target));

        Build build = mvn(project, null, "rehearsal:migrate");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains(": PROMOTED");
        assertThat(postgres.query(target, "SELECT col_description('customers'::regclass, 4)"))
                .containsExactly("default tier: silver");
        assertThat(postgres.query(target, "SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1", "2");
    }

    @Test
    void aLiquibasePropertiesFileSelectsLiquibaseAndMigrateAppliesTheChangelog() throws Exception {
        Path project = sample("liquibase");
        String target = databases.create("mvn_lb", "CREATE TABLE customers (id int PRIMARY KEY, email text)",
                "INSERT INTO customers SELECT i, 'c' || i FROM generate_series(1, 50) i");
        replace(project.resolve("liquibase.properties"), "@db.url@", postgres.jdbcUrl(target));

        Build build = mvn(project, null, "rehearsal:migrate");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains("Liquibase", ": PROMOTED", "customer-phone");
        assertThat(postgres.query(target, "SELECT data_type FROM information_schema.columns WHERE table_name = "
                + "'customers' AND column_name = 'phone'")).containsExactly("text");
        assertThat(postgres.query(target, "SELECT id || ' ' || filename FROM databasechangelog"))
                .containsExactly("customer-phone db/changelog/main.yaml");
    }

    @Test
    void aProjectOnLiquibase5DeclaresItAsThePluginsDependency() throws Exception {
        Path project = sample("liquibase");
        String target = databases.create("mvn_lb5", "CREATE TABLE customers (id int PRIMARY KEY, email text)");
        replace(project.resolve("liquibase.properties"), "@db.url@", postgres.jdbcUrl(target));
        replace(project.resolve("pom.xml"), "</configuration>", "</configuration><dependencies><dependency>"
                + "<groupId>org.liquibase</groupId><artifactId>liquibase-core</artifactId><version>"
                + LIQUIBASE_5 + "</version></dependency></dependencies>");

        Build build = mvn(project, null, "rehearsal:rehearse");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains("Liquibase " + LIQUIBASE_5, ": PASSED", "customer-phone");
        assertThat(columns(target)).doesNotContain("phone");
    }

    @Test
    void liquibaseSettingsComeFromTheCommandLineThenLiquibaseVariablesThenThePropertyFile() throws Exception {
        Path project = sample("liquibase-settings");
        String target = databases.create("mvn_lb_settings");
        replace(project.resolve("liquibase.properties"), "@db.url@", postgres.jdbcUrl(target));

        Build build = mvn(project, null, Map.of("LIQUIBASE_COMMAND_CONTEXT_FILTER", "env",
                "LIQUIBASE_COMMAND_LABEL_FILTER", "env-label", "p_env", "env_wins",
                "LIQUIBASE_ANALYTICS_ENABLED", "false"), "rehearsal:migrate", "-Drehearsal.contexts=cli");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains(": PROMOTED");
        // contexts: -D over the variable over the file; labels: the variable over the file; parameters: the POM's,
        // the variable's and the file's; the history table named in the file
        assertThat(postgres.query(target, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                .containsExactlyInAnyOrder("customers", "context_cli", "label_env", "pom_wins", "env_wins",
                        "file_only", "schema_history", "databasechangeloglock");
        assertThat(postgres.query(target, "SELECT filename || '::' || id FROM schema_history ORDER BY orderexecuted"))
                .startsWith("customers.yaml::create-customers", "db/main.yaml::for-command-line-context");
    }

    @Test
    void commandLinePropertiesWinOverThePomSoMigrateChangesTheDatabaseTheUserNamedAndNotThePomsOne()
            throws Exception {
        Path project = sample("precedence");
        Path migrations = project.resolve("src/main/resources/db/migration");
        String password = "Pw-" + UUID.randomUUID();
        String role = ownedByNewRole(password);
        String target = shopAtVersion1(migrations, role);
        String inPom = shopAtVersion1(migrations, null);
        replace(project.resolve("pom.xml"), "@pom.url@", postgres.jdbcUrl(inPom));

        // -X, so that the debug line naming what the command line set is shown, and no password even then
        Build build = mvn(project, null, "-X", "rehearsal:migrate", "-Drehearsal.url=" + postgres.jdbcUrl(target),
                "-Drehearsal.user=" + role, "-Drehearsal.password=" + password, "-Drehearsal.branchProvider=template",
                "-Drehearsal.locations=filesystem:src/main/resources/db/migration,filesystem:cli-migrations");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains(": PROMOTED").doesNotContain(password);
        assertThat(build.output().lines().filter(line -> line.contains("from Maven's command line, over the POM")))
                .singleElement().asString().contains("url (-Drehearsal.url)", "user (-Drehearsal.user)",
                        "password (-Drehearsal.password)", "branchProvider (-Drehearsal.branchProvider)",
                        "locations (-Drehearsal.locations)");
        JsonNode report = new ObjectMapper().readTree(project.resolve("target/rehearsal/report.json").toFile());
        assertThat(report.at("/branch/provider").asText()).isEqualTo("template");
        // both -D locations, neither of the POM's; applied as the -D user, who logged in with the -D password
        assertThat(postgres.query(target, "SELECT version || ' ' || installed_by FROM flyway_schema_history "
                + "ORDER BY installed_rank")).containsExactly("1 postgres", "2 " + role, "3 " + role);
        assertThat(columns(target)).contains("phone", "tier").doesNotContain("from_pom");
        assertThat(postgres.query(inPom, "SELECT version FROM flyway_schema_history")).containsExactly("1");
        assertThat(columns(inPom)).containsExactlyInAnyOrder("id", "email", "note");
        assertThat(postgres.branchesOf(inPom)).isEmpty();
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void flywaySettingsComeFromTheFileThePomTheEnvironmentAndTheCommandLineInFlywaysOrder() throws Exception {
        Path project = sample("flyway-settings");
        Path sql = project.resolve("sql");
        String target = databases.create("mvn_settings");
        Files.writeString(sql.resolve("V3__price.sql"), "ALTER TABLE items ADD COLUMN price numeric;");
        Flyway.configure().dataSource(postgres.jdbcUrl(target), "postgres", null).locations("filesystem:" + sql)
                .table("app_history").target("3").load().migrate();
        // an applied migration whose file is gone (the POM ignores it) and one older than the newest applied
        Files.delete(sql.resolve("V3__price.sql"));
        Files.writeString(sql.resolve("V2_5__label.sql"), "ALTER TABLE items ADD COLUMN label text;");
        replace(project.resolve("flyway.toml"), "@db.url@", postgres.jdbcUrl(target));

        // -D over FLYWAY_OUT_OF_ORDER over the POM's <outOfOrder>false</outOfOrder>
        Build build = mvn(project, null, Map.of("FLYWAY_OUT_OF_ORDER", "false", "FLYWAY_PLACEHOLDERS_C", "env"),
                "rehearsal:migrate", "-Drehearsal.outOfOrder=true");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains(": PROMOTED");
        assertThat(postgres.query(target, "SELECT version FROM app_history ORDER BY installed_rank"))
                .containsExactly("1", "2", "3", "2.5", "4");
        assertThat(postgres.query(target, "SELECT concat_ws(' ', a, b, c) FROM settings"))
                .containsExactly("file pom env");
        assertThat(postgres.query(target, "SELECT to_regclass('history_named_in_toml') IS NULL"))
                .containsExactly("t");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void whatFlywayMigrateWouldRefuseFailsTheBuildBeforeAnyBranchNamingTheParameter() throws Exception {
        Path project = sample("flyway-safe");
        Path migrations = project.resolve("src/main/resources/db/migration");
        String target = shopAtVersion1(migrations, null);
        Files.delete(migrations.resolve("V1__shop.sql"));
        List<String> before = postgres.databasesOfThisProcess();

        Build build = mvn(project, null, "verify", "-Ddb.url=" + postgres.jdbcUrl(target),
                "-Drehearsal.user=postgres");

        assertThat(build.exit()).isNotZero();
        assertThat(build.output()).contains("Rehearsal is not configured right: Flyway validates the target before "
                + "it migrates (<validateOnMigrate>, on by default)", "migration 1 (shop) was applied to the target "
                + "but is not among the migrations of <locations>: restore it, or ignore it with "
                + "<ignoreMigrationPatterns>*:missing</ignoreMigrationPatterns>", "BUILD FAILURE");
        assertThat(postgres.databasesOfThisProcess()).isEqualTo(before);
        assertThat(columns(target)).doesNotContain("phone");
    }

    @Test
    void snapshotCopyRehearsesATargetThatIsInUse() throws Exception {
        Path project = sample("flyway-safe");
        TestPostgres postgres15 = on15.postgres();
        String target = on15.create("mvn_busy");
        on15.session(target, "billing-service");
        Flyway.configure().dataSource(postgres15.jdbcUrl(target), "postgres", null).locations("filesystem:"
                + project.resolve("src/main/resources/db/migration")).target("1").load().migrate();
        String[] arguments = {"verify", "-Ddb.url=" + postgres15.jdbcUrl(target), "-Drehearsal.user=postgres"};

        Build snapshot = mvn(project, null, concat("-Drehearsal.branchProvider=snapshot-copy", arguments));
        Build unknown = mvn(project, null, concat("-Drehearsal.branchProvider=zfs", arguments));

        assertThat(snapshot.exit()).as(snapshot.output()).isZero();
        assertThat(snapshot.output()).contains(": PASSED", "snapshot");
        assertThat(unknown.output()).contains("Unknown branch provider 'zfs': use one of [template, "
                + "snapshot-copy, neon, auto]", "BUILD FAILURE");
        assertThat(postgres15.branchesOf(target)).isEmpty();
    }

    @Test
    void helpListsEveryGoal() throws Exception {
        Build help = mvn(sample("branches"), null, "rehearsal:help");

        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("rehearsal:rehearse", "rehearsal:migrate", "rehearsal:branch-create",
                "rehearsal:branch-reset", "rehearsal:branch-delete", "rehearsal:branch-list");
    }

    @Test
    void branchGoalsCreateListResetAndDeleteWithAnEncryptedSettingsPassword() throws Exception {
        Path project = sample("branches");
        String password = "Pw-" + UUID.randomUUID();
        String role = ownedByNewRole(password);
        String target = databases.create("mvn_br", "CREATE TABLE customers (id int PRIMARY KEY)",
                "INSERT INTO customers SELECT generate_series(1, 200)");
        giveTo(target, role);
        Path security = work.resolve("settings-security.xml");
        Files.writeString(security, "<settingsSecurity><master>" + encrypt("--encrypt-master-password",
                "master-" + UUID.randomUUID(), null) + "</master></settingsSecurity>");
        String encrypted = encrypt("--encrypt-password", password, security);
        Path settings = settings(Map.of("shop-db", new String[] {role, encrypted}));
        String name = "dev_mvn_" + ProcessHandle.current().pid();
        databases.dropAfterwards(name);
        String[] common = {"-Ddb.url=" + postgres.jdbcUrl(target), "-Dsettings.security=" + security,
                "-Drehearsal.branch=" + name};

        Build created = mvn(project, settings, concat("rehearsal:branch-create", "-Drehearsal.branchExpiry=2d",
                common));
        postgres.execute(name, "DELETE FROM customers WHERE id > 10");
        Build reset = mvn(project, settings, concat("rehearsal:branch-reset", common));
        int rowsAfterReset = Integer.parseInt(postgres.query(name, "SELECT count(*) FROM customers").get(0));
        Build listed = mvn(project, settings, concat("rehearsal:branch-list", common));
        Build deleted = mvn(project, settings, concat("rehearsal:branch-delete", common));

        for (Build build : List.of(created, reset, listed, deleted)) {
            assertThat(build.exit()).as(build.output()).isZero();
            assertThat(build.output()).doesNotContain(password, encrypted);
        }
        assertThat(created.output()).contains("Created branch " + name + " (of " + target);
        assertThat(rowsAfterReset).isEqualTo(200);
        assertThat(reset.output()).contains("Reset branch " + name);
        assertThat(listed.output()).contains(name + " (of " + target);
        assertThat(deleted.output()).contains("Deleted branch " + name);
        assertThat(postgres.databases()).doesNotContain(name);
    }

    @Test
    void theGoalsAreThreadSafeInAParallelBuild() throws Exception {
        Path project = sample("parallel");
        String a = shopAtVersion1(project.resolve("a/src/main/resources/db/migration"), null);
        String b = shopAtVersion1(project.resolve("b/src/main/resources/db/migration"), null);

        Build build = mvn(project, null, "-T", "2", "verify", "-Ddb.a=" + postgres.jdbcUrl(a),
                "-Ddb.b=" + postgres.jdbcUrl(b));

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains("a flag", "b flag").doesNotContain("threadSafe", "thread-safe");
        assertThat(Pattern.compile("Flyway [0-9.]+: PASSED").matcher(build.output()).results().count())
                .isEqualTo(2);
    }

    @Test
    void misconfigurationNamesTheProblemAndTheFixAndTouchesNothing() throws Exception {
        Path project = sample("flyway-safe");
        String target = shopAtVersion1(project.resolve("src/main/resources/db/migration"), null);
        String url = "-Ddb.url=" + postgres.jdbcUrl(target);

        Build noUrl = mvn(project, null, "verify");
        Build unknownServer = mvn(project, null, "verify", url, "-Drehearsal.serverId=nowhere");
        Build both = mvn(project, null, "verify", url, "-Drehearsal.user=postgres",
                "-Drehearsal.changeLogFile=db/changelog/main.yaml");
        Build badDuration = mvn(project, null, "verify", url, "-Drehearsal.user=postgres",
                "-Drehearsal.lockTimeout=5 minutes");
        Path notADirectory = Files.writeString(work.resolve("not-a-directory"), "a file");
        Build badReports = mvn(project, null, "verify", url, "-Drehearsal.user=postgres",
                "-Drehearsal.reportDirectory=" + notADirectory.resolve("rehearsal"));
        Build skipped = mvn(project, null, "verify", "-Drehearsal.skip");

        assertThat(noUrl.output()).contains("No target database: set <url>", "-Drehearsal.url=");
        assertThat(unknownServer.output()).contains("settings.xml has no <server> with the id 'nowhere'");
        assertThat(both.output()).contains("Both Flyway", "keep the one the project uses");
        assertThat(badDuration.output()).contains("<lockTimeout>5 minutes</lockTimeout> is not a duration");
        assertThat(badReports.output()).contains("<reportDirectory> " + notADirectory.resolve("rehearsal/report.json")
                + ": the report cannot be written there (" + notADirectory + " is not a directory)");
        for (Build build : List.of(noUrl, unknownServer, both, badDuration, badReports)) {
            assertThat(build.exit()).isNotZero();
            assertThat(build.output()).contains("BUILD FAILURE", "Rehearsal is not configured right");
        }
        assertThat(skipped.exit()).as(skipped.output()).isZero();
        assertThat(skipped.output()).contains("Rehearsal skipped");
        assertThat(postgres.branchesOf(target)).isEmpty();
        assertThat(columns(target)).doesNotContain("phone");
    }

    @Test
    void aReportThatCannotBeWrittenAtTheEndNeitherHidesTheVerdictNorDecidesTheBuild() throws Exception {
        Path project = sample("flyway-safe");
        Path migrations = project.resolve("src/main/resources/db/migration");
        String target = shopAtVersion1(migrations, null);
        // slow, so the report directory can be taken away while the branch is migrated
        Files.writeString(migrations.resolve("V3__slow.sql"), "SELECT pg_sleep(3);");
        Path reports = project.resolve("target/rehearsal");

        Running running = start(project, null, Map.of(), "verify", "-Ddb.url=" + postgres.jdbcUrl(target),
                "-Drehearsal.user=postgres");
        Await.until("the branch of the build, or its end", Duration.ofSeconds(120),
                () -> !running.process().isAlive() || !postgres.branchesOf(target).isEmpty());
        assertThat(postgres.branchesOf(target)).as("the branch of the build").isNotEmpty();
        // the goal checked the directory when it started; now a file takes its place (root ignores permissions)
        Files.delete(reports);
        Files.writeString(reports, "a file where the report directory was");
        Build build = running.result();

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains(": PASSED", "[ERROR] The JSON report was not written to "
                + reports.resolve("report.json") + ": " + reports + " is not a directory",
                "[ERROR] The Markdown report was not written to " + reports.resolve("report.md"),
                "[ERROR] The HTML report was not written to " + reports.resolve("report.html"),
                "Rehearsal PASSED, but 3 report(s) were not written", "BUILD SUCCESS");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void aPasswordInTheUrlIsTakenFromAProjectFileButNotFromMavensCommandLine() throws Exception {
        String password = "Pw-" + UUID.randomUUID();
        Path fromFile = sample("flyway-toml");
        String inFile = shopAtVersion1(fromFile.resolve("sql"), null);
        replace(fromFile.resolve("flyway.toml"), "@db.url@", postgres.jdbcUrl(inFile) + "?password=" + password);
        Path fromCommandLine = sample("flyway-safe");
        String onCommandLine = shopAtVersion1(fromCommandLine.resolve("src/main/resources/db/migration"), null);

        Build file = mvn(fromFile, null, "rehearsal:rehearse");
        Build commandLine = mvn(fromCommandLine, null, "verify", "-Ddb.url=" + postgres.jdbcUrl(onCommandLine)
                + "?password=" + password, "-Drehearsal.user=postgres");

        assertThat(file.exit()).as(file.output()).isZero();
        assertThat(file.output()).contains(": PASSED");
        assertThat(commandLine.exit()).isNotZero();
        assertThat(commandLine.output()).contains("Rehearsal is not configured right: The target URL carries a "
                + "password (the password parameter) and comes from Maven's command line", "settings.xml <server>",
                "REHEARSAL_PASSWORD", "BUILD FAILURE");
        assertThat(file.output() + commandLine.output()).doesNotContain(password);
        assertThat(postgres.branchesOf(onCommandLine)).isEmpty();
    }

    @Test
    void aPasswordFromTheEnvironmentWorksAndAWrongOneFailsClearlyWithoutBeingPrinted() throws Exception {
        Path project = sample("flyway-safe");
        String password = "Pw-" + UUID.randomUUID();
        String role = ownedByNewRole(password);
        String target = shopAtVersion1(project.resolve("src/main/resources/db/migration"), role);
        String[] arguments = {"verify", "-Ddb.url=" + postgres.jdbcUrl(target), "-Drehearsal.user=" + role};

        Build fromEnvironment = mvn(project, null, Map.of("REHEARSAL_PASSWORD", password), arguments);
        Build wrong = mvn(project, null, Map.of("REHEARSAL_PASSWORD", "not-" + password), arguments);

        assertThat(fromEnvironment.exit()).as(fromEnvironment.output()).isZero();
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.output()).contains("password authentication failed");
        assertThat(fromEnvironment.output() + wrong.output()).doesNotContain(password);
    }

    /** A shop target at version 1 of the sample's migrations, applied by plain Flyway, owned by {@code role}. */
    private String shopAtVersion1(Path migrations, String role) {
        String target = databases.create("mvn");
        Flyway.configure().dataSource(postgres.jdbcUrl(target), "postgres", null)
                .locations("filesystem:" + migrations).target("1").load().migrate();
        if (role != null) {
            giveTo(target, role);
        }
        return target;
    }

    private String ownedByNewRole(String password) {
        String role = databases.role("mvn", password);
        postgres.requirePassword(role);
        return role;
    }

    private void giveTo(String target, String role) {
        postgres.execute("postgres", "ALTER DATABASE " + target + " OWNER TO " + role);
        postgres.execute(target, "GRANT CREATE ON SCHEMA public TO " + role,
                "DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        + "LOOP EXECUTE format('ALTER TABLE %I OWNER TO " + role + "', t.tablename); END LOOP; END $$");
    }

    private List<String> columns(String target) {
        return postgres.query(target, "SELECT column_name FROM information_schema.columns WHERE table_name = "
                + "'customers'");
    }

    /** A copy of a sample project with the plugin's version filled in. */
    private Path sample(String name) throws IOException {
        return MavenProcess.sample(SAMPLES.resolve(name), work.resolve(name), Map.of("@project.version@", VERSION));
    }

    private static void replace(Path file, String token, String value) throws IOException {
        Files.writeString(file, Files.readString(file).replace(token, value));
    }

    /** A settings.xml with these servers (id → user, password). */
    private Path settings(Map<String, String[]> servers) throws IOException {
        StringBuilder xml = new StringBuilder();
        servers.forEach((id, login) -> xml.append("<server><id>").append(id).append("</id><username>")
                .append(login[0]).append("</username><password>").append(login[1]).append("</password></server>"));
        Path settings = work.resolve("settings-" + UUID.randomUUID() + ".xml");
        Files.writeString(settings, MavenProcess.settings(xml.toString()));
        return settings;
    }

    /** Maven's own password encryption ({@code {...}}), as a user runs it. */
    private String encrypt(String option, String secret, Path security) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(option, secret));
        if (security != null) {
            arguments.add("-Dsettings.security=" + security);
        }
        Build build = MavenProcess.start(work, Map.of(), arguments).result();
        Matcher encrypted = Pattern.compile("\\{[^}\\s]+}").matcher(build.output());
        assertThat(encrypted.find()).as(build.output()).isTrue();
        return encrypted.group();
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static String[] concat(String first, String second, String[] rest) {
        return concat(first, concat(second, rest));
    }

    /** {@code mvn} on the project with the staged repository (and no settings of the user's). */
    private Build mvn(Path project, Path settings, String... arguments) throws Exception {
        return mvn(project, settings, Map.of(), arguments);
    }

    private Build mvn(Path project, Path settings, Map<String, String> environment, String... arguments)
            throws Exception {
        return start(project, settings, environment, arguments).result();
    }

    /** {@code mvn}, started: the output is read as it goes. */
    private Running start(Path project, Path settings, Map<String, String> environment, String... arguments)
            throws IOException {
        return MavenProcess.mvn(project, settings != null ? settings : settings(Map.of()), environment,
                List.of(arguments));
    }
}
