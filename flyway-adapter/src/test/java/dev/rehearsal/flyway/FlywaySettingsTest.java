package dev.rehearsal.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlywaySettingsTest {
    private static final String TOML = """
            [environments.default]
            url = "jdbc:postgresql://localhost/shop"
            user = "app"
            password = "secret"
            schemas = ["shop", "audit"]

            [environments.staging]
            url = "jdbc:postgresql://staging/shop"

            [environments.staging.flyway]
            table = "staging_history"

            [flyway]
            locations = ["filesystem:sql", "classpath:db/migration"]
            table = "history"
            validateMigrationNaming = true

            [flyway.placeholders]
            owner = "app"
            """;

    @TempDir
    Path directory;

    @Test
    void flywayTomlGivesTheFlywayTableAndKeepsTheDefaultEnvironmentsConnectionApart() throws Exception {
        Path file = Files.writeString(directory.resolve("flyway.toml"), TOML);

        FlywaySettings settings = FlywaySettings.builder().configFiles(List.of(file)).load();

        assertThat(settings.properties())
                .containsEntry("flyway.schemas", "shop,audit")
                .containsEntry("flyway.locations", "filesystem:sql,classpath:db/migration")
                .containsEntry("flyway.table", "history")
                .containsEntry("flyway.validateMigrationNaming", "true")
                .containsEntry("flyway.placeholders.owner", "app")
                .doesNotContainKeys("flyway.url", "flyway.user", "flyway.password");
        assertThat(settings.url()).isEqualTo("jdbc:postgresql://localhost/shop");
        assertThat(settings.user()).isEqualTo("app");
        assertThat(settings.password()).isEqualTo("secret");
        assertThat(settings.files()).containsExactly(file.toAbsolutePath());
        assertThat(settings.toString()).doesNotContain("secret");
    }

    @Test
    void theEnvironmentIsChosenByTheSettingThenByTheFileAndMayOverrideFlywaySettings() throws Exception {
        Path file = Files.writeString(directory.resolve("flyway.toml"), TOML);
        Path chosenByFile = Files.writeString(directory.resolve("staging.toml"),
                TOML.replace("[flyway]", "[flyway]\nenvironment = \"staging\""));

        FlywaySettings staging = FlywaySettings.builder().configFiles(List.of(file)).environment("staging").load();

        assertThat(staging.url()).isEqualTo("jdbc:postgresql://staging/shop");
        assertThat(staging.user()).isNull();
        assertThat(staging.get("table")).isEqualTo("staging_history");
        assertThat(FlywaySettings.builder().configFiles(List.of(chosenByFile)).load().url())
                .isEqualTo("jdbc:postgresql://staging/shop");
        assertThat(FlywaySettings.builder().configFiles(List.of(chosenByFile)).environment("default").load().user())
                .isEqualTo("app");
    }

    @Test
    void anEnvironmentTheFileLacksIsAnErrorListingThoseItHas() throws Exception {
        Path file = Files.writeString(directory.resolve("flyway.toml"), TOML);

        assertThatThrownBy(() -> FlywaySettings.builder().configFiles(List.of(file)).environment("prod").load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no [environments.prod] table")
                .hasMessageContaining("[default, staging] with FlywaySettings.builder().environment(...)");
    }

    @Test
    void theOlderFlywayConfIsReadAsProperties() throws Exception {
        Path conf = Files.writeString(directory.resolve("flyway.conf"), "flyway.url=jdbc:postgresql://h/db\n"
                + "flyway.locations = filesystem:sql\nflyway.placeholders.owner=app\n");

        FlywaySettings settings = FlywaySettings.builder().configFiles(List.of(conf)).load();

        assertThat(settings.url()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(settings.properties()).containsEntry("flyway.locations", "filesystem:sql")
                .containsEntry("flyway.placeholders.owner", "app").doesNotContainKey("flyway.url");
    }

    @Test
    void commandLineWinsOverEnvironmentOverConfigurationOverFiles() throws Exception {
        Path file = Files.writeString(directory.resolve("flyway.toml"), """
                [flyway]
                outOfOrder = false
                [flyway.placeholders]
                a = "file"
                b = "file"
                c = "file"
                d = "file"
                """);

        FlywaySettings settings = FlywaySettings.builder().configFiles(List.of(file))
                .configured("placeholders.b", "pom").configured("placeholders.c", "pom")
                .configured("placeholders.d", "pom")
                .environmentVariables(Map.of("FLYWAY_PLACEHOLDERS_C", "env", "FLYWAY_PLACEHOLDERS_D", "env",
                        "FLYWAY_OUT_OF_ORDER", "true"))
                .commandLine("placeholders.d", "cli")
                .load();

        assertThat(settings.properties()).containsEntry("flyway.placeholders.a", "file")
                .containsEntry("flyway.placeholders.b", "pom").containsEntry("flyway.placeholders.c", "env")
                .containsEntry("flyway.placeholders.d", "cli").containsEntry("flyway.outOfOrder", "true");
        FluentConfiguration flyway = settings.configure(getClass().getClassLoader());
        assertThat(flyway.getPlaceholders()).containsEntry("a", "file").containsEntry("d", "cli");
        assertThat(flyway.isOutOfOrder()).isTrue();
    }

    @Test
    void flywaysVariablesAreMappedAsFlywayMapsThemButTheConnectionIsNotRead() {
        FlywaySettings settings = FlywaySettings.builder().environmentVariables(Map.of(
                "FLYWAY_IGNORE_MIGRATION_PATTERNS", "*:missing", "FLYWAY_BASELINE_ON_MIGRATE", "true",
                "FLYWAY_SQL_MIGRATION_PREFIX", "M", "FLYWAY_URL", "jdbc:postgresql://elsewhere/db",
                "FLYWAY_USER", "someone", "FLYWAY_PASSWORD", "secret", "FLYWAY_NOT_A_SETTING", "x",
                "PATH", "/usr/bin")).load();

        assertThat(settings.properties()).containsOnly(Map.entry("flyway.ignoreMigrationPatterns", "*:missing"),
                Map.entry("flyway.baselineOnMigrate", "true"), Map.entry("flyway.sqlMigrationPrefix", "M"));
        assertThat(settings.url()).isNull();
        assertThat(settings.password()).isNull();
    }

    @Test
    void filesAreFoundWhereFlywayLooksAndTomlTakesPrecedenceOverTheOlderFormat() throws Exception {
        Path home = Files.createDirectories(directory.resolve("home"));
        Path work = Files.createDirectories(directory.resolve("work"));
        Files.writeString(home.resolve("flyway.toml"), "[flyway]\ntable = \"home\"\nencoding = \"ISO-8859-1\"\n");
        Files.writeString(work.resolve("flyway.toml"), "[flyway]\ntable = \"work\"\ngroup = true\n");
        Files.writeString(work.resolve("flyway.user.toml"), "[flyway]\ngroup = false\n");
        Files.writeString(work.resolve("flyway.conf"), "flyway.mixed=true\n");

        FlywaySettings toml = FlywaySettings.builder().lookIn(home, work).load();
        Files.delete(home.resolve("flyway.toml"));
        Files.delete(work.resolve("flyway.toml"));
        Files.delete(work.resolve("flyway.user.toml"));
        FlywaySettings conf = FlywaySettings.builder().lookIn(home, work).load();

        assertThat(toml.properties()).containsEntry("flyway.table", "work")
                .containsEntry("flyway.encoding", "ISO-8859-1").containsEntry("flyway.group", "false")
                .doesNotContainKey("flyway.mixed");
        assertThat(toml.files()).containsExactly(home.resolve("flyway.toml"), work.resolve("flyway.toml"),
                work.resolve("flyway.user.toml"));
        assertThat(conf.properties()).containsOnly(Map.entry("flyway.mixed", "true"));
    }

    @Test
    void filesGivenAreReadAfterThoseFoundAndFlywayConfigFilesBeforeTheGivenOnes() throws Exception {
        Path work = Files.createDirectories(directory.resolve("work"));
        Files.writeString(work.resolve("flyway.conf"), "flyway.table=found\nflyway.group=true\n");
        Path listed = Files.writeString(directory.resolve("listed.conf"), "flyway.table=listed\nflyway.mixed=true\n");
        Path given = Files.writeString(directory.resolve("given.conf"), "flyway.mixed=false\n");

        FlywaySettings settings = FlywaySettings.builder().lookIn(work).configFiles(List.of(given))
                .environmentVariables(Map.of("FLYWAY_CONFIG_FILES", listed.toString())).load();

        assertThat(settings.files()).containsExactly(work.resolve("flyway.conf"), listed, given);
        assertThat(settings.properties()).containsEntry("flyway.table", "listed")
                .containsEntry("flyway.group", "true").containsEntry("flyway.mixed", "false");
    }

    @Test
    void aVariableInAFileIsResolvedAndAMissingOneIsNamed() throws Exception {
        Path toml = Files.writeString(directory.resolve("flyway.toml"), TOML.replace("\"secret\"",
                "\"${env.DB_SECRET}/x\""));
        Path conf = Files.writeString(directory.resolve("flyway.conf"),
                "flyway.password=${env.REHEARSAL_TEST_SURELY_UNSET_42}\n");

        assertThat(FlywaySettings.builder().configFiles(List.of(toml))
                .environmentVariables(Map.of("DB_SECRET", "s3")).load().password()).isEqualTo("s3/x");
        assertThatThrownBy(() -> FlywaySettings.builder().configFiles(List.of(conf)).load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("uses ${env.REHEARSAL_TEST_SURELY_UNSET_42}, but the environment variable")
                .hasMessageContaining("is not set");
    }

    @Test
    void aMissingOrBrokenFileIsAnErrorNamingTheFileAndWhereItWasNamed() throws Exception {
        Path broken = Files.writeString(directory.resolve("broken.toml"), "[flyway\nlocations = ");

        assertThatThrownBy(() -> FlywaySettings.builder().configFiles(List.of(directory.resolve("nowhere.toml")))
                .load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nowhere.toml does not exist: fix the path in "
                        + "FlywaySettings.builder().configFiles(...)");
        assertThatThrownBy(() -> FlywaySettings.builder()
                .environmentVariables(Map.of("FLYWAY_CONFIG_FILES", "nowhere.conf")).load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nowhere.conf does not exist: fix the path in FLYWAY_CONFIG_FILES");
        assertThatThrownBy(() -> FlywaySettings.builder().configFiles(List.of(broken)).load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("broken.toml: it is not valid TOML");
    }

    @Test
    void aSettingFlywayRejectsIsNamedWithWhereItCameFrom() throws Exception {
        Path conf = Files.writeString(directory.resolve("flyway.conf"), "flyway.outOfOrdr=true\n");

        assertThatThrownBy(() -> FlywaySettings.builder().configFiles(List.of(conf)).load()
                .configure(getClass().getClassLoader()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("flyway.outOfOrdr")
                .hasMessageContaining("flyway.outOfOrdr from " + conf.toAbsolutePath());
        assertThatThrownBy(() -> FlywaySettings.builder().environmentVariables(Map.of("FLYWAY_OUT_OF_ORDER",
                "maybe")).load().configure(getClass().getClassLoader()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maybe")
                .hasMessageContaining("flyway.outOfOrder from FLYWAY_OUT_OF_ORDER");
    }

    @Test
    void relativeFilesystemLocationsAreResolvedAgainstTheBaseDirectoryAndTheDefaultIsUsedOnlyAlone() {
        FlywaySettings defaulted = FlywaySettings.builder().defaultLocations("filesystem:src/main/resources/db")
                .baseDirectory(directory).load();
        FlywaySettings given = FlywaySettings.builder().defaultLocations("filesystem:src/main/resources/db")
                .baseDirectory(directory).configured("locations", "filesystem:sql,classpath:db/migration,"
                        + "filesystem:/abs").load();

        assertThat(defaulted.get("locations")).isEqualTo("filesystem:" + directory.resolve("src/main/resources/db"));
        assertThat(given.get("locations")).isEqualTo("filesystem:" + directory.resolve("sql")
                + ",classpath:db/migration,filesystem:/abs");
    }
}
