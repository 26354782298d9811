package dev.rehearsal.spring;

import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import java.util.Locale;
import java.util.Map;

/**
 * Settings as a Spring Boot application spells them: properties. Rehearsal's are {@code rehearsal.*} in kebab case
 * ({@code lockTimeout} is {@code rehearsal.lock-timeout}), a branch provider's options
 * {@code rehearsal.branch.options.<name>}, Flyway's and Liquibase's Boot's own {@code spring.flyway.*} and
 * {@code spring.liquibase.*}, so that a message names the line of {@code application.properties} that fixes it.
 */
public final class SpringSettingNames implements SettingNames {
    /** The one instance; it holds no state. */
    public static final SpringSettingNames INSTANCE = new SpringSettingNames();

    private static final String SEVERITIES = "severities";

    /** Rehearsal's settings whose property is not {@code rehearsal.} and the kebab case of their name. */
    private static final Map<String, String> RENAMED = Map.of(
            "url", "spring.datasource.url (or spring.flyway.url, spring.liquibase.url)",
            "user", "spring.datasource.username (or spring.flyway.user, spring.liquibase.user)",
            "password", "spring.datasource.password (or spring.flyway.password, spring.liquibase.password)",
            "engine", "spring.flyway.locations (Flyway) or spring.liquibase.change-log (Liquibase)",
            "branchProvider", "rehearsal.branch.provider",
            "report", "rehearsal.report.json",
            "markdownReport", "rehearsal.report.markdown",
            "htmlReport", "rehearsal.report.html");

    /** Liquibase's settings by the names of Boot's {@code spring.liquibase.*} properties. */
    private static final Map<String, String> LIQUIBASE = Map.of(
            "changelogFile", "change-log",
            "labels", "label-filter",
            "defaultSchemaName", "default-schema",
            "liquibaseSchemaName", "liquibase-schema",
            "databaseChangelogTableName", "database-change-log-table",
            "databaseChangelogLockTableName", "database-change-log-lock-table");

    private SpringSettingNames() {
    }

    @Override
    public String name(Setting setting) {
        return switch (setting.scope()) {
            case REHEARSAL -> SEVERITIES.equals(setting.name()) ? "rehearsal.severities.<kind>"
                    : RENAMED.getOrDefault(setting.name(), "rehearsal." + kebab(setting.name()));
            case BRANCH_OPTION -> "rehearsal.branch.options." + setting.name();
            case FLYWAY -> "spring.flyway." + kebab(setting.name());
            case LIQUIBASE -> "spring.liquibase." + LIQUIBASE.getOrDefault(setting.name(), kebab(setting.name()));
        };
    }

    @Override
    public String assignment(Setting setting, String value) {
        if (setting.scope() == Setting.Scope.REHEARSAL && SEVERITIES.equals(setting.name())) {
            // front ends hand a severity over as kind=level: the kind is part of the property's name here
            return "rehearsal.severities." + value;
        }
        String name = name(setting);
        int alternatives = name.indexOf(" (");
        return (alternatives < 0 ? name : name.substring(0, alternatives)) + "=" + value;
    }

    /** {@code waitForOtherRunners} as {@code wait-for-other-runners}; a kebab-case name stays as it is. */
    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
