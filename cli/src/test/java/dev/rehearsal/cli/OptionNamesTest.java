package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.branch.BranchProviderFactory;
import dev.rehearsal.check.Policy;
import dev.rehearsal.check.SqlAssertions;
import dev.rehearsal.flyway.FlywaySettings;
import dev.rehearsal.liquibase.LiquibaseSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OptionNamesTest {
    @Test
    void everySettingAMessageCanNameIsAnOptionOfTheCli() throws IllegalAccessException {
        CommandLine.Model.CommandSpec migrate = new CommandLine(new Main()).getSubcommands().get("migrate")
                .getCommandSpec();
        List<String> missing = new ArrayList<>();
        List<Setting> settings = new ArrayList<>(constants(Setting.class));
        settings.addAll(constants(Policy.class));
        settings.addAll(constants(SqlAssertions.class));
        settings.addAll(constants(FlywaySettings.class));
        assertThat(settings).contains(Policy.SEVERITIES, Policy.MIN_ROWS, SqlAssertions.DIRECTORY);
        for (Setting setting : settings) {
            for (String option : SettingNames.using(OptionNames.INSTANCE, setting::spelled).split(" ")) {
                if (option.startsWith("--") && migrate.findOption(option) == null) {
                    missing.add(setting.name() + " -> " + option);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyLiquibaseSettingIsAnOptionOfTheCliByLiquibasesOwnName() throws IllegalAccessException {
        CommandLine.Model.CommandSpec migrate = new CommandLine(new Main()).getSubcommands().get("migrate")
                .getCommandSpec();
        List<String> options = new ArrayList<>();
        for (Setting setting : constants(LiquibaseSettings.class)) {
            options.add(SettingNames.using(OptionNames.INSTANCE, setting::spelled));
        }
        assertThat(options).contains("--changelog-file", "--defaults-file", "--search-path",
                "--database-changelog-lock-table-name").allSatisfy(option -> assertThat(migrate.findOption(option))
                        .as(option).isNotNull());
        assertThat(migrate.findOption("--context-filter")).isSameAs(migrate.findOption("--contexts"));
        assertThat(migrate.findOption("--label-filter")).isSameAs(migrate.findOption("--labels"));
        assertThat(migrate.findOption("--changelog")).isSameAs(migrate.findOption("--changelog-file"));
    }

    @Test
    void flywaySettingsAreSpelledAsFlywaysCommandLineSpellsThem() {
        assertThat(SettingNames.using(OptionNames.INSTANCE, () -> FlywaySettings.IGNORE_MIGRATION_PATTERNS
                .spelled("*:missing"))).isEqualTo("--ignore-migration-patterns *:missing");
        assertThat(SettingNames.using(OptionNames.INSTANCE, () -> FlywaySettings.OUT_OF_ORDER.spelled("true")))
                .isEqualTo("--out-of-order true");
    }

    @Test
    void theHelpOfMigrateListsFlywaysSettingsAsWritten() {
        StringWriter out = new StringWriter();
        int exit = Main.run(new String[] {"migrate", "--help"}, new PrintWriter(out),
                new PrintWriter(new StringWriter()));

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("--ignore-migration-patterns=<patterns>", "--placeholders=<name=value>",
                "what opens a placeholder (default ${)", "what closes a placeholder (default })");
    }

    @Test
    void branchProviderOptionsAreSpelledAsBranchOptions() {
        List<Setting> options = BranchProviderFactory.all().stream()
                .flatMap(factory -> factory.options().stream()).toList();
        for (Setting option : options) {
            assertThat(SettingNames.using(OptionNames.INSTANCE, () -> option.spelled("x")))
                    .isEqualTo("--branch-option " + option.name() + "=x");
        }
        assertThat(options).extracting(Setting::name).contains("pg-dump", "work-directory", "project");
    }

    @Test
    void anOutOfRangeValueIsReportedWithTheOptionTheUserTyped() {
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"rehearse", "--url", "jdbc:postgresql://localhost:1/shop", "--locations",
                "filesystem:.", "--lock-timeout", "99999999d"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));

        assertThat(exit).isEqualTo(64);
        assertThat(err.toString()).contains("--lock-timeout 99999999d is out of range: give a value between 0s and 1h")
                .doesNotContain("lockTimeout(").doesNotContain("PT");
    }

    static List<Setting> constants(Class<?> owner) throws IllegalAccessException {
        List<Setting> settings = new ArrayList<>();
        for (Field field : owner.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Setting.class) {
                settings.add((Setting) field.get(null));
            }
        }
        return settings;
    }
}
