package dev.rehearsal.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.rehearsal.ConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Flyway configuration files a project already has ({@code flyway.toml}, or the older {@code flyway.conf}
 * properties), as flat maps in the older Flyway form ({@code flyway.url}, {@code flyway.locations},
 * {@code flyway.placeholders.x}), so the goals read one shape whatever the file's format. {@code ${env.NAME}} in a
 * value is replaced by that environment variable, as Flyway does (a variable that is not set is an error).
 * Liquibase's {@code liquibase.properties} is read by {@link dev.rehearsal.liquibase.LiquibaseSettings}, as the CLI
 * reads it.
 */
final class ConfigFiles {
    /** Flyway's environment-variable resolver, e.g. {@code password = "${env.DB_PASSWORD}"}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{env\\.([A-Za-z_][A-Za-z0-9_]*)}");

    private ConfigFiles() {
    }

    /**
     * The {@code flyway.*} settings of a Flyway configuration file. For TOML, the {@code [flyway]} table, and the
     * connection ({@code url}, {@code user}, {@code password}, {@code schemas}) of the chosen
     * {@code [environments.<name>]} table: {@code environment}, else the file's {@code flyway.environment}, else
     * {@code default}.
     */
    static Map<String, String> flyway(Path file, String environment) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".toml") ? flywayToml(file, environment) : properties(file, "Flyway");
    }

    private static Map<String, String> properties(Path file, String tool) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(existing(file, tool), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationException("Cannot read the " + tool + " configuration file " + file + ": "
                    + e.getMessage(), e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted()
                .forEach(key -> settings.put(key.trim(), resolve(properties.getProperty(key).trim(), file)));
        return settings;
    }

    private static Map<String, String> flywayToml(Path file, String environment) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(existing(file, "Flyway").toFile());
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read the Flyway configuration file " + file + ": it is not "
                    + "valid TOML (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.putAll(flywayTomlTables(root, file, environment));
        settings.replaceAll((key, value) -> resolve(value, file));
        return settings;
    }

    private static Map<String, String> flywayTomlTables(JsonNode root, Path file, String environment) {
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode flyway = root.path("flyway");
        flatten("flyway", flyway, settings);
        String chosen = environment != null ? environment : flyway.path("environment").asText("default");
        JsonNode environments = root.path("environments");
        JsonNode connection = environments.path(chosen);
        if (connection.isMissingNode()) {
            if (environment != null || !environments.isMissingNode() && !"default".equals(chosen)) {
                throw new ConfigurationException("The Flyway configuration file " + file + " has no [environments."
                        + chosen + "] table: add it, or choose one of " + names(environments)
                        + " with <environment> (-Drehearsal.environment=...)");
            }
            return settings;
        }
        for (String key : new String[] {"url", "user", "password", "schemas"}) {
            if (connection.has(key)) {
                settings.put("flyway." + key, text(connection.get(key)));
            }
        }
        return settings;
    }

    private static String resolve(String value, Path file) {
        Matcher variable = VARIABLE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (variable.find()) {
            String content = System.getenv(variable.group(1));
            if (content == null) {
                throw new ConfigurationException("The configuration file " + file + " uses ${env."
                        + variable.group(1) + "}, but the environment variable " + variable.group(1) + " is not set: "
                        + "set it for the build, or write the value into the file");
            }
            variable.appendReplacement(resolved, Matcher.quoteReplacement(content));
        }
        return variable.appendTail(resolved).toString();
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

    private static Path existing(Path file, String tool) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("The " + tool + " configuration file " + file + " does not exist: fix "
                    + "the path (relative paths are resolved against the project's directory) or remove the setting");
        }
        return file;
    }
}
