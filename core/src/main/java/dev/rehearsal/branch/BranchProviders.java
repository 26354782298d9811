package dev.rehearsal.branch;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import dev.rehearsal.internal.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A branch provider chosen by name and text options, as the CLI ({@code --branch-provider snapshot-copy
 * --branch-option jobs=4}) and the Maven plugin ({@code <branchProvider>}, {@code <branchOptions>}) take it.
 *
 * <ul>
 *   <li>{@code template} (default): {@link TemplateBranchProvider}, {@code CREATE DATABASE … TEMPLATE}; needs the
 *       target without other sessions. Options: {@code clone} ({@code true}/{@code false}),
 *       {@code maintenance-database}.</li>
 *   <li>{@code snapshot-copy}: {@link SnapshotCopyBranchProvider}, {@code pg_dump}/{@code pg_restore} of one
 *       snapshot; works while the target is in use. Options: {@code jobs}, {@code schema-only}, {@code sample}
 *       (rows a table), {@code pg-dump} and {@code pg-restore} (paths), {@code work-directory} (where the dump
 *       goes), {@code maintenance-database}.</li>
 *   <li>{@code neon}: {@link NeonBranchProvider}, the Neon API; the key from {@code NEON_API_KEY}. Options:
 *       {@code project} (required), {@code parent-branch}, {@code database}, {@code role},
 *       {@code api-key-variable}, {@code api-url}, {@code max-retries}, {@code operation-timeout}.</li>
 * </ul>
 */
public final class BranchProviders {
    public static final Setting CLONE = option("clone", "TemplateBranchProvider.builder().clone(...)");
    public static final Setting MAINTENANCE_DATABASE = option("maintenance-database",
            "TemplateBranchProvider.builder().maintenanceDatabase(...) (or SnapshotCopyBranchProvider's)");
    public static final Setting JOBS = option("jobs", "SnapshotCopyBranchProvider.builder().jobs(...)");
    public static final Setting SCHEMA_ONLY = option("schema-only",
            "SnapshotCopyBranchProvider.builder().schemaOnly()");
    public static final Setting SAMPLE = option("sample", "SnapshotCopyBranchProvider.builder().sample(...)");
    public static final Setting PG_DUMP = option("pg-dump", "SnapshotCopyBranchProvider.builder().pgDumpPath(...)");
    public static final Setting PG_RESTORE = option("pg-restore",
            "SnapshotCopyBranchProvider.builder().pgRestorePath(...)");
    public static final Setting WORK_DIRECTORY = option("work-directory",
            "SnapshotCopyBranchProvider.builder().workDirectory(...)");
    public static final Setting PROJECT = option("project", "NeonBranchProvider.builder().projectId(...)");
    public static final Setting PARENT_BRANCH = option("parent-branch",
            "NeonBranchProvider.builder().parentBranch(...)");
    public static final Setting DATABASE = option("database", "NeonBranchProvider.builder().databaseName(...)");
    public static final Setting ROLE = option("role", "NeonBranchProvider.builder().roleName(...)");
    public static final Setting API_KEY_VARIABLE = option("api-key-variable",
            "NeonBranchProvider.builder().apiKeyFromEnvironment(...)");
    public static final Setting API_URL = option("api-url", "NeonBranchProvider.builder().apiBaseUrl(...)");
    public static final Setting MAX_RETRIES = option("max-retries", "NeonBranchProvider.builder().maxRetries(...)");
    public static final Setting OPERATION_TIMEOUT = option("operation-timeout",
            "NeonBranchProvider.builder().operationTimeout(...)");

    private static final List<Setting> OPTIONS = List.of(CLONE, MAINTENANCE_DATABASE, JOBS, SCHEMA_ONLY, SAMPLE,
            PG_DUMP, PG_RESTORE, WORK_DIRECTORY, PROJECT, PARENT_BRANCH, DATABASE, ROLE, API_KEY_VARIABLE, API_URL,
            MAX_RETRIES, OPERATION_TIMEOUT);

    /** The names {@link #named} knows. */
    public static final List<String> NAMES = List.of("template", "snapshot-copy", "neon");

    private BranchProviders() {
    }

    /**
     * The provider called {@code name} (null: {@code template}) with these options.
     *
     * @throws ConfigurationException for an unknown name, an option the provider does not have, or a bad value
     */
    public static BranchProvider named(String name, Map<String, String> options) {
        String chosen = name == null || name.isBlank() ? "template" : name.trim().toLowerCase(Locale.ROOT);
        Map<String, String> given = new LinkedHashMap<>(options == null ? Map.of() : options);
        return switch (chosen) {
            case "template" -> template(chosen, given);
            case "snapshot-copy" -> snapshotCopy(chosen, given);
            case "neon" -> neon(chosen, given);
            default -> throw new ConfigurationException(asWritten(Setting.BRANCH_PROVIDER, name)
                    + "Unknown branch provider '" + name + "': use one of " + NAMES);
        };
    }

    private static BranchProvider template(String name, Map<String, String> options) {
        requireKnown(name, options, CLONE, MAINTENANCE_DATABASE);
        TemplateBranchProvider.Builder builder = TemplateBranchProvider.builder();
        if (options.containsKey("clone")) {
            builder.clone(bool(name, "clone", options.get("clone")));
        }
        if (options.containsKey(MAINTENANCE_DATABASE.name())) {
            builder.maintenanceDatabase(options.get(MAINTENANCE_DATABASE.name()));
        }
        return builder.build();
    }

    private static BranchProvider snapshotCopy(String name, Map<String, String> options) {
        requireKnown(name, options, JOBS, SCHEMA_ONLY, SAMPLE, PG_DUMP, PG_RESTORE, WORK_DIRECTORY,
                MAINTENANCE_DATABASE);
        SnapshotCopyBranchProvider.Builder builder = SnapshotCopyBranchProvider.builder();
        if (options.containsKey("jobs")) {
            builder.jobs(number(name, "jobs", options.get("jobs")));
        }
        if (options.containsKey("schema-only") && bool(name, "schema-only", options.get("schema-only"))) {
            builder.schemaOnly();
        }
        if (options.containsKey("sample")) {
            builder.sample(number(name, "sample", options.get("sample")));
        }
        if (options.containsKey("pg-dump")) {
            builder.pgDumpPath(Path.of(options.get("pg-dump")));
        }
        if (options.containsKey("pg-restore")) {
            builder.pgRestorePath(Path.of(options.get("pg-restore")));
        }
        if (options.containsKey(WORK_DIRECTORY.name())) {
            builder.workDirectory(Path.of(options.get(WORK_DIRECTORY.name())));
        }
        if (options.containsKey(MAINTENANCE_DATABASE.name())) {
            builder.maintenanceDatabase(options.get(MAINTENANCE_DATABASE.name()));
        }
        return builder.build();
    }

    private static BranchProvider neon(String name, Map<String, String> options) {
        requireKnown(name, options, PROJECT, PARENT_BRANCH, DATABASE, ROLE, API_KEY_VARIABLE, API_URL, MAX_RETRIES,
                OPERATION_TIMEOUT);
        NeonBranchProvider.Builder builder = NeonBranchProvider.builder();
        if (options.containsKey("project")) {
            builder.projectId(options.get("project"));
        }
        if (options.containsKey("parent-branch")) {
            builder.parentBranch(options.get("parent-branch"));
        }
        if (options.containsKey("database")) {
            builder.databaseName(options.get("database"));
        }
        if (options.containsKey("role")) {
            builder.roleName(options.get("role"));
        }
        if (options.containsKey("api-key-variable")) {
            builder.apiKeyFromEnvironment(options.get("api-key-variable"));
        }
        if (options.containsKey("api-url")) {
            builder.apiBaseUrl(options.get("api-url"));
        }
        if (options.containsKey(MAX_RETRIES.name())) {
            builder.maxRetries(number(name, MAX_RETRIES.name(), options.get(MAX_RETRIES.name())));
        }
        if (options.containsKey(OPERATION_TIMEOUT.name())) {
            Duration timeout = Durations.parse(options.get(OPERATION_TIMEOUT.name()), OPERATION_TIMEOUT.spelled());
            builder.operationTimeout(timeout);
        }
        return builder.build();
    }

    private static Setting option(String name, String builderWords) {
        return Setting.branchOption(name, builderWords);
    }

    private static void requireKnown(String name, Map<String, String> options, Setting... settings) {
        Set<String> known = new TreeSet<>();
        for (Setting setting : settings) {
            known.add(setting.name());
        }
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (!known.contains(option.getKey())) {
                throw new ConfigurationException(asWritten(option(option.getKey(), ""), option.getValue())
                        + "The " + name + " branch provider has no option '" + option.getKey() + "': its options are "
                        + known);
            }
            if (option.getValue() == null || option.getValue().isBlank()) {
                throw new ConfigurationException(asWritten(option(option.getKey(), ""), "") + "The " + name
                        + " branch provider's option '" + option.getKey() + "' has no value: give one, or leave the "
                        + "option out");
            }
        }
    }

    private static boolean bool(String name, String option, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(given(option, value) + "the " + name + " branch provider's "
                    + "option '" + option + "' is true or false, not '" + value + "'");
        };
    }

    private static int number(String name, String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(given(option, value) + "the " + name + " branch provider's option '"
                    + option + "' is a whole number, not '" + value + "'");
        }
    }

    /**
     * The setting as a front end (CLI, Maven plugin, Spring Boot) writes it, to start a message; nothing for the Java
     * API, whose caller wrote the name and options given here.
     */
    private static String asWritten(Setting setting, String value) {
        return SettingNames.current() == SettingNames.BUILDER ? "" : setting.spelled(value) + ": ";
    }

    /** The option as the front end in use writes it ({@code --branch-option jobs=many}), to start a message. */
    private static String given(String option, String value) {
        return OPTIONS.stream().filter(setting -> setting.name().equals(option)).findFirst()
                .map(setting -> setting.spelled(value) + ": ").orElse("");
    }
}
