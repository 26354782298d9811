package dev.rehearsal.cli;

import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import java.util.Locale;
import java.util.Map;

/**
 * Settings as the CLI spells them: its options. Rehearsal's, Flyway's and Liquibase's settings are kebab-case
 * options ({@code lockTimeout} is {@code --lock-timeout}, Flyway's {@code outOfOrder} {@code --out-of-order}); a
 * branch provider's are {@code --branch-option name=value}.
 */
final class OptionNames implements SettingNames {
    static final OptionNames INSTANCE = new OptionNames();

    /** Rehearsal's settings whose option is not the kebab-case of their name. */
    private static final Map<String, String> RENAMED = Map.of(
            "password", "--password-env",
            "engine", "--locations (Flyway) or --changelog (Liquibase)",
            "markdownReport", "--markdown-report",
            "htmlReport", "--html-report",
            "severities", "--severity");

    private OptionNames() {
    }

    @Override
    public String name(Setting setting) {
        if (setting.scope() == Setting.Scope.BRANCH_OPTION) {
            return "--branch-option " + setting.name() + "=...";
        }
        String renamed = setting.scope() == Setting.Scope.REHEARSAL ? RENAMED.get(setting.name()) : null;
        return renamed != null ? renamed : "--" + kebab(setting.name());
    }

    @Override
    public String assignment(Setting setting, String value) {
        if (setting.scope() == Setting.Scope.BRANCH_OPTION) {
            return "--branch-option " + setting.name() + "=" + value;
        }
        return name(setting) + " " + value;
    }

    /** {@code waitForOtherRunners} as {@code wait-for-other-runners}; a kebab-case name stays as it is. */
    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
