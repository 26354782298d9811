package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway's settings as real upgrade paths need them — an applied migration whose file is gone, out-of-order
 * migrations, a schema made before Flyway, an edited migration, a history table of its own, a target version —
 * on the branch and on promotion; and what {@code flyway migrate} would refuse ends before any branch, naming the
 * setting that fixes it in the Java API's words.
 */
class FlywaySettingsIT {
    private static final String V1 = "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);";
    private static final String V2 = "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 100) i;";
    private static final String V3 = "ALTER TABLE items ADD COLUMN price numeric;";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases(POSTGRES);

    @TempDir
    Path migrations;

    @Test
    void anAppliedMigrationWhoseFileIsGoneEndsBeforeAnyBranchUnlessIgnoredByPattern() throws IOException {
        String target = migratedTo("3", "V1__items.sql", V1, "V2__fill.sql", V2, "V3__price.sql", V3);
        Files.delete(migrations.resolve("V3__price.sql"));
        write("V4__stock.sql", "ALTER TABLE items ADD COLUMN stock int;");

        ConfigurationException refused = refused(target, flyway());
        Outcome ignored = run(target, flyway().ignoreMigrationPatterns("*:missing"));

        assertThat(refused).hasMessageContaining("migration 3 (price) was applied to the target but is not among "
                + "the migrations of Flyway.configure().locations(...): restore it, or ignore it with "
                + "Flyway.configure().ignoreMigrationPatterns(*:missing)");
        assertThat(ignored.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(versions(target)).containsExactly("1", "2", "3", "4");
    }

    @Test
    void outOfOrderMigrationsAreAppliedWithAnAppliedButDeletedOneIgnoredByPattern() throws IOException {
        String target = migratedTo("3", "V1__items.sql", V1, "V2__fill.sql", V2, "V3__price.sql", V3);
        Files.delete(migrations.resolve("V3__price.sql"));
        write("V2_5__label.sql", "ALTER TABLE items ADD COLUMN label text;");
        write("V4__stock.sql", "ALTER TABLE items ADD COLUMN stock int;");
        String reference = POSTGRES.createCopyOf(target);
        flyway().outOfOrder(true).ignoreMigrationPatterns("*:missing").dataSource(POSTGRES.jdbcUrl(reference),
                "postgres", null).load().migrate();

        ConfigurationException inOrder = refused(target, flyway().ignoreMigrationPatterns("*:missing"));
        Outcome outcome = run(target, flyway().outOfOrder(true).ignoreMigrationPatterns("*:missing"));

        assertThat(inOrder).hasMessageContaining("migration 2.5 (label) is older than the newest migration applied "
                + "to the target and was never applied: apply it with Flyway.configure().outOfOrder(true), or leave "
                + "it out with Flyway.configure().ignoreMigrationPatterns(*:ignored)");
        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).extracting(MigrationStatus::id).containsExactly("2.5", "4");
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
    }

    @Test
    void aSchemaWithObjectsButNoHistoryEndsBeforeAnyBranchUnlessBaselined() throws IOException {
        String target = databases.create("nohistory", V1, V2);
        write("V1__items.sql", V1);
        write("V2__fill.sql", V2);
        write("V3__price.sql", V3);
        String reference = POSTGRES.createCopyOf(target);
        flyway().baselineOnMigrate(true).baselineVersion("2").dataSource(POSTGRES.jdbcUrl(reference), "postgres",
                null).load().migrate();

        ConfigurationException refused = refused(target, flyway());
        Outcome baselined = run(target, flyway().baselineOnMigrate(true).baselineVersion("2"));

        assertThat(refused).hasMessageContaining("The schemas Flyway manages on the target (public) have objects but "
                + "no Flyway history table (public.flyway_schema_history), so flyway migrate would stop: if it is the "
                + "existing schema Flyway should start from, set Flyway.configure().baselineOnMigrate(true) and "
                + "Flyway.configure().baselineVersion(<the version it is at>)");
        assertThat(baselined.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(baselined.migrations()).extracting(MigrationStatus::id).containsExactly("3");
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
        assertThat(versions(target)).containsExactly("2", "3");
    }

    @Test
    void anEditedAppliedMigrationEndsBeforeAnyBranchWhetherOrNotAnythingIsPending() throws IOException {
        String target = migratedTo("2", "V1__items.sql", V1, "V2__fill.sql", V2);
        write("V2__fill.sql", V2.replace("100", "150"));

        ConfigurationException nothingPending = refused(target, flyway());
        write("V3__price.sql", V3);
        ConfigurationException withPending = refused(target, flyway());
        Outcome unvalidated = run(target, flyway().validateOnMigrate(false));

        for (ConfigurationException refused : List.of(nothingPending, withPending)) {
            assertThat(refused).hasMessageContaining("Flyway validates the target before it migrates "
                    + "(Flyway.configure().validateOnMigrate(...), on by default), and that fails, so flyway migrate "
                    + "would stop before migrating anything:")
                    .hasMessageContaining("migration 2 (fill) changed after it was applied to the target (Migration "
                            + "checksum mismatch for migration version 2; Applied to database : ")
                    .hasMessageContaining("record it on the target with flyway repair");
        }
        assertThat(unvalidated.verdict()).as("as flyway migrate does with validateOnMigrate=false")
                .isEqualTo(Verdict.PROMOTED);
        assertThat(versions(target)).containsExactly("1", "2", "3");
    }

    @Test
    void aHistoryTableOfItsOwnInItsOwnSchemaIsUsedOnTheBranchAndOnPromotion() throws IOException {
        String target = databases.create("ownhistory");
        write("V1__items.sql", V1);
        flyway().schemas("app").table("app_history").dataSource(POSTGRES.jdbcUrl(target), "postgres", null).load()
                .migrate();
        write("V2__fill.sql", V2);
        write("V3__price.sql", V3);

        Outcome outcome = run(target, flyway().schemas("app").table("app_history"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).extracting(MigrationStatus::id).containsExactly("2", "3");
        assertThat(POSTGRES.query(target, "SELECT version FROM app.app_history WHERE version IS NOT NULL ORDER BY "
                + "installed_rank")).containsExactly("1", "2", "3");
        assertThat(POSTGRES.query(target, "SELECT to_regclass('public.flyway_schema_history') IS NULL"))
                .containsExactly("t");
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM app.items WHERE price IS NULL"))
                .containsExactly("100");
    }

    @Test
    void aTargetVersionInOneGroupStopsThereOnTheBranchAndOnPromotion() throws IOException {
        String target = migratedTo("1", "V1__items.sql", V1);
        write("V2__fill.sql", V2);
        write("V3__price.sql", V3);
        write("V4__stock.sql", "ALTER TABLE items ADD COLUMN stock int;");

        Outcome outcome = run(target, flyway().target("3").group(true));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).extracting(MigrationStatus::id).containsExactly("2", "3");
        assertThat(versions(target)).containsExactly("1", "2", "3");
    }

    @Test
    void aMixedMigrationRunsOnTheBranchAndOnPromotion() throws IOException {
        String target = migratedTo("1", "V1__items.sql", V1);
        write("V2__indexed.sql", "CREATE TABLE tags (id int, name text);\n"
                + "CREATE INDEX CONCURRENTLY tags_name ON tags (name);");

        Outcome outcome = run(target, flyway().mixed(true));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'tags_name'::regclass"))
                .containsExactly("t");
    }

    @Test
    void aRoleThatMayNotReadTheHistoryIsToldWhatToGrant() throws IOException {
        String target = migratedTo("1", "V1__items.sql", V1);
        write("V2__fill.sql", V2);
        String password = "Pw-" + UUID.randomUUID();
        String role = databases.role("nohistory", password);
        POSTGRES.execute("postgres", "ALTER DATABASE " + target + " OWNER TO " + role);
        List<String> before = POSTGRES.databasesOfThisProcess();

        ConfigurationException denied = catchThrowableOfType(ConfigurationException.class, () -> Rehearsal
                .configure().target(POSTGRES.jdbcUrl(target), role, password).engine(FlywayEngine.of(flyway()))
                .load().run());

        assertThat(denied).hasMessageContaining("The role " + role + " may not read Flyway's history table "
                + "public.flyway_schema_history on the target (ERROR: permission denied for table "
                + "flyway_schema_history): grant it what Flyway needs (GRANT SELECT, INSERT, UPDATE, DELETE ON "
                + "public.flyway_schema_history TO " + role);
        assertThat(POSTGRES.databasesOfThisProcess()).isEqualTo(before);
    }

    @Test
    void aLocationWithoutAPrefixIsReadFromTheClassPathAndTheMessageSaysHowToNameADirectory() {
        String target = databases.create("noprefix");
        List<String> before = POSTGRES.databasesOfThisProcess();

        ConfigurationException missing = catchThrowableOfType(ConfigurationException.class, () -> Rehearsal
                .configure().target(POSTGRES.location(target)).engine(FlywayEngine.of(Flyway.configure()
                        .locations("src/test/resources/db/base"))).load().run());

        assertThat(missing).hasMessageContaining("classpath:src/test/resources/db/base is not on the class path "
                + "(Flyway reads a location without a prefix as classpath:): the directory src/test/resources/db/base "
                + "exists, name it with Flyway.configure().locations(filesystem:src/test/resources/db/base)");
        assertThat(POSTGRES.databasesOfThisProcess()).isEqualTo(before);
    }

    /** The user's Flyway configuration for the migrations of this test. */
    private FluentConfiguration flyway() {
        return Flyway.configure().locations("filesystem:" + migrations);
    }

    /** A new database that plain Flyway migrated to {@code version} with these files (name, SQL, ...). */
    private String migratedTo(String version, String... files) throws IOException {
        for (int i = 0; i < files.length; i += 2) {
            write(files[i], files[i + 1]);
        }
        String target = databases.create("settings");
        flyway().target(version).dataSource(POSTGRES.jdbcUrl(target), "postgres", null).load().migrate();
        return target;
    }

    private void write(String file, String sql) throws IOException {
        Files.writeString(migrations.resolve(file), sql);
    }

    private static Outcome run(String target, FluentConfiguration flyway) {
        return Rehearsal.configure().target(POSTGRES.location(target)).engine(FlywayEngine.of(flyway)).load().run();
    }

    /** The run's configuration error, after checking that it made no database and left the target as it was. */
    private static ConfigurationException refused(String target, FluentConfiguration flyway) {
        List<String> before = POSTGRES.databasesOfThisProcess();
        String described = POSTGRES.describe(target);
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
                () -> run(target, flyway));
        assertThat(refused).as("a configuration error").isNotNull();
        assertThat(refused.code()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(POSTGRES.databasesOfThisProcess()).as("no branch made").isEqualTo(before);
        assertThat(POSTGRES.describe(target)).isEqualTo(described);
        return refused;
    }

    private static List<String> versions(String target) {
        return POSTGRES.query(target, "SELECT version FROM flyway_schema_history ORDER BY installed_rank");
    }
}
