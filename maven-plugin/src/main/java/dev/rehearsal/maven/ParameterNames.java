package dev.rehearsal.maven;

import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import java.util.Map;

/**
 * Settings as the Maven plugin spells them: its parameters, {@code <lockTimeout>} (and, where it has one, the
 * {@code -Drehearsal.lockTimeout=...} property); a branch provider's options are {@code <branchOptions>} entries.
 * Flyway's and Liquibase's settings are parameters by their own names, as in their own Maven plugins.
 */
final class ParameterNames implements SettingNames {
    static final ParameterNames INSTANCE = new ParameterNames();

    /** Rehearsal's settings whose parameter has another name. */
    private static final Map<String, String> RENAMED = Map.of(
            "report", "reportDirectory",
            "markdownReport", "reportDirectory",
            "htmlReport", "reportDirectory",
            "engine", "locations",
            "expires", "branchExpiry");

    /** Liquibase's settings whose liquibase-maven-plugin parameter is spelled otherwise than Liquibase's name. */
    private static final Map<String, String> LIQUIBASE_RENAMED = Map.of(
            "changelogFile", "changeLogFile",
            "defaultsFile", "propertyFile",
            "databaseChangelogTableName", "databaseChangeLogTableName",
            "databaseChangelogLockTableName", "databaseChangeLogLockTableName");

    private ParameterNames() {
    }

    @Override
    public String name(Setting setting) {
        if (setting.scope() == Setting.Scope.BRANCH_OPTION) {
            return "<branchOptions><" + setting.name() + ">";
        }
        String parameter = parameter(setting);
        String words = "<" + parameter + ">";
        if (setting.scope() == Setting.Scope.REHEARSAL && !"password".equals(parameter)) {
            words += " (-Drehearsal." + parameter + "=...)";
        }
        return "engine".equals(setting.name()) && setting.scope() == Setting.Scope.REHEARSAL
                ? "<locations> (Flyway) or <changeLogFile> (Liquibase)" : words;
    }

    @Override
    public String assignment(Setting setting, String value) {
        if (setting.scope() == Setting.Scope.BRANCH_OPTION) {
            return "<branchOptions><" + setting.name() + ">" + value + "</" + setting.name() + "></branchOptions>";
        }
        String parameter = parameter(setting);
        return "<" + parameter + ">" + value + "</" + parameter + ">";
    }

    private static String parameter(Setting setting) {
        String renamed = setting.scope() == Setting.Scope.REHEARSAL ? RENAMED.get(setting.name())
                : setting.scope() == Setting.Scope.LIQUIBASE ? LIQUIBASE_RENAMED.get(setting.name()) : null;
        return renamed != null ? renamed : setting.name();
    }
}
