package dev.rehearsal.branch;

import dev.rehearsal.ConfigurationException;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import java.nio.file.Path;
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
 *       target without other sessions. Options: {@code clone} ({@code true}/{@code false}).</li>
 *   <li>{@code snapshot-copy}: {@link SnapshotCopyBranchProvider}, {@code pg_dump}/{@code pg_restore} of one
 *       snapshot; works while the target is in use. Options: {@code jobs}, {@code schema-only}, {@code sample}
 *       (rows a table), {@code pg-dump} and {@code pg-restore} (paths).</li>
 *   <li>{@code neon}: {@link NeonBranchProvider}, the Neon API; the key from {@code NEON_API_KEY}. Options:
 *       {@code project} (required), {@code parent-branch}, {@code database}, {@code role},
 *       {@code api-key-variable}, {@code api-url}.</li>
 * </ul>
 */
public final class BranchProviders {
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
            default -> throw new ConfigurationException("Unknown branch provider '" + name + "': use one of " + NAMES);
        };
    }

    private static BranchProvider template(String name, Map<String, String> options) {
        requireKnown(name, options, Set.of("clone"));
        TemplateBranchProvider.Builder builder = TemplateBranchProvider.builder();
        if (options.containsKey("clone")) {
            builder.clone(bool(name, "clone", options.get("clone")));
        }
        return builder.build();
    }

    private static BranchProvider snapshotCopy(String name, Map<String, String> options) {
        requireKnown(name, options, Set.of("jobs", "schema-only", "sample", "pg-dump", "pg-restore"));
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
        return builder.build();
    }

    private static BranchProvider neon(String name, Map<String, String> options) {
        requireKnown(name, options, Set.of("project", "parent-branch", "database", "role", "api-key-variable",
                "api-url"));
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
        return builder.build();
    }

    private static void requireKnown(String name, Map<String, String> options, Set<String> known) {
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (!known.contains(option.getKey())) {
                throw new ConfigurationException("The " + name + " branch provider has no option '" + option.getKey()
                        + "': its options are " + new TreeSet<>(known));
            }
            if (option.getValue() == null || option.getValue().isBlank()) {
                throw new ConfigurationException("The " + name + " branch provider's option '" + option.getKey()
                        + "' has no value: give one, or leave the option out");
            }
        }
    }

    private static boolean bool(String name, String option, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException("The " + name + " branch provider's option '" + option
                    + "' is true or false, not '" + value + "'");
        };
    }

    private static int number(String name, String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("The " + name + " branch provider's option '" + option + "' is a "
                    + "whole number, not '" + value + "'");
        }
    }
}
