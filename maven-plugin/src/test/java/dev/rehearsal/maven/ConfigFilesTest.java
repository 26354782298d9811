package dev.rehearsal.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    @TempDir
    Path directory;

    @Test
    void liquibasePropertiesAreReadAsProperties() throws Exception {
        Path liquibase = Files.writeString(directory.resolve("liquibase.properties"), "changeLogFile: db/main.xml\n"
                + "parameter.tier=gold\n");

        assertThat(ConfigFiles.liquibase(liquibase)).containsEntry("changeLogFile", "db/main.xml")
                .containsEntry("parameter.tier", "gold");
    }

    @Test
    void environmentVariablesAreResolvedAndAMissingOneIsNamed() throws Exception {
        String home = System.getenv("HOME");
        Path resolved = Files.writeString(directory.resolve("liquibase.properties"), "password=${env.HOME}/x\n");
        Path unset = Files.writeString(directory.resolve("unset.properties"),
                "password=${env.REHEARSAL_TEST_SURELY_UNSET_42}\n");

        assertThat(home).as("HOME is set in the test's environment").isNotNull();
        assertThat(ConfigFiles.liquibase(resolved)).containsEntry("password", home + "/x");
        assertThatThrownBy(() -> ConfigFiles.liquibase(unset))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("uses ${env.REHEARSAL_TEST_SURELY_UNSET_42}, but the environment variable")
                .hasMessageContaining("is not set");
    }

    @Test
    void aMissingFileIsAnErrorNamingTheFile() {
        assertThatThrownBy(() -> ConfigFiles.liquibase(directory.resolve("liquibase.properties")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Liquibase configuration file");
    }
}
