package dev.rehearsal.cli;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.liquibase.LiquibaseEngine;
import dev.rehearsal.liquibase.LiquibaseSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Liquibase changelog and Liquibase's settings, as Liquibase's own command line takes them: its options, its
 * {@code LIQUIBASE_*} environment variables and its defaults file ({@code liquibase.properties} in the working
 * directory unless {@code --defaults-file} or {@code LIQUIBASE_DEFAULTS_FILE} names another), each option winning over
 * the environment, which wins over the file (see {@link LiquibaseSettings}).
 */
final class LiquibaseOptions {
    @Option(names = {"--changelog-file", "--changelog"}, paramLabel = "<file>", description = "Liquibase changelog, "
            + "e.g. db/changelog/main.yaml, found in the search path (default: the working directory and "
            + "--classpath)")
    String changelogFile;

    @Option(names = "--defaults-file", paramLabel = "<file>", description = "Liquibase's defaults file (default: "
            + "liquibase.properties in the working directory, if there); LIQUIBASE_* variables win over it")
    Path defaultsFile;

    @Option(names = {"--contexts", "--context-filter"}, paramLabel = "<expression>", description = "Liquibase "
            + "context filter, e.g. \"prod and !eu\"")
    String contexts;

    @Option(names = {"--labels", "--label-filter"}, paramLabel = "<expression>", description = "Liquibase label "
            + "filter, e.g. !experimental")
    String labels;

    @Option(names = "-D", paramLabel = "<name>=<value>", mapFallbackValue = "", description = "a Liquibase changelog "
            + "parameter, as Liquibase's -D (repeatable); wins over parameter.<name> of the defaults file and an "
            + "environment variable <name>")
    Map<String, String> parameters;

    @Option(names = "--search-path", paramLabel = "<dirs and jars>", split = ",", description = "where Liquibase "
            + "finds changelogs: directories and jars, separated by ','")
    List<String> searchPath;

    @Option(names = "--default-schema-name", paramLabel = "<schema>", description = "Liquibase's default schema")
    String defaultSchemaName;

    @Option(names = "--liquibase-schema-name", paramLabel = "<schema>", description = "the schema of "
            + "DATABASECHANGELOG and DATABASECHANGELOGLOCK")
    String liquibaseSchemaName;

    @Option(names = "--database-changelog-table-name", paramLabel = "<table>", description = "Liquibase's history "
            + "table (default DATABASECHANGELOG)")
    String databaseChangelogTableName;

    @Option(names = "--database-changelog-lock-table-name", paramLabel = "<table>", description = "Liquibase's lock "
            + "table (default DATABASECHANGELOGLOCK)")
    String databaseChangelogLockTableName;

    // the command runs once: the defaults file is read once
    private LiquibaseSettings settings;

    /** Whether Liquibase was asked for on the command line. */
    boolean given() {
        return changelogFile != null || defaultsFile != null || contexts != null || labels != null
                || parameters != null || searchPath != null || defaultSchemaName != null
                || liquibaseSchemaName != null || databaseChangelogTableName != null
                || databaseChangelogLockTableName != null;
    }

    /** Whether the environment or the defaults file names a changelog: Liquibase, when no other tool is asked for. */
    boolean configured() {
        return settings().changelogFile() != null;
    }

    /** The url of the defaults file or the variables (the target when {@code --url} is not given), or null. */
    String url() {
        return settings().url();
    }

    /** The username of the defaults file or the variables, or null. */
    String user() {
        return settings().username();
    }

    /**
     * The Liquibase engine. Custom changes load from {@code --classpath}, else Liquibase's {@code classpath}
     * setting; changelogs are found in the search path, by default the working directory and those class path
     * entries, as Liquibase's command line finds them (the jar of this CLI is no place to look for them).
     */
    MigrationEngine engine(ClassPathOption classPath) {
        LiquibaseSettings settings = settings();
        ClassPathOption classes = classPath;
        if (!classPath.isGiven() && settings.classpath() != null) {
            classes = ClassPathOption.of(settings.classpath());
            requireExisting(classes, settings);
        }
        LiquibaseEngine.Builder builder = settings.configure(LiquibaseEngine.configure())
                .classLoader(classes.classLoader());
        if (settings.searchPath().isEmpty()) {
            List<String> searchPath = new ArrayList<>();
            searchPath.add(Path.of("").toAbsolutePath().toString());
            classes.entries().forEach(entry -> searchPath.add(entry.toAbsolutePath().toString()));
            builder.searchPath(searchPath.toArray(String[]::new));
        }
        return builder.load();
    }

    private LiquibaseSettings settings() {
        if (settings == null) {
            settings = read();
        }
        return settings;
    }

    private LiquibaseSettings read() {
        return LiquibaseSettings.builder().defaultsFile(defaultsFile).lookUpDefaultsFile().load()
                .with(LiquibaseSettings.CHANGELOG_FILE, changelogFile)
                .with(LiquibaseSettings.CONTEXTS, contexts)
                .with(LiquibaseSettings.LABELS, labels)
                .with(LiquibaseSettings.SEARCH_PATH, searchPath == null ? null : String.join(",", searchPath))
                .with(LiquibaseSettings.DEFAULT_SCHEMA_NAME, defaultSchemaName)
                .with(LiquibaseSettings.LIQUIBASE_SCHEMA_NAME, liquibaseSchemaName)
                .with(LiquibaseSettings.DATABASE_CHANGELOG_TABLE_NAME, databaseChangelogTableName)
                .with(LiquibaseSettings.DATABASE_CHANGELOG_LOCK_TABLE_NAME, databaseChangelogLockTableName)
                .withParameters(parameters == null ? Map.of() : parameters);
    }

    /** Liquibase's classpath comes from a file or a variable, not --classpath: its message says so. */
    private static void requireExisting(ClassPathOption classes, LiquibaseSettings settings) {
        for (Path entry : classes.entries()) {
            if (!Files.exists(entry)) {
                throw new ConfigurationException("Liquibase's classpath entry " + entry + " does not exist (from "
                        + (settings.defaultsFile() == null ? "LIQUIBASE_CLASSPATH" : "LIQUIBASE_CLASSPATH or "
                        + settings.defaultsFile()) + "): correct it, or give the application's jars and class "
                        + "directories with --classpath (e.g. target/classes" + File.pathSeparator + "lib/app.jar)");
            }
        }
    }
}
