package dev.rehearsal.cli;

import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.flyway.FlywaySettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Flyway migrations and Flyway's settings, as Flyway's own command line takes them: its configuration files
 * ({@code flyway.toml} or {@code flyway.conf} in the user's home and the working directory,
 * {@code FLYWAY_CONFIG_FILES}, {@code --config-files}), its {@code FLYWAY_*} environment variables and these options,
 * each Flyway's setting of the same name in kebab-case ({@code --out-of-order} is {@code outOfOrder}). The command
 * line wins over the environment, the environment over the files. A setting without an option here is given in a
 * file or a variable.
 */
final class FlywayOptions {
    @Spec(Spec.Target.SELF)
    CommandLine.Model.CommandSpec options;

    @Option(names = "--locations", split = ",", description = "Flyway locations, e.g. "
            + "filesystem:src/main/resources/db/migration (without a prefix: classpath:)")
    List<String> locations;

    @Option(names = "--config-files", split = ",", paramLabel = "<file>", description = "Flyway configuration files "
            + "(flyway.toml, or flyway.conf properties), read after flyway.toml or flyway.conf in the home and the "
            + "working directory; later ones win")
    List<Path> configFiles;

    @Option(names = "--environment", description = "the [environments.<name>] of flyway.toml to use (default: the "
            + "file's flyway.environment, else default)")
    String environment;

    @Option(names = "--placeholders", paramLabel = "<name=value>", description = "a Flyway placeholder, e.g. "
            + "--placeholders owner=app (repeatable)")
    Map<String, String> placeholders;

    @Option(names = "--schemas", description = "the schemas Flyway manages, comma-separated; the history table is in "
            + "the first")
    String schemas;

    @Option(names = "--default-schema", description = "the schema of the history table and of unqualified objects")
    String defaultSchema;

    @Option(names = "--table", description = "Flyway's history table (default flyway_schema_history)")
    String table;

    @Option(names = "--target", paramLabel = "<version>", description = "the last version to migrate to (Flyway's "
            + "target); a rehearsal never goes beyond what it rehearsed")
    String target;

    @Option(names = "--out-of-order", arity = "0..1", fallbackValue = "true", paramLabel = "<true|false>",
            description = "apply migrations older than the newest applied one")
    Boolean outOfOrder;

    @Option(names = "--ignore-migration-patterns", paramLabel = "<patterns>", description = "what validation "
            + "ignores, comma-separated, e.g. *:missing,*:future (Flyway's default *:future)")
    String ignoreMigrationPatterns;

    @Option(names = "--validate-on-migrate", arity = "0..1", fallbackValue = "true", paramLabel = "<true|false>",
            description = "validate applied migrations against the local ones first (default true)")
    Boolean validateOnMigrate;

    @Option(names = "--validate-migration-naming", arity = "0..1", fallbackValue = "true",
            paramLabel = "<true|false>", description = "fail on files whose names are not migrations (default false)")
    Boolean validateMigrationNaming;

    @Option(names = "--baseline-on-migrate", arity = "0..1", fallbackValue = "true", paramLabel = "<true|false>",
            description = "start the history on a schema that has objects but no history table")
    Boolean baselineOnMigrate;

    @Option(names = "--baseline-version", description = "the version such a baseline records (default 1)")
    String baselineVersion;

    @Option(names = "--baseline-description", description = "the description of the baseline")
    String baselineDescription;

    @Option(names = "--group", arity = "0..1", fallbackValue = "true", paramLabel = "<true|false>",
            description = "apply all pending migrations in one transaction")
    Boolean group;

    @Option(names = "--mixed", arity = "0..1", fallbackValue = "true", paramLabel = "<true|false>",
            description = "allow transactional and non-transactional statements in one migration")
    Boolean mixed;

    @Option(names = "--encoding", description = "the encoding of SQL migrations (default UTF-8)")
    String encoding;

    @Option(names = "--sql-migration-prefix", description = "the prefix of versioned SQL migrations (default V)")
    String sqlMigrationPrefix;

    @Option(names = "--repeatable-sql-migration-prefix", description = "the prefix of repeatable SQL migrations "
            + "(default R)")
    String repeatableSqlMigrationPrefix;

    @Option(names = "--sql-migration-separator", description = "between version and description (default __)")
    String sqlMigrationSeparator;

    @Option(names = "--sql-migration-suffixes", description = "the suffixes of SQL migrations, comma-separated "
            + "(default .sql)")
    String sqlMigrationSuffixes;

    @Option(names = "--callbacks", description = "Java callbacks (class names, from --classpath) or packages of "
            + "them, comma-separated")
    String callbacks;

    @Option(names = "--skip-default-callbacks", arity = "0..1", fallbackValue = "true", paramLabel = "<true|false>",
            description = "ignore SQL callbacks (beforeMigrate.sql ...) in the locations")
    Boolean skipDefaultCallbacks;

    @Option(names = "--placeholder-replacement", arity = "0..1", fallbackValue = "true",
            paramLabel = "<true|false>", description = "replace placeholders (default true)")
    Boolean placeholderReplacement;

    @Option(names = "--placeholder-prefix", description = "what opens a placeholder (default $${)")
    String placeholderPrefix;

    @Option(names = "--placeholder-suffix", description = "what closes a placeholder (default })")
    String placeholderSuffix;

    @Option(names = "--placeholder-separator", description = "between a placeholder's namespace and name "
            + "(default :)")
    String placeholderSeparator;

    @Option(names = "--installed-by", description = "the user the history records (default: the database user)")
    String installedBy;

    @Option(names = "--create-schemas", arity = "0..1", fallbackValue = "true", paramLabel = "<true|false>",
            description = "create the schemas Flyway manages when missing (default true)")
    Boolean createSchemas;

    private FlywaySettings settings;

    /** Whether Flyway was asked for on the command line: its locations or configuration files. */
    boolean given() {
        return locations != null || configFiles != null;
    }

    /** Whether Flyway's files or variables (without a word on the command line) name locations. */
    boolean configured() {
        return given() || settings().get("locations") != null;
    }

    /** The url of the Flyway environment the files name (the target when {@code --url} is not given), or null. */
    String url() {
        return settings().url();
    }

    /** The user of that environment, or null. */
    String user() {
        return settings().user();
    }

    /** The Flyway engine, its Java migrations and callbacks loaded from {@code classes}. */
    MigrationEngine engine(ClassLoader classes) {
        return settings().engine(classes);
    }

    private FlywaySettings settings() {
        if (settings == null) {
            FlywaySettings.Builder builder = FlywaySettings.builder()
                    .lookIn(Path.of(System.getProperty("user.home")), Path.of("").toAbsolutePath())
                    .environmentVariables(System.getenv()).environment(environment)
                    .configFiles(configFiles == null ? List.of() : configFiles);
            commandLine().forEach(builder::commandLine);
            settings = builder.load();
        }
        return settings;
    }

    /** Every option given, by Flyway's name: each option is the kebab-case of its setting's. */
    private Map<String, String> commandLine() {
        Map<String, String> given = new LinkedHashMap<>();
        for (CommandLine.Model.OptionSpec option : options.options()) {
            Object value = option.getValue();
            String name = camel(option.longestName().substring(2));
            if (value == null || option.longestName().equals("--config-files")
                    || option.longestName().equals("--environment")) {
                continue;
            }
            if (value instanceof Map<?, ?> entries) {
                entries.forEach((key, entry) -> given.put(name + "." + key, String.valueOf(entry)));
            } else if (value instanceof List<?> list) {
                given.put(name, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                given.put(name, String.valueOf(value));
            }
        }
        return given;
    }

    /** {@code out-of-order} as {@code outOfOrder}. */
    private static String camel(String kebab) {
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }
}
