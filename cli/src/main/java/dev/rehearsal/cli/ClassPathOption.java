package dev.rehearsal.cli;

import dev.rehearsal.api.ConfigurationException;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * {@code --classpath}: the application's jars and class directories, for Flyway's Java migrations, callbacks and
 * {@code classpath:} locations and Liquibase's custom changes and class path changelogs; and the jars of branch
 * providers of one's own, found by {@code --branch-provider <name>} ({@code java -jar} ignores {@code -cp}, as
 * Liquibase's and Flyway's command lines do, hence an option of the CLI's own).
 */
final class ClassPathOption {
    @Option(names = {"--classpath", "-cp"}, paramLabel = "<jars and dirs>", description = "jars and class "
            + "directories of the application (separated by the platform's path separator or ','; repeatable), for "
            + "Java migrations, callbacks, custom changes and classpath: locations, and jars of branch providers")
    List<String> given;

    /** One loader a command, for the migrations and the branch provider alike. */
    private ClassLoader loader;

    /** Entries that came from elsewhere than the command line (Liquibase's {@code classpath} setting). */
    static ClassPathOption of(String entries) {
        ClassPathOption option = new ClassPathOption();
        option.given = List.of(entries);
        return option;
    }

    /** Whether {@code --classpath} was given. */
    boolean isGiven() {
        return given != null && !given.isEmpty();
    }

    /** A class loader over the entries, or the CLI's own when none are given. */
    ClassLoader classLoader() {
        if (loader == null) {
            loader = newClassLoader();
        }
        return loader;
    }

    private ClassLoader newClassLoader() {
        ClassLoader own = ClassPathOption.class.getClassLoader();
        if (given == null || given.isEmpty()) {
            return own;
        }
        List<URL> urls = new ArrayList<>();
        for (Path entry : entries()) {
            if (!Files.exists(entry)) {
                throw new ConfigurationException("--classpath " + entry + " does not exist: give the application's "
                        + "jars and class directories, or a branch provider's jar (e.g. target/classes" + File.pathSeparator
                        + "lib/app.jar)");
            }
            try {
                urls.add(entry.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new ConfigurationException("--classpath " + entry + " is not a path: " + e.getMessage(), e);
            }
        }
        // lives as long as the command: the JVM exits after it
        return new URLClassLoader(urls.toArray(URL[]::new), own);
    }

    /** The jars and directories, as given. */
    List<Path> entries() {
        List<Path> entries = new ArrayList<>();
        for (String value : given == null ? List.<String>of() : given) {
            for (String entry : value.split(Pattern.quote(File.pathSeparator) + "|,")) {
                if (!entry.isBlank()) {
                    entries.add(Path.of(entry.trim()));
                }
            }
        }
        return entries;
    }
}
