package dev.rehearsal.flyway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.Configuration;

/**
 * A SQL migration's script, read from where Flyway found it through Flyway's public configuration only (locations,
 * class loader, encoding, placeholders), which has kept its shape from Flyway 10 to 13: how Flyway scans is internal
 * and differs between versions.
 */
final class ScriptText {
    private ScriptText() {
    }

    /** The script's text under this location, or null when it is not there (or the location is not read here). */
    static String read(Location location, String script, Configuration configuration) {
        for (String directory : directories(location)) {
            String name = directory.isEmpty() ? script : directory + "/" + script;
            try {
                byte[] bytes = location.isClassPath() ? resource(configuration.getClassLoader(), name)
                        : location.isFileSystem() ? file(name) : null;
                if (bytes != null) {
                    String text = new String(bytes, configuration.getEncoding());
                    return text.startsWith("\uFEFF") ? text.substring(1) : text; // Flyway drops a byte order mark
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read Flyway migration " + name + " of " + location, e);
            }
        }
        return null;
    }

    /**
     * Where under the location the script's name starts: the location's path, or for a location with wildcards the
     * part before them, to which Flyway makes the name relative.
     */
    private static Set<String> directories(Location location) {
        Set<String> directories = new LinkedHashSet<>();
        for (String path : new String[] {location.getPath(), location.getRootPath()}) {
            if (path != null && !path.contains("*") && !path.contains("?")) {
                directories.add(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
            }
        }
        return directories;
    }

    private static byte[] resource(ClassLoader classLoader, String name) throws IOException {
        try (InputStream in = classLoader.getResourceAsStream(name.startsWith("/") ? name.substring(1) : name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static byte[] file(String name) throws IOException {
        Path path = Path.of(name);
        return Files.isRegularFile(path) ? Files.readAllBytes(path) : null;
    }

    /** The text with the user's placeholders replaced, when the configuration replaces them. */
    static String withPlaceholders(String text, Configuration configuration) {
        if (!configuration.isPlaceholderReplacement()) {
            return text;
        }
        String replaced = text;
        for (Map.Entry<String, String> placeholder : configuration.getPlaceholders().entrySet()) {
            replaced = replaced.replace(configuration.getPlaceholderPrefix() + placeholder.getKey()
                    + configuration.getPlaceholderSuffix(), placeholder.getValue() == null ? ""
                    : placeholder.getValue());
        }
        return replaced;
    }
}
