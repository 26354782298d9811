package dev.rehearsal.maven;

import dev.rehearsal.ConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Liquibase's configuration file ({@code liquibase.properties}) as a flat map of Liquibase's property names.
 * {@code ${env.NAME}} in a value is replaced by that environment variable (a variable that is not set is an error).
 * Flyway's files are read by {@link dev.rehearsal.flyway.FlywaySettings}, which the CLI shares.
 */
final class ConfigFiles {
    /** The environment-variable resolver, e.g. {@code password = ${env.DB_PASSWORD}}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{env\\.([A-Za-z_][A-Za-z0-9_]*)}");

    private ConfigFiles() {
    }

    /** The settings of a Liquibase properties file ({@code changeLogFile}, {@code url}, {@code parameter.x}, ...). */
    static Map<String, String> liquibase(Path file) {
        return properties(file, "Liquibase");
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

    private static Path existing(Path file, String tool) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("The " + tool + " configuration file " + file + " does not exist: fix "
                    + "the path (relative paths are resolved against the project's directory) or remove the setting");
        }
        return file;
    }
}
