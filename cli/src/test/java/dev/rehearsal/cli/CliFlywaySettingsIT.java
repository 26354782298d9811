package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway's settings on the command line, as Flyway's own CLI takes them: flyway.toml where Flyway looks for it,
 * {@code FLYWAY_*} variables, options, {@code --classpath} for Java migrations; and what {@code flyway migrate} would
 * refuse ends with 64 before any branch, naming the option that fixes it. The child JVM (~2 s) only where the
 * environment, the working directory or the home matter; the rest runs {@link Main#run} in this JVM.
 */
class CliFlywaySettingsIT {
    private static final String V1 = "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);";
    private static final String V2 = "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 100) i;";
    private static final String V3 = "ALTER TABLE items ADD COLUMN price numeric;";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path work;

    record Result(int exit, String out, String err) {
    }

    @Test
    void placeholdersComeFromFilesThenVariablesThenOptionsAndAJavaMigrationFromTheClasspath() throws Exception {
        Path home = Files.createDirectories(work.resolve("home"));
        Path project = Files.createDirectories(work.resolve("project"));
        Files.writeString(home.resolve("flyway.toml"), "[flyway.placeholders]\na = \"home\"\nd = \"home\"\n");
        Files.writeString(project.resolve("flyway.toml"), """
                [flyway]
                locations = ["filesystem:sql", "classpath:db/java"]
                table = "app_history"

                [flyway.placeholders]
                a = "file"
                b = "file"
                c = "file"
                """);
        write(Files.createDirectories(project.resolve("sql")), "V1__settings.sql", "CREATE TABLE settings (a text, "
                + "b text, c text, d text);\nINSERT INTO settings VALUES ('${a}', '${b}', '${c}', '${d}');");
        Path classes = compile("db.java.V2__Mark_java", """
                package db.java;

                import java.sql.Statement;
                import org.flywaydb.core.api.migration.BaseJavaMigration;
                import org.flywaydb.core.api.migration.Context;

                public class V2__Mark_java extends BaseJavaMigration {
                    @Override
                    public void migrate(Context context) throws Exception {
                        try (Statement statement = context.getConnection().createStatement()) {
                            statement.execute("UPDATE settings SET d = d || ' (java)'");
                        }
                    }
                }
                """);
        String target = databases.create("cli_settings");

        Result result = child(project, List.of("-Duser.home=" + home), Map.of("FLYWAY_PLACEHOLDERS_B", "env",
                "FLYWAY_PLACEHOLDERS_C", "env"), "migrate", "--url", postgres.jdbcUrl(target), "--user", "postgres",
                "--placeholders", "c=cli", "--classpath", classes.toString());

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains(": PROMOTED");
        assertThat(postgres.query(target, "SELECT concat_ws(' ', a, b, c, d) FROM settings"))
                .containsExactly("file env cli home (java)");
        assertThat(postgres.query(target, "SELECT version || ' ' || type FROM app_history ORDER BY installed_rank"))
                .containsExactly("1 SQL", "2 JDBC");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void outOfOrderMigrationsAreAppliedWithAnAppliedButDeletedOneIgnoredByPattern() throws Exception {
        Path migrations = migrations("V1__items.sql", V1, "V2__fill.sql", V2, "V3__price.sql", V3);
        String target = migratedTo(migrations, "3");
        Files.delete(migrations.resolve("V3__price.sql"));
        write(migrations, "V2_5__label.sql", "ALTER TABLE items ADD COLUMN label text;");
        write(migrations, "V4__stock.sql", "ALTER TABLE items ADD COLUMN stock int;");

        Result inOrder = refused(target, "--locations", "filesystem:" + migrations,
                "--ignore-migration-patterns", "*:missing");
        Result outOfOrder = cli("migrate", "--url", postgres.jdbcUrl(target), "--user", "postgres", "--locations",
                "filesystem:" + migrations, "--out-of-order", "--ignore-migration-patterns", "*:missing");

        assertThat(inOrder.err()).contains("migration 2.5 (label) is older than the newest migration applied to the "
                + "target and was never applied: apply it with --out-of-order true, or leave it out with "
                + "--ignore-migration-patterns *:ignored");
        assertThat(outOfOrder.exit()).as(outOfOrder.err()).isZero();
        assertThat(postgres.query(target, "SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1", "2", "3", "2.5", "4");
    }

    @Test
    void whatFlywayMigrateWouldRefuseEndsSixtyFourBeforeAnyBranchNamingTheOption() throws Exception {
        Path deleted = migrations("V1__items.sql", V1, "V2__fill.sql", V2, "V3__price.sql", V3);
        String missingTarget = migratedTo(deleted, "3");
        Files.delete(deleted.resolve("V3__price.sql"));
        write(deleted, "V4__stock.sql", "ALTER TABLE items ADD COLUMN stock int;");
        Path edited = migrations("V1__items.sql", V1, "V2__fill.sql", V2);
        String editedTarget = migratedTo(edited, "2");
        write(edited, "V2__fill.sql", V2.replace("100", "150"));
        String unmanaged = databases.create("cli_unmanaged", V1);

        Result missing = refused(missingTarget, "--locations", "filesystem:" + deleted);
        Result nothingPending = refused(editedTarget, "--locations", "filesystem:" + edited);
        write(edited, "V3__price.sql", V3);
        Result pending = refused(editedTarget, "--locations", "filesystem:" + edited);
        Result noHistory = refused(unmanaged, "--locations", "filesystem:" + edited);

        assertThat(missing.err()).contains("rehearsal: Flyway validates the target before it migrates "
                + "(--validate-on-migrate, on by default), and that fails, so flyway migrate would stop before "
                + "migrating anything:", "migration 3 (price) was applied to "
                + "the target but is not among the migrations of --locations: restore it, or ignore it with "
                + "--ignore-migration-patterns *:missing");
        for (Result changed : List.of(nothingPending, pending)) {
            assertThat(changed.err()).contains("migration 2 (fill) changed after it was applied to the target "
                    + "(Migration checksum mismatch for migration version 2");
        }
        assertThat(noHistory.err()).contains("The schemas Flyway manages on the target (public) have objects but no "
                + "Flyway history table (public.flyway_schema_history)", "set --baseline-on-migrate true and "
                + "--baseline-version <the version it is at>", "name it with --table and --schemas");
    }

    @Test
    void aRoleThatMayNotReadTheHistoryAndALocationWithoutAPrefixAreToldTheirFix() throws Exception {
        Path migrations = migrations("V1__items.sql", V1);
        String target = migratedTo(migrations, "1");
        write(migrations, "V2__fill.sql", V2);
        String role = databases.role("cli_history", "Pw-" + UUID.randomUUID());
        postgres.execute("postgres", "ALTER DATABASE " + target + " OWNER TO " + role);
        // relative to the working directory, where a user's project keeps its migrations
        Path directory = Path.of("target", "cli-locations-" + UUID.randomUUID(), "db");
        Files.createDirectories(directory);

        Result denied = refused(target, "--user", role, "--locations", "filesystem:" + migrations);
        Result noPrefix = refused(target, "--locations", directory.toString());

        assertThat(denied.err()).contains("The role " + role + " may not read Flyway's history table "
                + "public.flyway_schema_history on the target (ERROR: permission denied for table "
                + "flyway_schema_history): grant it what Flyway needs (GRANT SELECT, INSERT, UPDATE, DELETE ON "
                + "public.flyway_schema_history TO " + role).doesNotContain("Check the Flyway configuration");
        assertThat(noPrefix.err()).contains("classpath:" + directory + " is not on the class path (Flyway reads a "
                + "location without a prefix as classpath:): the directory " + directory + " exists, name it with "
                + "--locations filesystem:" + directory);
    }

    /** {@code rehearse} of the target, which must end with 64 having made no database and changed nothing. */
    private Result refused(String target, String... options) {
        List<String> before = postgres.databasesOfThisProcess();
        String described = postgres.describe(target);
        String[] arguments = new String[options.length + 3];
        arguments[0] = "rehearse";
        arguments[1] = "--url";
        arguments[2] = postgres.jdbcUrl(target);
        System.arraycopy(options, 0, arguments, 3, options.length);
        boolean withUser = List.of(options).contains("--user");
        Result result = withUser ? cli(arguments) : cli(concat(arguments, "--user", "postgres"));

        assertThat(result.exit()).as(result.err()).isEqualTo(64);
        assertThat(result.err()).doesNotContain("Flyway.configure()");
        assertThat(postgres.databasesOfThisProcess()).as("no branch made").isEqualTo(before);
        assertThat(postgres.describe(target)).isEqualTo(described);
        return result;
    }

    /** The CLI in this JVM. */
    private static Result cli(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(arguments, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    /** The jar in a child JVM, in {@code directory}. */
    private static Result child(Path directory, List<String> jvmOptions, Map<String, String> environment,
            String... arguments) throws Exception {
        CliProcess.Result result = CliProcess.start(directory, jvmOptions, environment, arguments).result();
        return new Result(result.exit(), result.out(), result.err());
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /** A new directory with these migrations (file name, SQL, ...). */
    private Path migrations(String... files) throws IOException {
        Path directory = Files.createTempDirectory(work, "migrations");
        for (int i = 0; i < files.length; i += 2) {
            write(directory, files[i], files[i + 1]);
        }
        return directory;
    }

    /** A new database that plain Flyway migrated to {@code version}. */
    private String migratedTo(Path migrations, String version) {
        String target = databases.create("cli_flyway");
        Flyway.configure().dataSource(postgres.jdbcUrl(target), "postgres", null).locations("filesystem:"
                + migrations).target(version).load().migrate();
        return target;
    }

    private static void write(Path directory, String file, String content) throws IOException {
        Files.writeString(directory.resolve(file), content);
    }

    /** The class compiled now, as an application's build would, into a directory of its own. */
    private Path compile(String className, String source) throws IOException {
        Path sources = Files.createDirectories(work.resolve("src"));
        Path file = sources.resolve(className.substring(className.lastIndexOf('.') + 1) + ".java");
        Files.writeString(file, source);
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int exit = javac.run(null, null, null, "-classpath", System.getProperty("java.class.path"), "-d",
                classes.toString(), file.toString());
        assertThat(exit).as("javac " + file).isZero();
        return classes;
    }
}
