package dev.rehearsal.flyway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.Configuration;

/**
 * The locations of a configuration that resolve nowhere, told with the fix: Flyway reads a location without a prefix
 * as {@code classpath:}, so {@code db/migration} meant as a directory needs {@code filesystem:}.
 */
final class MissingLocations {
    private MissingLocations() {
    }

    /** What is missing and how to name it right, or null when every location resolves. */
    static String describe(Configuration configuration) {
        StringJoiner missing = new StringJoiner("; ");
        for (Location location : configuration.getLocations()) {
            String path = location.getPath();
            if (path == null || path.contains("*") || path.contains("?")) {
                continue; // a wildcard is Flyway's to match
            }
            if (location.isClassPath() && configuration.getClassLoader().getResource(path) == null) {
                // Flyway drops the leading slash of an absolute path read as classpath:
                String directory = Files.isDirectory(Path.of(path)) ? path
                        : Files.isDirectory(Path.of("/" + path)) ? "/" + path : null;
                missing.add(location.getDescriptor() + " is not on the class path (Flyway reads a location without "
                        + "a prefix as classpath:): " + (directory != null ? "the directory " + directory + " exists, "
                        + "name it with " : "for a directory, name it with ")
                        + FlywaySettings.LOCATIONS.spelled("filesystem:" + (directory != null ? directory : path)));
            } else if (location.isFileSystem() && !Files.isDirectory(Path.of(path))) {
                missing.add(location.getDescriptor() + " is not a directory (" + Path.of(path).toAbsolutePath()
                        + "): fix " + FlywaySettings.LOCATIONS.spelled());
            }
        }
        return missing.length() == 0 ? null : "Flyway finds no migrations where it is told to look: " + missing;
    }
}
