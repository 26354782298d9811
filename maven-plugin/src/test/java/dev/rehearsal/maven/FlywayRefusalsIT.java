package dev.rehearsal.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
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
 * What {@code flyway migrate} would refuse, told in the plugin's words ({@code <baselineOnMigrate>}) before any
 * branch; run in this JVM with the plugin's names, as its goals run (a real build shows one case in
 * {@link MavenPluginIT}).
 */
class FlywayRefusalsIT {
    private static final String V1 = "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);";
    private static final String V2 = "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 100) i;";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path migrations;

    @Test
    void anEditedMigrationASchemaWithoutHistoryAHistoryTheRoleMayNotReadAndALocationWithoutPrefix()
            throws IOException {
        Files.writeString(migrations.resolve("V1__items.sql"), V1);
        Files.writeString(migrations.resolve("V2__fill.sql"), V2);
        String edited = databases.create("mvn_edited");
        flyway().dataSource(postgres.jdbcUrl(edited), "postgres", null).load().migrate();
        Files.writeString(migrations.resolve("V2__fill.sql"), V2.replace("100", "150"));
        String unmanaged = databases.create("mvn_unmanaged", V1);
        String role = databases.role("mvn_history", "Pw-" + UUID.randomUUID());
        postgres.execute("postgres", "ALTER DATABASE " + edited + " OWNER TO " + role);

        String nothingPending = refused(edited, "postgres", flyway());
        Files.writeString(migrations.resolve("V3__price.sql"), "ALTER TABLE items ADD COLUMN price numeric;");
        String pending = refused(edited, "postgres", flyway());
        String noHistory = refused(unmanaged, "postgres", flyway());
        String denied = refused(edited, role, flyway());
        String noPrefix = refused(unmanaged, "postgres", Flyway.configure().locations("src/it/flyway-safe"));

        for (String changed : List.of(nothingPending, pending)) {
            assertThat(changed).contains("Flyway validates the target before it migrates (<validateOnMigrate>, on "
                    + "by default)", "migration 2 (fill) changed after it was applied to the target");
        }
        assertThat(noHistory).contains("set <baselineOnMigrate>true</baselineOnMigrate> and "
                + "<baselineVersion><the version it is at></baselineVersion> (default 1); if the history is "
                + "elsewhere, name it with <table> and <schemas>");
        assertThat(denied).contains("The role " + role + " may not read Flyway's history table "
                + "public.flyway_schema_history", "GRANT SELECT, INSERT, UPDATE, DELETE ON "
                + "public.flyway_schema_history TO " + role);
        assertThat(noPrefix).contains("the directory src/it/flyway-safe exists, name it with "
                + "<locations>filesystem:src/it/flyway-safe</locations>");
    }

    private FluentConfiguration flyway() {
        return Flyway.configure().locations("filesystem:" + migrations);
    }

    /** The message of the run's configuration error, in the plugin's words, after checking it made no database. */
    private String refused(String target, String user, FluentConfiguration flyway) {
        List<String> before = postgres.databasesOfThisProcess();
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
                () -> SettingNames.using(ParameterNames.INSTANCE, () -> Rehearsal.configure()
                        .target(postgres.jdbcUrl(target), user, null).engine(FlywayEngine.of(flyway)).load().run()));
        assertThat(refused).as("a configuration error").isNotNull();
        assertThat(postgres.databasesOfThisProcess()).as("no branch made").isEqualTo(before);
        assertThat(refused.getMessage()).doesNotContain("Flyway.configure()");
        return refused.getMessage();
    }
}
