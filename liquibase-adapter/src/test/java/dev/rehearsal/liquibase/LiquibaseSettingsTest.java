package dev.rehearsal.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiquibaseSettingsTest {
    @TempDir
    Path project;

    @Test
    void readsTheDefaultsFileInTheSpellingsLiquibaseAccepts() throws Exception {
        Files.writeString(project.resolve("liquibase.properties"), """
                changeLogFile: db/changelog/main.yaml
                context-filter: prod
                labels: !experimental
                searchPath: src/main/resources, jar-dir
                liquibase.liquibaseSchemaName: audit
                databaseChangeLogTableName: history
                database-changelog-lock-table-name: history_lock
                defaultSchemaName: shop
                url: jdbc:postgresql://db/shop
                username: app
                parameter.owner: app_owner
                """);

        LiquibaseSettings settings = LiquibaseSettings.builder().directory(project).environment(Map.of())
                .lookUpDefaultsFile().load();

        assertThat(settings.defaultsFile()).isEqualTo(project.resolve("liquibase.properties"));
        assertThat(settings.changelogFile()).isEqualTo("db/changelog/main.yaml");
        assertThat(settings.get(LiquibaseSettings.CONTEXTS)).isEqualTo("prod");
        assertThat(settings.get(LiquibaseSettings.LABELS)).isEqualTo("!experimental");
        assertThat(settings.searchPath()).containsExactly(project.resolve("src/main/resources").toString(),
                project.resolve("jar-dir").toString());
        assertThat(settings.get(LiquibaseSettings.LIQUIBASE_SCHEMA_NAME)).isEqualTo("audit");
        assertThat(settings.get(LiquibaseSettings.DATABASE_CHANGELOG_TABLE_NAME)).isEqualTo("history");
        assertThat(settings.get(LiquibaseSettings.DATABASE_CHANGELOG_LOCK_TABLE_NAME)).isEqualTo("history_lock");
        assertThat(settings.get(LiquibaseSettings.DEFAULT_SCHEMA_NAME)).isEqualTo("shop");
        assertThat(settings.url()).isEqualTo("jdbc:postgresql://db/shop");
        assertThat(settings.username()).isEqualTo("app");
        assertThat(settings.parameters()).containsExactly(Map.entry("owner", "app_owner"));
    }

    @Test
    void theCommandLineWinsOverTheEnvironmentWhichWinsOverTheLocalFileWhichWinsOverTheFile() throws Exception {
        Files.writeString(project.resolve("team.properties"), """
                changelogFile: db/main.yaml
                contexts: from-file
                labels: from-file
                liquibaseSchemaName: from_file
                parameter.a: file
                parameter.b: file
                parameter.c: file
                parameter.d: file
                """);
        Files.writeString(project.resolve("team.local.properties"), "parameter.d: local\n");
        Map<String, String> environment = Map.of("LIQUIBASE_COMMAND_CONTEXT_FILTER", "from-env",
                "LIQUIBASE_COMMAND_LABELS", "from-env", "LIQUIBASE_LIQUIBASE_SCHEMA_NAME", "from_env",
                "a", "env", "B", "env");

        LiquibaseSettings settings = LiquibaseSettings.builder().directory(project).environment(environment)
                .defaultsFile(Path.of("team.properties")).load()
                .with(LiquibaseSettings.CONTEXTS, "from-command-line").with(LiquibaseSettings.LABELS, null)
                .withParameters(Map.of("a", "command-line", "e", "command-line"));

        assertThat(settings.get(LiquibaseSettings.CONTEXTS)).isEqualTo("from-command-line");
        assertThat(settings.get(LiquibaseSettings.LABELS)).isEqualTo("from-env");
        assertThat(settings.get(LiquibaseSettings.LIQUIBASE_SCHEMA_NAME)).isEqualTo("from_env");
        assertThat(settings.parameters()).containsOnly(Map.entry("a", "command-line"), Map.entry("b", "env"),
                Map.entry("c", "file"), Map.entry("d", "local"), Map.entry("e", "command-line"));
    }

    @Test
    void passesLiquibasesOtherSettingsFromTheFileUnlessTheEnvironmentSetsThem() throws Exception {
        Files.writeString(project.resolve("liquibase.properties"), """
                changelogFile: db/main.yaml
                duplicateFileMode: WARN
                liquibase.changelogLockWaitTimeInMinutes: 7
                searchPath: .
                """);
        LiquibaseSettings fileOnly = LiquibaseSettings.builder().directory(project).environment(Map.of())
                .lookUpDefaultsFile().load();
        LiquibaseSettings withEnvironment = LiquibaseSettings.builder().directory(project)
                .environment(Map.of("LIQUIBASE_DUPLICATE_FILE_MODE", "INFO")).lookUpDefaultsFile().load();

        assertThat(fileOnly.otherSettings()).containsOnly(Map.entry("liquibase.duplicateFileMode", "WARN"),
                Map.entry("liquibase.changelogLockWaitTimeInMinutes", "7"));
        assertThat(withEnvironment.otherSettings()).containsOnlyKeys("liquibase.changelogLockWaitTimeInMinutes");
        assertThat(fileOnly.configure(LiquibaseEngine.configure()).load().toString()).contains("db/main.yaml");
    }

    @Test
    void findsTheDefaultsFileAsLiquibasesCommandLineDoes() throws Exception {
        Files.createDirectories(project.resolve("config"));
        Files.writeString(project.resolve("config/ci.properties"), "changelogFile: from-ci.yaml\n");
        Files.writeString(project.resolve("liquibase.properties"), "changelogFile: from-default.yaml\n");

        assertThat(LiquibaseSettings.builder().directory(project).environment(Map.of()).lookUpDefaultsFile().load()
                .changelogFile()).isEqualTo("from-default.yaml");
        assertThat(LiquibaseSettings.builder().directory(project)
                .environment(Map.of("LIQUIBASE_DEFAULTS_FILE", "config/ci.properties")).lookUpDefaultsFile().load()
                .changelogFile()).isEqualTo("from-ci.yaml");
        assertThat(LiquibaseSettings.builder().directory(project).environment(Map.of())
                .defaultsFile(Path.of("config/ci.properties")).lookUpDefaultsFile().load().changelogFile())
                .isEqualTo("from-ci.yaml");
        assertThat(LiquibaseSettings.builder().directory(project.resolve("config")).environment(Map.of())
                .lookUpDefaultsFile().load().defaultsFile()).as("none there: none read").isNull();
        assertThat(LiquibaseSettings.builder().directory(project).environment(Map.of()).load().changelogFile())
                .as("no lookup asked for (the Maven plugin reads only its <propertyFile>)").isNull();
    }

    @Test
    void aNamedDefaultsFileThatDoesNotExistOrNoChangelogAnywhereIsAConfigurationError() {
        assertThatThrownBy(() -> LiquibaseSettings.builder().directory(project).environment(Map.of())
                .defaultsFile(Path.of("nope.properties")).load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("The Liquibase defaults file " + project.resolve("nope.properties")
                        + " (LiquibaseSettings.builder().defaultsFile(nope.properties)) does not exist");
        assertThatThrownBy(() -> LiquibaseSettings.builder().directory(project)
                .environment(Map.of("LIQUIBASE_DEFAULTS_FILE", "ci.properties")).lookUpDefaultsFile().load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("LIQUIBASE_DEFAULTS_FILE=ci.properties");
        assertThatThrownBy(() -> LiquibaseSettings.builder().environment(Map.of()).load()
                .configure(LiquibaseEngine.configure()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No Liquibase changelog: give LiquibaseEngine.configure().changelog("
                        + "db/changelog/db.changelog-master.yaml)")
                .hasMessageContaining("LIQUIBASE_COMMAND_CHANGELOG_FILE");
    }

    @Test
    void theEngineTakesLiquibasesOtherSettingsByTheirNamesAndRefusesUnknownOnes() {
        LiquibaseEngine.configure().setting("duplicateFileMode", "WARN")
                .setting("liquibase.changelogLockWaitTimeInMinutes", "1");

        assertThatThrownBy(() -> LiquibaseEngine.configure().setting("duplicateFileMood", "WARN"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Liquibase has no setting 'duplicateFileMood'");
    }
}
