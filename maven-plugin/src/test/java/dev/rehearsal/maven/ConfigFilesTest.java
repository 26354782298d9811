package dev.rehearsal.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    private static final String TOML = """
            [environments.default]
            url = "jdbc:postgresql://localhost/shop"
            user = "app"
            password = "secret"
            schemas = ["shop", "audit"]

            [environments.staging]
            url = "jdbc:postgresql://staging/shop"

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
    void flywayTomlGivesTheFlywayTableAndTheDefaultEnvironmentsConnectionAsFlywayProperties() throws Exception {
        Path file = Files.writeString(directory.resolve("flyway.toml"), TOML);

        assertThat(ConfigFiles.flyway(file, null))
                .containsEntry("flyway.url", "jdbc:postgresql://localhost/shop")
                .containsEntry("flyway.user", "app")
                .containsEntry("flyway.password", "secret")
                .containsEntry("flyway.schemas", "shop,audit")
                .containsEntry("flyway.locations", "filesystem:sql,classpath:db/migration")
                .containsEntry("flyway.table", "history")
                .containsEntry("flyway.validateMigrationNaming", "true")
                .containsEntry("flyway.placeholders.owner", "app");
    }

    @Test
    void theEnvironmentIsChosenByTheSettingThenByTheFile() throws Exception {
        Path file = Files.writeString(directory.resolve("flyway.toml"), TOML);
        Path chosenByFile = Files.writeString(directory.resolve("staging.toml"),
                TOML.replace("[flyway]", "[flyway]\nenvironment = \"staging\""));

        assertThat(ConfigFiles.flyway(file, "staging")).containsEntry("flyway.url", "jdbc:postgresql://staging/shop")
                .doesNotContainKey("flyway.user");
        assertThat(ConfigFiles.flyway(chosenByFile, null)).containsEntry("flyway.url",
                "jdbc:postgresql://staging/shop");
        assertThat(ConfigFiles.flyway(chosenByFile, "default")).containsEntry("flyway.user", "app");
    }

    @Test
    void anEnvironmentTheFileLacksIsAnErrorListingThoseItHas() throws Exception {
        Path file = Files.writeString(directory.resolve("flyway.toml"), TOML);

        assertThatThrownBy(() -> ConfigFiles.flyway(file, "prod"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no [environments.prod] table")
                .hasMessageContaining("[default, staging]");
    }

    @Test
    void theOlderFlywayConfIsReadAsProperties() throws Exception {
        Path conf = Files.writeString(directory.resolve("flyway.conf"), "flyway.url=jdbc:postgresql://h/db\n"
                + "flyway.locations = filesystem:sql\n");

        assertThat(ConfigFiles.flyway(conf, null)).containsEntry("flyway.url", "jdbc:postgresql://h/db")
                .containsEntry("flyway.locations", "filesystem:sql");
    }

    @Test
    void environmentVariablesAreResolvedAsFlywayDoesAndAMissingOneIsNamed() throws Exception {
        String home = System.getenv("HOME");
        Path toml = Files.writeString(directory.resolve("flyway.toml"), TOML.replace("\"secret\"",
                "\"${env.HOME}/x\""));
        Path conf = Files.writeString(directory.resolve("flyway.conf"),
                "flyway.password=${env.REHEARSAL_TEST_SURELY_UNSET_42}\n");

        assertThat(home).as("HOME is set in the test's environment").isNotNull();
        assertThat(ConfigFiles.flyway(toml, null)).containsEntry("flyway.password", home + "/x");
        assertThatThrownBy(() -> ConfigFiles.flyway(conf, null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("uses ${env.REHEARSAL_TEST_SURELY_UNSET_42}, but the environment variable")
                .hasMessageContaining("is not set");
    }

    @Test
    void aMissingOrBrokenFileIsAnErrorNamingTheFile() throws Exception {
        Path broken = Files.writeString(directory.resolve("broken.toml"), "[flyway\nlocations = ");

        assertThatThrownBy(() -> ConfigFiles.flyway(directory.resolve("nowhere.toml"), null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nowhere.toml does not exist");
        assertThatThrownBy(() -> ConfigFiles.flyway(broken, null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("broken.toml: it is not valid TOML");
    }
}
