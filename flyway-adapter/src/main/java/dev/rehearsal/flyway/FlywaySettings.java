package dev.rehearsal.flyway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.internal.configuration.ConfigUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's settings, gathered as Flyway's own command line and Maven plugin gather them: its configuration files
 * ({@code flyway.toml}, or the older {@code flyway.conf}), its {@code FLYWAY_*} environment variables and the
 * settings of the front end in use, merged into the {@code flyway.*} properties that
 * {@link FluentConfiguration#configuration(Map)} takes. Later sources win: configuration files (in order), then the
 * front end's own configuration (a POM), then the environment variables, then the command line.
 *
 * <pre>{@code
 * FlywaySettings settings = FlywaySettings.builder()
 *         .lookIn(Path.of(System.getProperty("user.home")), Path.of(""))
 *         .environmentVariables(System.getenv())
 *         .commandLine("outOfOrder", "true")
 *         .load();
 * MigrationEngine engine = settings.engine(classLoader);
 * }</pre>
 *
 * <p>The connection a file names ({@code url}, {@code user}, {@code password}) is kept apart, for a front end that
 * has no target of its own ({@link #url()}); Flyway never connects by itself, and {@code FLYWAY_URL},
 * {@code FLYWAY_USER} and {@code FLYWAY_PASSWORD} are not read: the target is Rehearsal's.
 *
 * <p>{@code ${env.NAME}} in a file's value is replaced by that environment variable, as Flyway does (a variable that
 * is not set is an error).
 */
public final class FlywaySettings {
    /** Flyway's {@code locations}. */
    public static final Setting LOCATIONS = Setting.flyway("locations");
    /** Flyway's {@code ignoreMigrationPatterns}, e.g. {@code *:missing}. */
    public static final Setting IGNORE_MIGRATION_PATTERNS = Setting.flyway("ignoreMigrationPatterns");
    /** Flyway's {@code outOfOrder}. */
    public static final Setting OUT_OF_ORDER = Setting.flyway("outOfOrder");
    /** Flyway's {@code validateOnMigrate}. */
    public static final Setting VALIDATE_ON_MIGRATE = Setting.flyway("validateOnMigrate");
    /** Flyway's {@code baselineOnMigrate}. */
    public static final Setting BASELINE_ON_MIGRATE = Setting.flyway("baselineOnMigrate");
    /** Flyway's {@code baselineVersion}. */
    public static final Setting BASELINE_VERSION = Setting.flyway("baselineVersion");
    /** Flyway's history table, {@code table}. */
    public static final Setting TABLE = Setting.flyway("table");
    /** Flyway's {@code schemas}. */
    public static final Setting SCHEMAS = Setting.flyway("schemas");
    /** The Flyway configuration files to read, besides those found where Flyway looks. */
    public static final Setting CONFIG_FILES = new Setting(Setting.Scope.FLYWAY, "configFiles",
            "FlywaySettings.builder().configFiles(...)");
    /** The {@code [environments.<name>]} of a {@code flyway.toml}. */
    public static final Setting ENVIRONMENT = new Setting(Setting.Scope.FLYWAY, "environment",
            "FlywaySettings.builder().environment(...)");

    private static final Logger LOG = LoggerFactory.getLogger(FlywaySettings.class);
    private static final String PREFIX = "flyway.";
    /** Flyway's file names where it looks for them, in its order: the TOML files, else the older properties file. */
    private static final List<String> TOML_NAMES = List.of("flyway.toml", "flyway.user.toml");
    private static final List<String> CONF_NAMES = List.of("flyway.conf");
    /** The settings of a file that name the connection: Rehearsal's target, never Flyway's own. */
    private static final Set<String> CONNECTION = Set.of("url", "user", "password");
    /** What Flyway's front ends read but its configuration does not take: never passed on. */
    private static final Set<String> NOT_PASSED = Set.of("url", "user", "password", "driver", "environment",
            "configFiles", "configFileEncoding", "workingDirectory");
    /** Flyway's environment-variable resolver, e.g. {@code password = "${env.DB_PASSWORD}"}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{env\\.([A-Za-z_][A-Za-z0-9_]*)}");

    private final Map<String, String> properties;
    private final Map<String, String> connection;
    private final Map<String, String> sources;
    private final List<Path> files;

    private FlywaySettings(Map<String, String> properties, Map<String, String> connection,
            Map<String, String> sources, List<Path> files) {
        this.properties = Collections.unmodifiableMap(properties);
        this.connection = Map.copyOf(connection);
        this.sources = Map.copyOf(sources);
        this.files = List.copyOf(files);
    }

    /** Settings to gather. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code flyway.*} properties, e.g. {@code flyway.outOfOrder=true}, without the connection. */
    public Map<String, String> properties() {
        return properties;
    }

    /** A setting by Flyway's name, e.g. {@code get("locations")}; null when no source gives it. */
    public String get(String name) {
        return properties.get(PREFIX + name);
    }

    /** The configuration files read, in order. */
    public List<Path> files() {
        return files;
    }

    /** The JDBC URL a configuration file names, or null. */
    public String url() {
        return connection.get("url");
    }

    /** The user a configuration file names, or null. */
    public String user() {
        return connection.get("user");
    }

    /** The password a configuration file names, or null. */
    public String password() {
        return connection.get("password");
    }

    /**
     * Flyway's configuration of these settings, its Java migrations, callbacks and {@code classpath:} locations
     * loaded from {@code classes}.
     *
     * @throws ConfigurationException when Flyway rejects a setting: the message names it and where it came from;
     *                                when the class path's Flyway is older than 10 or its flyway-database-postgresql
     *                                of another version (before Flyway reads anything)
     */
    public FluentConfiguration configure(ClassLoader classes) {
        // Flyway 9 would fail first, without saying why (it cannot load its plugins beside Rehearsal's Jackson)
        FlywayModules.requireMatchingModules();
        try {
            return Flyway.configure(classes).configuration(properties);
        } catch (FlywayException e) {
            StringJoiner from = new StringJoiner(", ", " (", ")").setEmptyValue("");
            sources.forEach((key, source) -> {
                if (e.getMessage() != null && e.getMessage().contains(key)) {
                    from.add(key + " from " + source);
                }
            });
            throw new ConfigurationException("Flyway does not accept its settings: " + e.getMessage() + from, e);
        }
    }

    /** The engine of these settings (see {@link #configure}). */
    public FlywayEngine engine(ClassLoader classes) {
        return FlywayEngine.of(configure(classes));
    }

    /** The files and the names of the settings, never their values (a file may hold a password). */
    @Override
    public String toString() {
        return "FlywaySettings" + properties.keySet() + " from " + files;
    }

    /** Gathers the settings; {@link #load()} reads the files. Not thread-safe; used once. */
    public static final class Builder {
        private final List<Path> configFiles = new ArrayList<>();
        private final List<Path> lookIn = new ArrayList<>();
        private final Map<String, String> configured = new LinkedHashMap<>();
        private final Map<String, String> commandLine = new LinkedHashMap<>();
        private Map<String, String> variables = Map.of();
        private String environment;
        private String defaultLocations;
        private Path baseDirectory;

        private Builder() {
        }

        /**
         * Configuration files to read, as Flyway's {@code -configFiles}: after those found by {@link #lookIn} and
         * those {@code FLYWAY_CONFIG_FILES} names, later ones winning. Each must exist. A {@code .toml} file is
         * read as TOML, any other as properties ({@code flyway.conf}).
         */
        public Builder configFiles(List<Path> files) {
            Objects.requireNonNull(files, "files").forEach(file -> configFiles.add(Objects.requireNonNull(file)));
            return this;
        }

        /**
         * Directories where Flyway looks for its configuration files by itself, in order (later ones win), e.g. the
         * user's home and the working directory: {@code flyway.toml} and {@code flyway.user.toml}, or, when no TOML
         * file is found or given, {@code flyway.conf}.
         */
        public Builder lookIn(Path... directories) {
            for (Path directory : directories) {
                lookIn.add(Objects.requireNonNull(directory, "directory"));
            }
            return this;
        }

        /**
         * The environment variables: {@code FLYWAY_*} settings (Flyway's own names, e.g.
         * {@code FLYWAY_OUT_OF_ORDER}, {@code FLYWAY_PLACEHOLDERS_OWNER}), {@code FLYWAY_CONFIG_FILES} and the
         * values of {@code ${env.NAME}} in files. Default: none; front ends pass {@code System.getenv()}.
         */
        public Builder environmentVariables(Map<String, String> variables) {
            this.variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
            return this;
        }

        /** The {@code [environments.<name>]} of a TOML file to use. Default: the file's own, else {@code default}. */
        public Builder environment(String name) {
            this.environment = name == null || name.isBlank() ? null : name.trim();
            return this;
        }

        /** The locations when no source names any. Default: Flyway's own ({@code classpath:db/migration}). */
        public Builder defaultLocations(String locations) {
            this.defaultLocations = locations;
            return this;
        }

        /**
         * The directory relative {@code filesystem:} locations are resolved against, as flyway-maven-plugin resolves
         * them against the project's. Default: none (Flyway resolves them against the working directory).
         */
        public Builder baseDirectory(Path directory) {
            this.baseDirectory = directory;
            return this;
        }

        /**
         * A setting of the front end's own configuration (a POM), by Flyway's name ({@code outOfOrder},
         * {@code placeholders.owner}): over the configuration files, under the environment variables. Null is
         * ignored.
         */
        public Builder configured(String name, String value) {
            put(configured, name, value);
            return this;
        }

        /** A setting given on the command line, by Flyway's name: over every other source. Null is ignored. */
        public Builder commandLine(String name, String value) {
            put(commandLine, name, value);
            return this;
        }

        private static void put(Map<String, String> layer, String name, String value) {
            Objects.requireNonNull(name, "name");
            if (value != null) {
                layer.put(name.startsWith(PREFIX) ? name : PREFIX + name, value);
            }
        }

        /**
         * Reads the files and merges every source.
         *
         * @throws ConfigurationException when a file given does not exist or cannot be read, or names an
         *                                environment variable or a TOML environment that does not exist
         */
        public FlywaySettings load() {
            Map<String, String> properties = new LinkedHashMap<>();
            Map<String, String> connection = new LinkedHashMap<>();
            Map<String, String> sources = new LinkedHashMap<>();
            if (defaultLocations != null) {
                properties.put(PREFIX + "locations", defaultLocations);
            }
            List<Path> files = files();
            if (!files.isEmpty()) {
                // a file found in the home directory is easily forgotten: say which ones count
                LOG.info("Flyway configuration files: {}", files);
            }
            for (Path file : files) {
                read(file).forEach((key, value) -> {
                    String name = key.substring(PREFIX.length());
                    if (CONNECTION.contains(name)) {
                        connection.put(name, value);
                    }
                    if (!NOT_PASSED.contains(name)) {
                        properties.put(key, value);
                        sources.put(key, file.toString());
                    }
                });
            }
            properties.putAll(configured);
            configured.keySet().forEach(sources::remove);
            fromEnvironment().forEach((variable, key) -> {
                properties.put(key, variables.get(variable));
                sources.put(key, variable);
            });
            properties.putAll(commandLine);
            commandLine.keySet().forEach(sources::remove);
            if (baseDirectory != null) {
                for (String key : List.of(PREFIX + "locations", PREFIX + "callbackLocations")) {
                    properties.computeIfPresent(key, (k, value) -> resolveLocations(value));
                }
            }
            return new FlywaySettings(properties, connection, sources, files);
        }

        /** The files Flyway would read: those found where it looks, then FLYWAY_CONFIG_FILES's, then those given. */
        private List<Path> files() {
            List<Path> given = new ArrayList<>();
            String listed = variables.get("FLYWAY_CONFIG_FILES");
            if (listed != null) {
                for (String file : listed.split(",")) {
                    if (!file.isBlank()) {
                        Path path = Path.of(file.trim());
                        given.add(baseDirectory == null ? path : baseDirectory.resolve(path));
                    }
                }
            }
            given.addAll(configFiles);
            // as Flyway: TOML when a TOML file is given, or none is given and one is found; never both formats
            boolean toml = given.isEmpty() ? found(TOML_NAMES).findAny().isPresent()
                    : given.stream().anyMatch(Builder::isToml);
            Set<Path> files = new LinkedHashSet<>();
            found(toml ? TOML_NAMES : CONF_NAMES).forEach(files::add);
            for (Path file : given) {
                if (!Files.isRegularFile(file)) {
                    throw new ConfigurationException("The Flyway configuration file " + file + " does not exist: fix "
                            + "the path in " + (configFiles.contains(file) ? CONFIG_FILES.spelled()
                            : "FLYWAY_CONFIG_FILES") + " (a relative path is read from "
                            + (baseDirectory == null ? "the working directory" : baseDirectory) + ") or leave it out");
                }
                files.add(file.toAbsolutePath().normalize());
            }
            return List.copyOf(files);
        }

        private Stream<Path> found(List<String> names) {
            return lookIn.stream().flatMap(directory -> names.stream().map(directory::resolve))
                    .filter(Files::isRegularFile).map(file -> file.toAbsolutePath().normalize());
        }

        private static boolean isToml(Path file) {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".toml");
        }

        /** The {@code flyway.*} settings of one file. */
        private Map<String, String> read(Path file) {
            Map<String, String> settings = isToml(file) ? toml(file) : properties(file);
            Map<String, String> flyway = new LinkedHashMap<>();
            settings.forEach((key, value) -> {
                if (key.startsWith(PREFIX)) {
                    flyway.put(key, resolve(value, file));
                }
            });
            return flyway;
        }

        private Map<String, String> properties(Path file) {
            String encoding = variables.getOrDefault("FLYWAY_CONFIG_FILE_ENCODING", "UTF-8");
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, Charset.forName(encoding))) {
                properties.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigurationException("Cannot read the Flyway configuration file " + file + ": "
                        + e.getMessage(), e);
            }
            Map<String, String> settings = new TreeMap<>();
            properties.stringPropertyNames().forEach(key -> settings.put(key.trim(), properties.getProperty(key)
                    .trim()));
            return settings;
        }

        /**
         * The {@code [flyway]} table, and of the chosen {@code [environments.<name>]} table the connection, the
         * schemas and the environment's own {@code [environments.<name>.flyway]} settings.
         */
        private Map<String, String> toml(Path file) {
            JsonNode root;
            try {
                root = new TomlMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new ConfigurationException("Cannot read the Flyway configuration file " + file + ": it is not "
                        + "valid TOML (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
            }
            Map<String, String> settings = new LinkedHashMap<>();
            JsonNode flyway = root.path("flyway");
            flatten("flyway", flyway, settings);
            String chosen = environment != null ? environment : flyway.path("environment").asText("default");
            JsonNode environments = root.path("environments");
            JsonNode selected = environments.path(chosen);
            if (selected.isMissingNode()) {
                if (environment != null || !environments.isMissingNode() && !"default".equals(chosen)) {
                    throw new ConfigurationException("The Flyway configuration file " + file + " has no "
                            + "[environments." + chosen + "] table: add it, or choose one of " + names(environments)
                            + " with " + ENVIRONMENT.spelled());
                }
                return settings;
            }
            for (String key : List.of("url", "user", "password", "schemas")) {
                if (selected.has(key)) {
                    settings.put(PREFIX + key, text(selected.get(key)));
                }
            }
            flatten("flyway", selected.path("flyway"), settings);
            return settings;
        }

        private String resolve(String value, Path file) {
            Matcher variable = VARIABLE.matcher(value);
            StringBuilder resolved = new StringBuilder();
            while (variable.find()) {
                String content = variables.get(variable.group(1));
                if (content == null) {
                    throw new ConfigurationException("The Flyway configuration file " + file + " uses ${env."
                            + variable.group(1) + "}, but the environment variable " + variable.group(1) + " is not "
                            + "set: set it, or write the value into the file");
                }
                variable.appendReplacement(resolved, Matcher.quoteReplacement(content));
            }
            return variable.appendTail(resolved).toString();
        }

        /**
         * The variables that are Flyway settings, by Flyway's own mapping ({@code FLYWAY_OUT_OF_ORDER} is
         * {@code flyway.outOfOrder}, {@code FLYWAY_PLACEHOLDERS_OWNER} {@code flyway.placeholders.owner}), as its
         * command line and Maven plugin read them. {@code ConfigUtils.convertKey} is Flyway's internal class, but
         * the same public static method in every Flyway from 10 to 13, and the mapping is Flyway's to keep.
         */
        private Map<String, String> fromEnvironment() {
            Map<String, String> settings = new TreeMap<>();
            variables.keySet().stream().filter(name -> name.startsWith("FLYWAY_")).forEach(variable -> {
                String key = ConfigUtils.convertKey(variable);
                if (key != null && key.startsWith(PREFIX) && !NOT_PASSED.contains(key.substring(PREFIX.length()))) {
                    settings.put(variable, key);
                }
            });
            return settings;
        }

        private String resolveLocations(String value) {
            StringJoiner resolved = new StringJoiner(",");
            for (String location : value.split(",")) {
                String trimmed = location.trim();
                if (trimmed.startsWith("filesystem:")) {
                    trimmed = "filesystem:" + baseDirectory.resolve(trimmed.substring("filesystem:".length()));
                }
                resolved.add(trimmed);
            }
            return resolved.toString();
        }

        private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = prefix + "." + field.getKey();
                if (field.getValue().isObject()) {
                    flatten(key, field.getValue(), into);
                } else {
                    into.put(key, text(field.getValue()));
                }
            }
        }

        private static String text(JsonNode value) {
            if (!value.isArray()) {
                return value.asText();
            }
            StringJoiner joined = new StringJoiner(",");
            value.forEach(element -> joined.add(element.asText()));
            return joined.toString();
        }

        private static String names(JsonNode environments) {
            StringJoiner names = new StringJoiner(", ", "[", "]");
            environments.fieldNames().forEachRemaining(names::add);
            return names.toString();
        }
    }
}
