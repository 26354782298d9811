package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.cli.CliProcess.Result;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import liquibase.Scope;
import liquibase.change.custom.CustomSqlChange;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Liquibase's settings given to the jar as Liquibase's own command line takes them. */
class CliLiquibaseSettingsIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path project;

    @Test
    void contextsLabelsAndACustomChangeFromTheClassPathRunAsLiquibaseRunsThem() throws Exception {
        Path classes = project.resolve("classes");
        compile(classes, "shop/NormaliseEmails.java", """
                package shop;

                import liquibase.change.custom.CustomSqlChange;
                import liquibase.database.Database;
                import liquibase.exception.ValidationErrors;
                import liquibase.resource.ResourceAccessor;
                import liquibase.statement.SqlStatement;
                import liquibase.statement.core.RawSqlStatement;

                public class NormaliseEmails implements CustomSqlChange {
                    public SqlStatement[] generateStatements(Database database) {
                        return new SqlStatement[] {new RawSqlStatement(
                                "UPDATE customers SET email = lower(email) WHERE email <> lower(email)")};
                    }
                    public String getConfirmationMessage() { return "e-mails in lower case"; }
                    public void setUp() { }
                    public void setFileOpener(ResourceAccessor resourceAccessor) { }
                    public ValidationErrors validate(Database database) { return new ValidationErrors(); }
                }
                """);
        // a class path changelog: in the application's classes, not in the working directory
        write(classes.resolve("db/changelog/main.yaml"), "databaseChangeLog:\n"
                + changeset("normalise-emails", "context: prod", "- customChange:\n    class: shop.NormaliseEmails")
                + changeset("add-region", "context: prod\nlabels: billing", addColumn("region", "text"))
                + changeset("test-fixtures", "context: test", sql("CREATE TABLE fixtures (id int)"))
                + changeset("experimental-flags", "labels: experimental", addColumn("flags", "jsonb")));
        String target = databases.create("cli_lb", "CREATE TABLE customers (id int PRIMARY KEY, email text)",
                "INSERT INTO customers SELECT i, CASE WHEN i % 10 = 0 THEN 'C' || i || '@EXAMPLE.COM' "
                        + "ELSE 'c' || i || '@example.com' END FROM generate_series(1, 100) i");

        Result result = CliProcess.run(project, Map.of(), "migrate", "--url", postgres.jdbcUrl(target), "--user",
                "postgres", "--classpath", "classes", "--changelog-file", "db/changelog/main.yaml", "--contexts",
                "prod", "--labels", "!experimental");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains(": PROMOTED");
        assertThat(postgres.query(target, "SELECT id FROM databasechangelog ORDER BY orderexecuted"))
                .containsExactly("normalise-emails", "add-region");
        assertThat(postgres.query(target, "SELECT count(*) FROM customers WHERE email <> lower(email)"))
                .as("the custom change ran on the target").containsExactly("0");
        assertThat(columns(target)).contains("region").doesNotContain("flags");
        assertThat(tables(target)).doesNotContain("fixtures");
    }

    @Test
    void theCommandLineWinsOverLiquibaseVariablesWhichWinOverTheDefaultsFile() throws Exception {
        write(project.resolve("db/main.yaml"), "databaseChangeLog:\n"
                + changeset("for-file", "context: file", sql("CREATE TABLE context_file (id int)"))
                + changeset("for-env", "context: env", sql("CREATE TABLE context_env (id int)"))
                + changeset("for-cli", "context: cli", sql("CREATE TABLE context_cli (id int)"))
                + changeset("parameters", "", sql("CREATE TABLE ${p_cli} (id int); CREATE TABLE ${p_env} (id int); "
                        + "CREATE TABLE ${p_file} (id int)")));
        // found without being named: liquibase.properties of the working directory, as Liquibase's CLI finds it
        write(project.resolve("liquibase.properties"), """
                changeLogFile: db/main.yaml
                contexts: file
                parameter.p_cli: cli_loses_to_file
                parameter.p_env: env_loses_to_file
                parameter.p_file: file_only
                """);
        Map<String, String> environment = Map.of("LIQUIBASE_COMMAND_CONTEXT_FILTER", "env", "p_cli",
                "cli_loses_to_env", "p_env", "env_wins");
        String all = databases.create("cli_lb_all");
        String environmentAndFile = databases.create("cli_lb_env");

        Result allThree = CliProcess.run(project, environment, "migrate", "--url", postgres.jdbcUrl(all), "--user",
                "postgres", "--contexts", "cli", "-Dp_cli=cli_wins");
        Result noCommandLine = CliProcess.run(project, environment, "migrate", "--url",
                postgres.jdbcUrl(environmentAndFile), "--user", "postgres");

        assertThat(allThree.exit()).as(allThree.err()).isZero();
        assertThat(tables(all)).containsExactlyInAnyOrder("context_cli", "cli_wins", "env_wins", "file_only",
                "databasechangelog", "databasechangeloglock");
        assertThat(noCommandLine.exit()).as(noCommandLine.err()).isZero();
        assertThat(tables(environmentAndFile)).containsExactlyInAnyOrder("context_env", "cli_loses_to_env",
                "env_wins", "file_only", "databasechangelog", "databasechangeloglock");
    }

    @Test
    void aNamedDefaultsFileAndSeveralSearchPathEntries() throws Exception {
        write(project.resolve("first/db/main.yaml"), """
                databaseChangeLog:
                  - include:
                      file: shared/customers.yaml
                """ + changeset("add-email", "", addColumn("email", "text")));
        write(project.resolve("second/shared/customers.yaml"), "databaseChangeLog:\n"
                + changeset("create-customers", "", sql("CREATE TABLE customers (id int PRIMARY KEY)")));
        write(project.resolve("config/ci.properties"), "changelogFile: db/main.yaml\n");
        write(project.resolve("liquibase.properties"), "changelogFile: not-this-one.yaml\n");
        String target = databases.create("cli_lb_paths");

        Result result = CliProcess.run(project, Map.of(), "migrate", "--url", postgres.jdbcUrl(target),
                "--user", "postgres", "--defaults-file", "config/ci.properties", "--search-path", "first,second");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(postgres.query(target, "SELECT filename || '::' || id FROM databasechangelog "
                + "ORDER BY orderexecuted")).containsExactly("shared/customers.yaml::create-customers",
                "db/main.yaml::add-email");
        assertThat(columns(target)).containsExactlyInAnyOrder("id", "email");
    }

    @Test
    void anEditedAppliedChangesetAMissingChangelogAndAnUnreadableHistoryEndSixtyFourBeforeAnyBranch()
            throws Exception {
        write(project.resolve("db/main.yaml"), "databaseChangeLog:\n"
                + changeset("create-customers", "", sql("CREATE TABLE customers (id int PRIMARY KEY)"))
                + changeset("add-phone", "", addColumn("phone", "text")));
        String target = databases.create("cli_lb_invalid");
        liquibaseUpdate(target, "db/main.yaml");
        String edited = Files.readString(project.resolve("db/main.yaml")).replace("type: text", "type: varchar(40)");
        write(project.resolve("db/main.yaml"), edited);
        String password = "Pw-lb-reader";
        String reader = databases.role("cli_lb", password);
        List<String> before = postgres.databases();
        String[] migrate = {"migrate", "--url", postgres.jdbcUrl(target), "--changelog-file"};

        Result checksum = CliProcess.run(project, Map.of(), concat(migrate, "db/main.yaml", "--user", "postgres"));
        Result missing = CliProcess.run(project, Map.of(), concat(migrate, "db/mian.yaml", "--user", "postgres"));
        Result denied = CliProcess.run(project, Map.of("REHEARSAL_PASSWORD", password), concat(migrate,
                "db/main.yaml", "--user", reader));

        assertThat(List.of(checksum.exit(), missing.exit(), denied.exit())).containsOnly(64);
        assertThat(checksum.err()).contains("rehearsal: Liquibase's validation of db/main.yaml against the target "
                + "failed", "changeset db/main.yaml::add-phone::shop was changed after it was applied",
                "validCheckSum", "runOnChange");
        assertThat(missing.err()).contains("rehearsal: The Liquibase changelog db/mian.yaml was not found in the "
                + "search path [" + project, "correct --changelog-file db/mian.yaml", "with --search-path")
                .doesNotContain("LiquibaseEngine");
        assertThat(denied.err()).contains("rehearsal: The user " + reader + " may not read Liquibase's tables",
                "GRANT SELECT ON public.databasechangelog, public.databasechangeloglock TO " + reader);
        assertThat(postgres.databases()).as("no branch made").isEqualTo(before);
        assertThat(postgres.query(target, "SELECT data_type FROM information_schema.columns WHERE column_name = "
                + "'phone'")).containsExactly("text");
    }

    /** {@code liquibase update} of a changelog of the project, as the team ran it before adopting Rehearsal. */
    private void liquibaseUpdate(String database, String changelog) throws Exception {
        Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), new DirectoryResourceAccessor(project.toFile()),
                Scope.Attr.ui.name(), new LoggerUIService(), "liquibase.analytics.enabled", false), () ->
                new CommandScope(UpdateCommandStep.COMMAND_NAME)
                        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog)
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.URL_ARG, postgres.jdbcUrl(database))
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.USERNAME_ARG, "postgres")
                        .setOutput(OutputStream.nullOutputStream()).execute());
    }

    /** Compiles one class against Liquibase into {@code classes}, as the application's build would. */
    private void compile(Path classes, String path, String source) throws Exception {
        Path file = write(project.resolve("src").resolve(path), source);
        String liquibase = Path.of(CustomSqlChange.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, "-d", classes.toString(), "-classpath", liquibase, "-nowarn",
                "--release", "17", file.toString());
        assertThat(status).as("javac").isZero();
    }

    /** A YAML changeset (indented for {@code databaseChangeLog:}) with these attributes and changes. */
    private static String changeset(String id, String attributes, String changes) {
        StringBuilder yaml = new StringBuilder("  - changeSet:\n      id: " + id + "\n      author: shop\n");
        attributes.lines().forEach(line -> yaml.append("      ").append(line).append('\n'));
        yaml.append("      changes:\n");
        changes.lines().forEach(line -> yaml.append("        ").append(line).append('\n'));
        return yaml.toString();
    }

    private static String sql(String sql) {
        return "- sql:\n    sql: " + sql;
    }

    private static String addColumn(String column, String type) {
        return "- addColumn:\n    tableName: customers\n    columns:\n      - column:\n          name: " + column
                + "\n          type: " + type;
    }

    private static Path write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private List<String> tables(String database) {
        return postgres.query(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    }

    private List<String> columns(String database) {
        return postgres.query(database, "SELECT column_name FROM information_schema.columns WHERE table_name = "
                + "'customers'");
    }
}
