package dev.rehearsal.liquibase;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import liquibase.GlobalConfiguration;
import liquibase.Scope;
import liquibase.command.CommandArgumentDefinition;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.configuration.AbstractMapConfigurationValueProvider;
import liquibase.configuration.ConfigurationDefinition;
import liquibase.configuration.LiquibaseConfiguration;
import liquibase.configuration.ProvidedValue;
import liquibase.configuration.core.DefaultsFileValueProvider;
import liquibase.configuration.core.EnvironmentValueProvider;
import liquibase.integration.commandline.LiquibaseCommandLineConfiguration;

/**
 * Liquibase's own settings, read the way Liquibase's command line and Maven plugin read them, for the front ends that
 * take them from their users: a defaults file ({@code liquibase.properties}, and a {@code liquibase.local.properties}
 * beside it, which wins over it), Liquibase's {@code LIQUIBASE_*} environment variables, and the front end's own
 * options ({@link #with}), each winning over the ones before it. Names are Liquibase's and are matched by Liquibase's
 * own rules: {@code changelogFile}, {@code changeLogFile} or {@code changelog-file} in the file,
 * {@code LIQUIBASE_COMMAND_CHANGELOG_FILE} in the environment. Changelog parameters are {@code parameter.<name>} in the
 * file and an environment variable of the parameter's own name, as in Liquibase.
 *
 * <pre>{@code
 * LiquibaseEngine engine = LiquibaseSettings.builder()
 *         .lookUpDefaultsFile()                        // liquibase.properties of the working directory, if there
 *         .load()
 *         .with(LiquibaseSettings.CONTEXTS, "prod")     // the command line's, over the environment's and the file's
 *         .configure(LiquibaseEngine.configure())
 *         .load();
 * }</pre>
 *
 * <p>Liquibase's other global settings found in the defaults file ({@code duplicateFileMode},
 * {@code changelogLockWaitTimeInMinutes}...) are passed to the engine with {@link LiquibaseEngine.Builder#setting};
 * in the environment, Liquibase reads them itself. The target ({@link #url()}, {@link #username()},
 * {@link #password()}) is for the front end to use or not. Immutable.
 */
public final class LiquibaseSettings {
    /** The defaults file, Liquibase's {@code defaultsFile} ({@code --defaults-file}, {@code <propertyFile>}). */
    public static final Setting DEFAULTS_FILE = new Setting(Setting.Scope.LIQUIBASE, "defaultsFile",
            "LiquibaseSettings.builder().defaultsFile(...)");
    /** The root changelog, Liquibase's {@code changelogFile}. */
    public static final Setting CHANGELOG_FILE = engineSetting("changelogFile", "changelog");
    /** The context filter, Liquibase's {@code contexts} (also {@code contextFilter}). */
    public static final Setting CONTEXTS = engineSetting("contexts", "contexts");
    /** The label filter, Liquibase's {@code labels} (also {@code labelFilter}). */
    public static final Setting LABELS = engineSetting("labels", "labels");
    /** Where changelogs are found, Liquibase's {@code searchPath}: directories and jars, separated by commas. */
    public static final Setting SEARCH_PATH = engineSetting("searchPath", "searchPath");
    /** Liquibase's {@code defaultSchemaName}. */
    public static final Setting DEFAULT_SCHEMA_NAME = engineSetting("defaultSchemaName", "defaultSchema");
    /** Liquibase's {@code liquibaseSchemaName}: the schema of its two tables. */
    public static final Setting LIQUIBASE_SCHEMA_NAME = engineSetting("liquibaseSchemaName", "liquibaseSchema");
    /** Liquibase's {@code databaseChangelogTableName}. */
    public static final Setting DATABASE_CHANGELOG_TABLE_NAME = engineSetting("databaseChangelogTableName",
            "changelogTable");
    /** Liquibase's {@code databaseChangelogLockTableName}. */
    public static final Setting DATABASE_CHANGELOG_LOCK_TABLE_NAME = engineSetting("databaseChangelogLockTableName",
            "changelogLockTable");

    /** The file Liquibase's command line reads when none is named. */
    public static final String DEFAULT_DEFAULTS_FILE = "liquibase.properties";

    /** A search path entry with a scheme ({@code s3://}, {@code file:}) is Liquibase's to resolve, not a path. */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

    private final Path directory;
    private final Path file;
    private final List<DefaultsFileValueProvider> files;
    private final AbstractMapConfigurationValueProvider environment;
    private final Map<String, String> environmentVariables;
    private final Map<Setting, String> given;
    private final Map<String, String> givenParameters;

    private LiquibaseSettings(Path directory, Path file, List<DefaultsFileValueProvider> files,
                              Map<String, String> environment, Map<Setting, String> given,
                              Map<String, String> givenParameters) {
        this.directory = directory;
        this.file = file;
        this.files = List.copyOf(files);
        this.environmentVariables = environment;
        this.environment = new EnvironmentValueProvider() {
            @Override
            protected Map<?, ?> getMap() {
                return environmentVariables;
            }
        };
        this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
        this.givenParameters = Collections.unmodifiableMap(new LinkedHashMap<>(givenParameters));
    }

    /** Starts reading the settings; with nothing more, only the environment's. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * These settings with {@code setting} given by the front end (its command line or plugin parameter), which wins
     * over the environment and the defaults file. A null value gives nothing.
     */
    public LiquibaseSettings with(Setting setting, String value) {
        Objects.requireNonNull(setting, "setting");
        if (!Keys.OF.containsKey(setting) || setting.equals(DEFAULTS_FILE)) {
            throw new IllegalArgumentException(setting.name() + " is not a setting of LiquibaseSettings.with");
        }
        if (value == null || value.isBlank()) {
            return this;
        }
        Map<Setting, String> more = new LinkedHashMap<>(given);
        more.put(setting, value.strip());
        return new LiquibaseSettings(directory, file, files, environmentVariables, more, givenParameters);
    }

    /** These settings with changelog parameters given by the front end, which win over every other source. */
    public LiquibaseSettings withParameters(Map<String, String> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        Map<String, String> more = new LinkedHashMap<>(givenParameters);
        parameters.forEach((name, value) -> more.put(name, value == null ? "" : value));
        return new LiquibaseSettings(directory, file, files, environmentVariables, given, more);
    }

    /** The defaults file read, or null when there is none. */
    public Path defaultsFile() {
        return file;
    }

    /** A setting's value: the front end's, else the environment's, else the defaults file's; null if none. */
    public String get(Setting setting) {
        Objects.requireNonNull(setting, "setting");
        List<String> keys = Keys.OF.get(setting);
        if (keys == null) {
            throw new IllegalArgumentException(setting.name() + " is not a Liquibase setting of LiquibaseSettings");
        }
        String value = given.get(setting);
        return value != null ? value : found(keys, true);
    }

    /** The root changelog, or null when none is configured anywhere. */
    public String changelogFile() {
        return get(CHANGELOG_FILE);
    }

    /** The target's JDBC URL ({@code url}, {@code LIQUIBASE_COMMAND_URL}), or null. */
    public String url() {
        return found(Keys.URL, true);
    }

    /** The target's user ({@code username}, {@code LIQUIBASE_COMMAND_USERNAME}), or null. */
    public String username() {
        return found(Keys.USERNAME, true);
    }

    /** The target's password ({@code password}, {@code LIQUIBASE_COMMAND_PASSWORD}), or null. */
    public String password() {
        return found(Keys.PASSWORD, true);
    }

    /** Liquibase's {@code classpath} ({@code LIQUIBASE_CLASSPATH}): jars and directories, or null. */
    public String classpath() {
        return found(Keys.CLASSPATH, true);
    }

    /** The search path's entries, relative ones resolved against the front end's directory; empty if none is set. */
    public List<String> searchPath() {
        String value = get(SEARCH_PATH);
        List<String> entries = new ArrayList<>();
        if (value != null) {
            for (String entry : value.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(resolve(entry.strip()));
                }
            }
        }
        return List.copyOf(entries);
    }

    /**
     * The changelog parameters: each named by the front end, in the environment (a variable of its name) or in the
     * defaults file ({@code parameter.<name>}), with the value of the first of those that has it. Other environment
     * variables reach the changelog as well, through Liquibase itself.
     */
    public Map<String, String> parameters() {
        Map<String, String> fromFiles = new LinkedHashMap<>();
        for (int i = files.size() - 1; i >= 0; i--) {
            files.get(i).getMap().forEach((key, value) -> {
                String name = String.valueOf(key);
                if (name.startsWith("parameter.")) {
                    fromFiles.put(name.substring("parameter.".length()), String.valueOf(value));
                }
            });
        }
        Set<String> names = new LinkedHashSet<>(fromFiles.keySet());
        names.addAll(givenParameters.keySet());
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : names) {
            String value = givenParameters.get(name);
            if (value == null) {
                value = environmentVariable(name);
            }
            parameters.put(name, value != null ? value : fromFiles.get(name));
        }
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * Liquibase's global settings in the defaults file that {@link LiquibaseEngine.Builder} has no method for, by
     * Liquibase's key ({@code liquibase.duplicateFileMode}); those the environment sets too are left to it.
     */
    public Map<String, String> otherSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        LiquibaseConfiguration configuration = Scope.getCurrentScope().getSingleton(LiquibaseConfiguration.class);
        for (ConfigurationDefinition<?> definition : configuration.getRegisteredDefinitions(false)) {
            List<String> keys = Keys.of(definition);
            if (Keys.HANDLED.contains(definition.getKey()) || environment.getProvidedValue(keys.toArray(String[]::new))
                    != null) {
                continue;
            }
            String value = found(keys, false);
            if (value != null) {
                settings.put(definition.getKey(), value);
            }
        }
        return Collections.unmodifiableMap(settings);
    }

    /**
     * Sets every setting found on {@code builder}: changelog, filters, search path (when one is set: a front end
     * sets its own default otherwise), schemas, tables, parameters and Liquibase's other settings.
     *
     * @throws ConfigurationException when no changelog is configured anywhere
     */
    public LiquibaseEngine.Builder configure(LiquibaseEngine.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        String changelog = changelogFile();
        if (changelog == null) {
            throw new ConfigurationException("No Liquibase changelog: give "
                    + CHANGELOG_FILE.spelled("db/changelog/db.changelog-master.yaml") + ", or changelogFile in the "
                    + "defaults file (" + DEFAULTS_FILE.spelled() + ") or LIQUIBASE_COMMAND_CHANGELOG_FILE");
        }
        builder.changelog(changelog);
        ifSet(CONTEXTS, builder::contexts);
        ifSet(LABELS, builder::labels);
        ifSet(DEFAULT_SCHEMA_NAME, builder::defaultSchema);
        ifSet(LIQUIBASE_SCHEMA_NAME, builder::liquibaseSchema);
        ifSet(DATABASE_CHANGELOG_TABLE_NAME, builder::changelogTable);
        ifSet(DATABASE_CHANGELOG_LOCK_TABLE_NAME, builder::changelogLockTable);
        List<String> searchPath = searchPath();
        if (!searchPath.isEmpty()) {
            builder.searchPath(searchPath.toArray(String[]::new));
        }
        parameters().forEach(builder::parameter);
        otherSettings().forEach(builder::setting);
        return builder;
    }

    private void ifSet(Setting setting, java.util.function.Consumer<String> apply) {
        String value = get(setting);
        if (value != null) {
            apply.accept(value);
        }
    }

    /** The first value of these keys in the environment, else the defaults files (and only these, if not). */
    private String found(List<String> keys, boolean environmentToo) {
        String[] wanted = keys.toArray(String[]::new);
        if (environmentToo) {
            ProvidedValue value = environment.getProvidedValue(wanted);
            if (value != null) {
                return String.valueOf(value.getValue()).strip();
            }
        }
        for (DefaultsFileValueProvider defaults : files) {
            ProvidedValue value = defaults.getProvidedValue(wanted);
            if (value != null) {
                return String.valueOf(value.getValue()).strip();
            }
        }
        return null;
    }

    /** An environment variable of a parameter's name: exactly, else in any case, as Liquibase matches parameters. */
    private String environmentVariable(String name) {
        String exact = environmentVariables.get(name);
        if (exact != null) {
            return exact;
        }
        return environmentVariables.entrySet().stream().filter(variable -> variable.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private String resolve(String entry) {
        if (SCHEME.matcher(entry).matches()) {
            return entry;
        }
        try {
            return directory.resolve(entry).normalize().toString();
        } catch (InvalidPathException e) {
            return entry;
        }
    }

    private static Setting engineSetting(String name, String builderMethod) {
        return new Setting(Setting.Scope.LIQUIBASE, name, "LiquibaseEngine.configure()." + builderMethod + "(...)");
    }

    @Override
    public String toString() {
        return "LiquibaseSettings (defaults file " + (file == null ? "none" : file) + ", given " + given.keySet()
                .stream().map(Setting::name).toList() + ")";
    }

    /**
     * Liquibase's keys of each setting, as Liquibase looks them up: an argument of {@code update}
     * ({@code liquibase.command.update.<name>}, then {@code liquibase.command.<name>}, with its aliases) or a global
     * setting (its key and aliases). Apart from the settings, so that naming a setting does not start Liquibase.
     */
    private static final class Keys {
        static final Map<Setting, List<String>> OF = Map.of(
                DEFAULTS_FILE, of(LiquibaseCommandLineConfiguration.DEFAULTS_FILE),
                CHANGELOG_FILE, of(UpdateCommandStep.CHANGELOG_FILE_ARG),
                CONTEXTS, of(UpdateCommandStep.CONTEXTS_ARG),
                LABELS, of(UpdateCommandStep.LABEL_FILTER_ARG),
                SEARCH_PATH, of(GlobalConfiguration.SEARCH_PATH),
                DEFAULT_SCHEMA_NAME, of(DbUrlConnectionArgumentsCommandStep.DEFAULT_SCHEMA_NAME_ARG),
                LIQUIBASE_SCHEMA_NAME, of(GlobalConfiguration.LIQUIBASE_SCHEMA_NAME),
                DATABASE_CHANGELOG_TABLE_NAME, of(GlobalConfiguration.DATABASECHANGELOG_TABLE_NAME),
                DATABASE_CHANGELOG_LOCK_TABLE_NAME, of(GlobalConfiguration.DATABASECHANGELOGLOCK_TABLE_NAME));
        static final List<String> URL = of(DbUrlConnectionArgumentsCommandStep.URL_ARG);
        static final List<String> USERNAME = of(DbUrlConnectionArgumentsCommandStep.USERNAME_ARG);
        static final List<String> PASSWORD = of(DbUrlConnectionArgumentsCommandStep.PASSWORD_ARG);
        static final List<String> CLASSPATH = of(LiquibaseCommandLineConfiguration.CLASSPATH);
        /** Global settings read above, or meaning nothing to an engine (where the file or the classes are). */
        static final Set<String> HANDLED = Set.of(GlobalConfiguration.SEARCH_PATH.getKey(),
                GlobalConfiguration.LIQUIBASE_SCHEMA_NAME.getKey(), GlobalConfiguration.DATABASECHANGELOG_TABLE_NAME
                        .getKey(), GlobalConfiguration.DATABASECHANGELOGLOCK_TABLE_NAME.getKey(),
                LiquibaseCommandLineConfiguration.DEFAULTS_FILE.getKey(),
                LiquibaseCommandLineConfiguration.CLASSPATH.getKey());

        private Keys() {
        }

        static List<String> of(CommandArgumentDefinition<?> argument) {
            List<String> names = new ArrayList<>();
            names.add(argument.getName());
            names.addAll(argument.getAliases());
            List<String> keys = new ArrayList<>();
            for (String prefix : new String[] {"liquibase.command." + UpdateCommandStep.COMMAND_NAME[0] + ".",
                    "liquibase.command."}) {
                names.forEach(name -> keys.add(prefix + name));
            }
            return List.copyOf(keys);
        }

        static List<String> of(ConfigurationDefinition<?> definition) {
            List<String> keys = new ArrayList<>();
            keys.add(definition.getKey());
            keys.addAll(definition.getAliasKeys());
            return List.copyOf(keys);
        }
    }

    /**
     * Where the settings come from. By default only the environment (the process's): a front end names the defaults
     * file or asks for Liquibase's command line's own lookup.
     */
    public static final class Builder {
        private Path directory = Path.of("").toAbsolutePath();
        private Path defaultsFile;
        private boolean lookUp;
        private Map<String, String> environment = System.getenv();

        private Builder() {
        }

        /** Where relative paths (the defaults file, the search path) are resolved. Default: the working directory. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
            return this;
        }

        /** The defaults file the user named, which must exist; null names none. */
        public Builder defaultsFile(Path file) {
            this.defaultsFile = file;
            return this;
        }

        /**
         * Without a named defaults file, look for one as Liquibase's command line does: {@code LIQUIBASE_DEFAULTS_FILE}
         * (which must exist), else {@code liquibase.properties} in the directory, when it is there.
         */
        public Builder lookUpDefaultsFile() {
            this.lookUp = true;
            return this;
        }

        /** The environment variables. Default: the process's. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * Reads the defaults file (and the {@code .local.properties} beside it). Keys Liquibase does not know are
         * reported as Liquibase reports them (a warning, an error in its {@code strict} mode).
         *
         * @throws ConfigurationException when a named defaults file does not exist or cannot be read
         */
        public LiquibaseSettings load() {
            Path file = null;
            String origin = null;
            if (defaultsFile != null) {
                file = directory.resolve(defaultsFile);
                origin = DEFAULTS_FILE.spelled(defaultsFile.toString());
            } else if (lookUp) {
                LiquibaseSettings environmentOnly = new LiquibaseSettings(directory, null, List.of(), environment,
                        Map.of(), Map.of());
                String named = environmentOnly.found(Keys.OF.get(DEFAULTS_FILE), true);
                if (named != null) {
                    file = directory.resolve(named);
                    origin = "LIQUIBASE_DEFAULTS_FILE=" + named;
                } else if (Files.isRegularFile(directory.resolve(DEFAULT_DEFAULTS_FILE))) {
                    file = directory.resolve(DEFAULT_DEFAULTS_FILE);
                }
            }
            List<DefaultsFileValueProvider> files = new ArrayList<>();
            if (file != null) {
                if (!Files.isRegularFile(file)) {
                    throw new ConfigurationException("The Liquibase defaults file " + file + " (" + origin + ") does "
                            + "not exist: correct the path (relative paths are resolved against " + directory + ")");
                }
                Path local = file.resolveSibling(file.getFileName().toString()
                        .replaceFirst("\\.properties$", "") + ".local.properties");
                if (Files.isRegularFile(local) && !local.equals(file)) {
                    files.add(read(local));
                }
                files.add(read(file));
            }
            return new LiquibaseSettings(directory, file, files, environment, Map.of(), Map.of());
        }

        private static DefaultsFileValueProvider read(Path file) {
            DefaultsFileValueProvider provider;
            try {
                provider = new DefaultsFileValueProvider(file.toFile());
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigurationException("Cannot read the Liquibase defaults file " + file + ": "
                        + e.getMessage(), e);
            }
            try {
                provider.validate(new CommandScope(UpdateCommandStep.COMMAND_NAME));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("The Liquibase defaults file " + file + " has keys Liquibase does "
                        + "not know, and its strict mode is on: " + e.getMessage(), e);
            } catch (Exception e) {
                throw new ConfigurationException("Cannot check the Liquibase defaults file " + file + ": "
                        + e.getMessage(), e);
            }
            return provider;
        }
    }
}
