package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A project's liquibase.properties and Liquibase's variables configure the engine as Liquibase's own CLI. */
class LiquibaseSettingsIT {
    @TempDir
    Path project;

    @Test
    void aDefaultsFileWithSeveralSearchPathEntriesAHistoryTableAndLiquibasesOtherSettingsIsHonoured()
            throws Exception {
        write("liquibase.properties", """
                changelogFile: main.yaml
                searchPath: first, second
                labels: billing
                databaseChangeLogTableName: schema_history
                parameter.owner: from_file
                duplicateFileMode: WARN
                """);
        write("first/main.yaml", """
                databaseChangeLog:
                  - include:
                      file: tables.yaml
                  - changeSet:
                      id: billing
                      author: shop
                      labels: billing
                      changes:
                        - sql:
                            sql: CREATE TABLE invoices (owner text DEFAULT '${owner}')
                  - changeSet:
                      id: experiment
                      author: shop
                      labels: experimental
                      changes:
                        - sql:
                            sql: CREATE TABLE experiments (id int)
                """);
        // the same path in both entries: Liquibase's default (duplicateFileMode ERROR) refuses it; WARN takes the first
        write("first/tables.yaml", table("customers"));
        write("second/tables.yaml", table("shadowed"));
        String target = POSTGRES.createDatabase("settings");

        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(target)).engine(engine()).load().run();
        Path properties = project.resolve("liquibase.properties");
        Files.writeString(properties, Files.readString(properties).replace("duplicateFileMode: WARN\n", ""));
        ConfigurationException withoutIt = catchThrowableOfType(ConfigurationException.class,
                () -> engine().plan(POSTGRES.dataSource(target)));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(withoutIt).as("Liquibase's default refuses the file found twice").isNotNull()
                .hasMessageContaining("tables.yaml");
        assertThat(POSTGRES.query(target, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
                .containsExactly("customers", "databasechangeloglock", "invoices", "schema_history");
        assertThat(POSTGRES.query(target, "SELECT column_default FROM information_schema.columns WHERE table_name = "
                + "'invoices'")).containsExactly("'env'::text");
        assertThat(POSTGRES.query(target, "SELECT filename || '::' || id FROM schema_history ORDER BY orderexecuted"))
                .containsExactly("tables.yaml::create-table", "main.yaml::billing");
    }

    private LiquibaseEngine engine() {
        return LiquibaseSettings.builder().directory(project).environment(Map.of("owner", "env")).lookUpDefaultsFile()
                .load().configure(LiquibaseEngine.configure()).load();
    }

    private static String table(String name) {
        return """
                databaseChangeLog:
                  - changeSet:
                      id: create-table
                      author: shop
                      changes:
                        - sql:
                            sql: CREATE TABLE %s (id int)
                """.formatted(name);
    }

    private void write(String name, String content) throws Exception {
        Path file = project.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
