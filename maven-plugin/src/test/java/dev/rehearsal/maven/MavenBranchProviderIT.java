package dev.rehearsal.maven;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.branch.MarkedBranchProvider;
import dev.rehearsal.testing.MavenProcess;
import dev.rehearsal.testing.MavenProcess.Build;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A branch provider of its own jar, a dependency of the plugin ({@code <plugin><dependencies>}), found by the name
 * given in {@code <branchProvider>}: the jar (core's test provider {@link MarkedBranchProvider}) is put in the
 * staged repository as {@code dev.rehearsal.it:marked-provider:1.0}, in no class path of the build's.
 */
class MavenBranchProviderIT {
    private static final Path SAMPLES = Path.of("src/it").toAbsolutePath();
    private static final Path STAGED = Path.of(System.getProperty(MavenProcess.STAGED_REPOSITORY_PROPERTY,
            "target/it-repo")).toAbsolutePath();

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path work;

    @Test
    void aProviderThatIsADependencyOfThePluginIsFoundByItsName() throws Exception {
        Path project = MavenProcess.sample(SAMPLES.resolve("flyway-safe"), work.resolve("flyway-safe"),
                Map.of("@project.version@", MavenProcess.VERSION));
        Path artifact = Files.createDirectories(STAGED.resolve("dev/rehearsal/it/marked-provider/1.0"));
        MarkedBranchProvider.jar(artifact.resolve("marked-provider-1.0.jar"));
        Files.writeString(artifact.resolve("marked-provider-1.0.pom"), "<project><modelVersion>4.0.0</modelVersion>"
                + "<groupId>dev.rehearsal.it</groupId><artifactId>marked-provider</artifactId><version>1.0</version>"
                + "</project>");
        Path marker = work.resolve("branches-made.txt");
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom)
                .replace("<configuration>", "<configuration><branchProvider>marked</branchProvider><branchOptions>"
                        + "<marker>" + marker + "</marker></branchOptions>")
                .replace("<executions>", "<dependencies><dependency><groupId>dev.rehearsal.it</groupId>"
                        + "<artifactId>marked-provider</artifactId><version>1.0</version></dependency>"
                        + "</dependencies><executions>"));
        String target = databases.create("mvn_marked");
        Flyway.configure().dataSource(postgres.jdbcUrl(target), "postgres", null).locations("filesystem:"
                + project.resolve("src/main/resources/db/migration")).target("1").load().migrate();
        Path settings = work.resolve("settings.xml");
        Files.writeString(settings, MavenProcess.settings(""));

        Build build = MavenProcess.mvn(project, settings, Map.of(), List.of("verify", "-Ddb.url="
                + postgres.jdbcUrl(target), "-Drehearsal.user=postgres")).result();
        Build unknown = MavenProcess.mvn(project, settings, Map.of(), List.of("verify", "-Ddb.url="
                + postgres.jdbcUrl(target), "-Drehearsal.user=postgres", "-Drehearsal.branchProvider=zfs")).result();

        assertThat(build.exit()).as(build.output()).isZero();
        JsonNode report = new ObjectMapper().readTree(project.resolve("target/rehearsal/report.json").toFile());
        assertThat(report.at("/branch/provider").asText()).isEqualTo("marked");
        assertThat(Files.readAllLines(marker)).containsExactly(report.at("/branch/name").asText());
        assertThat(report.at("/branch/name").asText()).startsWith(MarkedBranchProvider.PREFIX);
        assertThat(unknown.output()).contains("Unknown branch provider 'zfs': use one of [template, snapshot-copy, "
                + "neon, auto, marked]", "BUILD FAILURE");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }
}
