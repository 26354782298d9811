package dev.rehearsal.flyway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.Configuration;

/**
 * A SQL migration's script, read from where Flyway found it through Flyway's public configuration only (the
 * locations' prefixes and root paths, class loader, encoding, placeholders), which has kept its shape from Flyway 10 to 13: how Flyway scans is internal
 * and differs between versions.
 */
final class ScriptText {
    private ScriptText() {
    }

    /** The script's text under this location, or null when it is not there (or the location is not read here). */
    static String read(Location location, String script, Configuration configuration) {
        // the root path: the location's path, or the part before its wildcards, to which Flyway makes names relative
        String directory = location.getRootPath() == null ? "" : location.getRootPath().replaceAll("/+$", "");
        String name = directory.isEmpty() ? script : directory + "/" + script;
        String prefix = location.getPrefix() == null ? "" : location.getPrefix();
        try {
            byte[] bytes = prefix.startsWith("classpath") ? resource(configuration.getClassLoader(), name)
                    : prefix.startsWith("filesystem") ? file(name) : null;
            if (bytes == null) {
                return null;
            }
            String text = new String(bytes, configuration.getEncoding());
            return text.startsWith("\uFEFF") ? text.substring(1) : text; // Flyway drops a byte order mark
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Flyway migration " + name + " of " + location, e);
        }
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
