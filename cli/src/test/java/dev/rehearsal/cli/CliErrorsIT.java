package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.cli.CliProcess.Result;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Errors a user can act on, the way the login is found, and the policy options, through the real jar. */
class CliErrorsIT {
    private static final String SHOP = "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, note text); "
            + "INSERT INTO customers SELECT i, 'c' || i || '@example.com', 'n' FROM generate_series(1, 200) i;";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    @RegisterExtension
    final TestDatabases on15 = TestDatabases.onPostgres15();

    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path migrations;
    @TempDir
    Path home;

    @Test
    void everyFailureWithoutAVerdictPrintsAJsonErrorWithItsCodeAndExitCode() throws Exception {
        String busy = target(postgres, databases);
        String locked = target(postgres, databases);
        databases.session(busy, "billing-service");
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        String[] busyRun = {"rehearse", "--url", postgres.jdbcUrl(busy), "--user", "postgres", "--locations",
                "filesystem:" + migrations, "--format", "json"};

        Result inUse = CliProcess.run(Map.of(), busyRun);
        Result branchInUse = CliProcess.run(Map.of(), "branch", "create", "dev-cli-busy", "--url",
                postgres.jdbcUrl(busy), "--user", "postgres", "--format", "json");
        Result unreachable = CliProcess.run(Map.of(), "rehearse", "--url", "jdbc:postgresql://localhost:1/" + busy,
                "--user", "postgres", "--locations", "filesystem:" + migrations, "--format", "json");
        Result usage = CliProcess.run(Map.of(), "migrate", "--url", postgres.jdbcUrl(busy), "--locations",
                "filesystem:" + migrations, "--lock-timout", "5s", "--format", "json");
        Result lockedOut;
        try (Connection session = postgres.openSession("postgres", "other-runner");
             Statement statement = session.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + 0x52454852 + ", hashtext('" + locked + "'))");
            lockedOut = CliProcess.run(Map.of(), "migrate", "--url", postgres.jdbcUrl(locked), "--user",
                    "postgres", "--locations", "filesystem:" + migrations, "--wait-for-other-runners", "0s",
                    "--format", "json");
        }

        assertError(inUse, "BRANCH", 4);
        assertThat(inUse.json().at("/error/message").asText()).contains("billing-service",
                "--branch-provider snapshot-copy");
        assertError(branchInUse, "BRANCH", 4);
        assertThat(branchInUse.json().at("/error/message").asText()).contains("billing-service");
        assertError(unreachable, "DATABASE", 5);
        assertThat(unreachable.json().at("/error/message").asText()).contains("localhost:1",
                "Check that the server is running");
        assertError(lockedOut, "LOCKED", 6);
        assertThat(lockedOut.json().at("/error/message").asText()).contains("--wait-for-other-runners");
        assertError(usage, "CONFIGURATION", 64);
        assertThat(usage.json().at("/error/message").asText()).endsWith("Did you mean: --lock-timeout?");
        assertThat(postgres.branchesOf(busy)).isEmpty();
        assertThat(postgres.databases()).doesNotContain("dev-cli-busy");
        assertThat(postgres.query(locked, "SELECT max(version) FROM flyway_schema_history")).containsExactly("1");
    }

    @Test
    void theBranchCommandPrintsBranchesAsJson() throws Exception {
        String target = target(postgres, databases);
        String name = "dev-json-" + ProcessHandle.current().pid();
        databases.dropAfterwards(name);
        String url = postgres.jdbcUrl(target);

        Result created = CliProcess.run(Map.of(), "branch", "create", name, "--url", url, "--user", "postgres",
                "--format", "json");
        Result listed = CliProcess.run(Map.of(), "branch", "list", "--url", url, "--user", "postgres", "--format",
                "json");

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.json().get("name").asText()).isEqualTo(name);
        assertThat(created.json().get("parent").asText()).isEqualTo(target);
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.json().isArray()).isTrue();
        assertThat(listed.json().findValuesAsText("name")).contains(name);
        assertThat(listed.json().get(0).get("expires").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        // create prints the object list prints for the branch, the same fields in the same order
        JsonNode inList = java.util.stream.StreamSupport.stream(listed.json().spliterator(), false)
                .filter(branch -> branch.get("name").asText().equals(name)).findFirst().orElseThrow();
        assertThat(inList.fieldNames()).toIterable().containsExactly("name", "parent", "created", "expires", "owner",
                "purpose", "kept", "sizeBytes", "url");
        assertThat(created.json().fieldNames()).toIterable().containsExactlyElementsOf(() -> inList.fieldNames());
        assertThat(created.json().get("created")).isEqualTo(inList.get("created"));
        assertThat(inList.get("sizeBytes").isIntegralNumber()).isTrue();
        assertThat(inList.get("sizeBytes").asLong()).isGreaterThan(1 << 20);
        assertThat(java.time.Instant.parse(inList.get("created").asText())).isBefore(java.time.Instant.now());

        Result deleted = CliProcess.run(Map.of(), "branch", "delete", name, "--url", url, "--user", "postgres");
        Result empty = CliProcess.run(Map.of(), "branch", "list", "--url", url, "--user", "postgres", "--format",
                "json");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(empty.out().strip()).isEqualTo("[]");
    }

    @Test
    void aMissingPasswordNamesTheVariableToSetAndTheVariableComesBeforePgpasswordAndPgpassfile() throws Exception {
        String password = "Pw-" + UUID.randomUUID();
        Login login = loginTarget(postgres, databases, password);
        Path nothing = home.resolve("no-pgpass");
        String[] run = {"rehearse", "--url", postgres.jdbcUrl(login.target()), "--user", login.role(),
                "--locations", "filesystem:" + migrations, "--format", "json"};

        Result unset = CliProcess.run(Map.of("PGPASSFILE", nothing.toString()),
                concat(run, "--password-env", "NO_SUCH_VAR"));
        Result variableFirst = CliProcess.run(Map.of("REHEARSAL_PASSWORD", "not-" + password, "PGPASSWORD", password,
                "PGPASSFILE", nothing.toString()), run);
        Result pgpasswordNext = CliProcess.run(Map.of("PGPASSWORD", "not-" + password, "PGPASSFILE",
                pgpass(postgres, login, password).toString()), concat(run, "--password-env", "NO_SUCH_VAR"));

        assertError(unset, "DATABASE", 5);
        assertThat(unset.err()).contains("(user " + login.role() + ")", "The server asks for a password, and none "
                + "was given: give it with --password-env. The environment variable NO_SUCH_VAR is not set: export "
                + "it with the password, or set PGPASSWORD, or add the line localhost:" + postgres.port() + ":"
                + login.target() + ":" + login.role() + ":<password> to the password file " + nothing
                + " (PGPASSFILE), readable by this user only").doesNotContain("host and port");
        assertError(variableFirst, "DATABASE", 5);
        assertThat(variableFirst.err()).contains("password authentication failed for user \"" + login.role(),
                "The password was taken from the environment variable REHEARSAL_PASSWORD");
        assertError(pgpasswordNext, "DATABASE", 5);
        assertThat(pgpasswordNext.err()).contains("The password was taken from PGPASSWORD (NO_SUCH_VAR is not "
                + "set)");
        for (Result result : List.of(unset, variableFirst, pgpasswordNext)) {
            assertThat(result.out() + result.err()).doesNotContain(password);
        }
        assertThat(postgres.branchesOf(login.target())).isEmpty();
    }

    @Test
    void pgpasswordAndAPasswordFileLineForTheTargetServeEveryConnectionOfTheRun() throws Exception {
        String password = "Pw-" + UUID.randomUUID();
        Login login = loginTarget(postgres, databases, password);
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        String[] run = {"rehearse", "--url", postgres.jdbcUrl(login.target()), "--user", login.role(),
                "--locations", "filesystem:" + migrations, "--format", "json"};

        Result pgpassword = CliProcess.run(Map.of("PGPASSWORD", password, "PGPASSFILE",
                home.resolve("no-pgpass").toString()), run);
        // the file's line is for the target only: the lock database's and the branch's connections get it as well
        Result pgpassfile = CliProcess.run(Map.of("PGPASSFILE", pgpass(postgres, login, password).toString()), run);

        for (Result result : List.of(pgpassword, pgpassfile)) {
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.json().get("verdict").asText()).isEqualTo("PASSED");
            assertThat(result.out() + result.err()).doesNotContain(password);
        }
    }

    @Test
    void aPasswordFileLineForTheTargetReachesPgDumpAndPgRestoreOfTheSnapshotCopy() throws Exception {
        TestPostgres postgres15 = on15.postgres();
        String password = "Pw-" + UUID.randomUUID();
        Login login = loginTarget(postgres15, on15, password);
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");

        Result result = CliProcess.run(Map.of("PGPASSFILE", pgpass(postgres15, login, password).toString()),
                "rehearse", "--url", postgres15.jdbcUrl(login.target()), "--user", login.role(), "--locations",
                "filesystem:" + migrations, "--branch-provider", "snapshot-copy", "--format", "json");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.json().get("verdict").asText()).isEqualTo("PASSED");
        assertThat(result.json().at("/branch/copyMethod").asText()).contains("snapshot");
        assertThat(result.out() + result.err()).doesNotContain(password);
        assertThat(postgres15.branchesOf(login.target())).isEmpty();
    }

    @Test
    void withoutUserTheRoleIsPgUserElseTheOperatingSystemUserAndAFailedLoginSaysWhich() throws Exception {
        String password = "Pw-" + UUID.randomUUID();
        Login login = loginTarget(postgres, databases, password);
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        String[] run = {"rehearse", "--url", postgres.jdbcUrl(login.target()), "--locations",
                "filesystem:" + migrations};
        String nobody = "rehearsal_nobody_" + ProcessHandle.current().pid();

        Result pgUser = CliProcess.run(Map.of("PGUSER", login.role(), "PGPASSWORD", password), run);
        Result osUser = CliProcess.run(List.of("-Duser.name=" + nobody), Map.of("PGPASSWORD", password), run);

        assertThat(pgUser.exit()).as(pgUser.err()).isZero();
        assertThat(pgUser.out()).contains(": PASSED");
        assertThat(osUser.exit()).isEqualTo(5);
        assertThat(osUser.err()).contains("(user " + nobody + ")", "role \"" + nobody + "\" does not exist",
                "The user " + nobody + " is the operating system's user name (no --user, no user= in the URL and no "
                        + "PGUSER): give the role to log in as with --user");
    }

    @Test
    void theJarPrintsTheVersionItWasBuiltAs() throws Exception {
        Result version = CliProcess.run(Map.of(), "--version");

        assertThat(version.exit()).isZero();
        assertThat(version.out()).containsPattern("^rehearsal \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R")
                .contains("Flyway 1", "Liquibase 4.", "PostgreSQL JDBC 42.").doesNotContain("development build");
    }

    @Test
    void severitiesThresholdsAndAssertionsChangeTheVerdict(@TempDir Path assertions) throws Exception {
        String target = target(postgres, databases);
        Files.writeString(migrations.resolve("V2__forget.sql"), "DELETE FROM customers WHERE id > 190;");
        Files.writeString(assertions.resolve("keeps_customers.sql"), "-- Every customer is kept\n"
                + "SELECT count(*) FROM customers HAVING count(*) < 200;");
        String[] rehearse = {"rehearse", "--url", postgres.jdbcUrl(target), "--user", "postgres", "--locations",
                "filesystem:" + migrations, "--format", "json"};

        // 10 of 200 customers: 5 %, a loss by default; below a tenth it is rows-deleted
        Result blocking = CliProcess.run(Map.of(), concat(rehearse, "--severity", "rows-deleted=blocking",
                "--delete-fraction", "10%"));
        Result assertion = CliProcess.run(Map.of(), concat(rehearse, "--backfill-rows", "5", "--assertions",
                assertions.toString()));
        Files.writeString(migrations.resolve("V2__forget.sql"), "ALTER TABLE customers DROP COLUMN note;");
        Result ignored = CliProcess.run(Map.of(), concat(rehearse, "--severity", "data-loss=ignore"));

        assertThat(blocking.exit()).as(blocking.err()).isEqualTo(1);
        assertThat(findings(blocking)).containsExactly("rows-deleted BLOCKING");
        assertThat(assertion.exit()).as(assertion.err()).isEqualTo(1);
        assertThat(findings(assertion)).containsExactlyInAnyOrder("data-loss BLOCKING", "row-locks-held BLOCKING",
                "assertion-failed BLOCKING");
        assertThat(assertion.out()).contains("Every customer is kept");
        assertThat(ignored.exit()).as(ignored.err()).isZero();
        assertThat(ignored.json().get("verdict").asText()).isEqualTo("PASSED");
        assertThat(findings(ignored)).noneMatch(finding -> finding.startsWith("data-loss"));
        assertThat(postgres.query(target, "SELECT count(*) FROM customers")).containsExactly("200");
    }

    private static List<String> findings(Result result) throws IOException {
        return result.json().withArray("findings").valueStream()
                .map(finding -> finding.get("kind").asText() + " " + finding.get("severity").asText()).toList();
    }

    private static void assertError(Result result, String code, int exit) throws IOException {
        assertThat(result.exit()).as(result.err()).isEqualTo(exit);
        JsonNode error = result.json().get("error");
        assertThat(error).as(result.out()).isNotNull();
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("exitCode").asInt()).isEqualTo(exit);
        assertThat(result.err()).startsWith("rehearsal: " + error.get("message").asText());
    }

    /** A shop whose V1 plain Flyway applied: 200 customers. */
    private String target(TestPostgres server, TestDatabases on) throws IOException {
        String target = on.create("cli_errors");
        Files.writeString(migrations.resolve("V1__shop.sql"), SHOP);
        org.flywaydb.core.Flyway.configure().dataSource(server.jdbcUrl(target), "postgres", null)
                .locations("filesystem:" + migrations).target("1").load().migrate();
        return target;
    }

    record Login(String target, String role) {
    }

    /** A shop owned by a role the server asks for this password. */
    private Login loginTarget(TestPostgres server, TestDatabases on, String password) throws IOException {
        String role = on.loginRole("cli_login", password);
        String target = target(server, on);
        server.execute("postgres", "ALTER DATABASE " + target + " OWNER TO " + role);
        server.execute(target, "ALTER TABLE customers OWNER TO " + role,
                "ALTER TABLE flyway_schema_history OWNER TO " + role, "GRANT CREATE ON SCHEMA public TO " + role);
        return new Login(target, role);
    }

    /** A password file (mode 0600, as libpq wants it) with one line: the target database's, no other. */
    private Path pgpass(TestPostgres server, Login login, String password) throws IOException {
        Path file = home.resolve("pgpass-" + UUID.randomUUID());
        Files.writeString(file, "# the target only\nlocalhost:" + server.port() + ":" + login.target() + ":"
                + login.role() + ":" + password + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String[] concat(String[] first, String... more) {
        return MainTest.concat(first, more);
    }
}
