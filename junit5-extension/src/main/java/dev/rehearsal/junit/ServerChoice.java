package dev.rehearsal.junit;

import dev.rehearsal.api.ConfigurationException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Which PostgreSQL the tests of an extension run on: the major version asked for by the extension's builder
 * ({@code postgresMajor(16)}), else by the property {@value #MAJOR_PROPERTY} (a JUnit configuration parameter:
 * {@code junit-platform.properties} or a system property), else 18; and where binaries of majors other than the
 * class path's are ({@value PostgresBinaries#DIRECTORY_PROPERTY}).
 *
 * @param major    14 to 18
 * @param askedBy  who asked for it, for messages: {@code "postgresMajor(16)"}, {@code "rehearsal.test.postgresMajor=16"}
 *                 or {@code "the default"}
 * @param explicit whether it was asked for: an external server must then be of that major
 * @param binaries the directory of binaries jars, if named
 */
record ServerChoice(int major, String askedBy, boolean explicit, Optional<Path> binaries) {
    static final String MAJOR_PROPERTY = "rehearsal.test.postgresMajor";
    static final int DEFAULT_MAJOR = 18;
    static final int OLDEST_MAJOR = 14;

    /**
     * The choice of an extension whose builder asked for {@code builderMajor} (or null), with {@code parameters}
     * giving the JUnit configuration parameters (which include the system properties).
     */
    static ServerChoice of(Integer builderMajor, Function<String, Optional<String>> parameters) {
        Optional<Path> binaries = parameters.apply(PostgresBinaries.DIRECTORY_PROPERTY).filter(v -> !v.isBlank())
                .map(Path::of);
        if (builderMajor != null) {
            return new ServerChoice(builderMajor, "postgresMajor(" + builderMajor + ")", true, binaries);
        }
        Optional<String> property = parameters.apply(MAJOR_PROPERTY).map(String::strip).filter(v -> !v.isEmpty());
        if (property.isPresent()) {
            String value = property.get();
            if (!value.matches("\\d{1,3}") || !isSupported(Integer.parseInt(value))) {
                throw new ConfigurationException(MAJOR_PROPERTY + "=" + value + " is not a PostgreSQL major "
                        + "version the tests can run on: give " + OLDEST_MAJOR + " to " + DEFAULT_MAJOR);
            }
            return new ServerChoice(Integer.parseInt(value), MAJOR_PROPERTY + "=" + value, true, binaries);
        }
        return new ServerChoice(DEFAULT_MAJOR, "the default", false, binaries);
    }

    /** The choice of an extension in {@code context}, or of the system properties alone where that is null. */
    static ServerChoice of(Integer builderMajor, ExtensionContext context) {
        return of(builderMajor, context == null ? key -> Optional.ofNullable(System.getProperty(key))
                : context::getConfigurationParameter);
    }

    /** The choice of the system properties alone (where there is no extension). */
    static ServerChoice fromSystemProperties() {
        return of(null, (ExtensionContext) null);
    }

    static boolean isSupported(int major) {
        return major >= OLDEST_MAJOR && major <= DEFAULT_MAJOR;
    }
}
