package dev.rehearsal.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.liquibase.LiquibaseEngine;
import dev.rehearsal.liquibase.LiquibaseSettings;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liquibase's configuration errors as the goals report them: before any branch, in the plugin's parameters
 * ({@code <changeLogFile>}, {@code <searchPath>}, {@code <propertyFile>}), as the goals run a rehearsal (inside the
 * plugin's names; {@code MavenPluginIT} shows a real build).
 */
class LiquibaseParameterWordsIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path resources;

    @Test
    void aMissingChangelogAnEditedAppliedChangesetAndAMissingPropertyFileAreSaidInTheParametersWords()
            throws Exception {
        Files.writeString(resources.resolve("main.yaml"), changelog("text"));
        String target = databases.create("mvn_lb_words");
        Outcome applied = run(target, "main.yaml");
        Files.writeString(resources.resolve("main.yaml"), changelog("varchar(40)"));
        List<String> databasesBefore = postgres.databasesOfThisProcess();

        ConfigurationException missing = refused(target, "db/mian.yaml");
        ConfigurationException edited = refused(target, "main.yaml");
        ConfigurationException noFile = catchThrowableOfType(ConfigurationException.class, () -> SettingNames.using(
                ParameterNames.INSTANCE, () -> LiquibaseSettings.builder().directory(resources)
                        .environment(Map.of()).defaultsFile(Path.of("liquibase.properties")).load()));

        assertThat(applied.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(missing).hasMessageContaining("correct <changeLogFile>db/mian.yaml</changeLogFile>")
                .hasMessageContaining("with <searchPath>").hasMessageNotContaining("LiquibaseEngine");
        assertThat(edited).hasMessageContaining("changeset main.yaml::add-phone::shop was changed after it was "
                + "applied").hasMessageContaining("validCheckSum").hasMessageContaining("runOnChange");
        assertThat(noFile).hasMessageContaining("(<propertyFile>liquibase.properties</propertyFile>) does not "
                + "exist");
        assertThat(postgres.databasesOfThisProcess()).as("no branch made").isEqualTo(databasesBefore);
    }

    private Outcome run(String target, String changelog) {
        return SettingNames.using(ParameterNames.INSTANCE, () -> Rehearsal.configure()
                .target(postgres.location(target))
                .engine(LiquibaseEngine.configure().changelog(changelog).searchPath(resources.toString())
                        .setting("liquibase.analytics.enabled", "false").load())
                .load().run());
    }

    private ConfigurationException refused(String target, String changelog) {
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
                () -> run(target, changelog));
        assertThat(refused).as("a configuration error").isNotNull();
        return refused;
    }

    private static String changelog(String phoneType) {
        return """
                databaseChangeLog:
                  - changeSet:
                      id: create-customers
                      author: shop
                      changes:
                        - sql:
                            sql: CREATE TABLE customers (id int PRIMARY KEY)
                  - changeSet:
                      id: add-phone
                      author: shop
                      changes:
                        - sql:
                            sql: ALTER TABLE customers ADD COLUMN phone %s
                """.formatted(phoneType);
    }
}
