package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.branch.MarkedBranchProvider;
import dev.rehearsal.cli.CliProcess.Result;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A branch provider of its own jar, found by name from {@code --branch-provider}: the jar is made here, from a class
 * of core's tests ({@link MarkedBranchProvider}) and a {@code META-INF/services} file, and given to the built
 * {@code rehearsal.jar} (run with {@code java -jar}, which has only its own class path) with {@code --classpath}.
 */
class CliBranchProviderIT {
    private static final String SHOP = "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL); "
            + "INSERT INTO customers SELECT i, 'c' || i || '@example.com' FROM generate_series(1, 50) i;";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path files;

    private Path migrations;
    private Path jar;

    @BeforeEach
    void aProviderJarAndMigrations() throws Exception {
        migrations = Files.createDirectories(files.resolve("migrations"));
        Files.writeString(migrations.resolve("V1__shop.sql"), SHOP);
        Files.writeString(migrations.resolve("V2__phone.sql"), "ALTER TABLE customers ADD COLUMN phone text;");
        jar = MarkedBranchProvider.jar(files.resolve("marked-provider.jar"));
    }

    @Test
    void aProviderInAJarOnTheClasspathIsFoundByNameAndMakesTheBranch() throws Exception {
        String target = databases.create("cli_marked");
        Path marker = files.resolve("branches-made.txt");

        Result result = CliProcess.run(Map.of(), "rehearse", "--url", postgres.jdbcUrl(target), "--user",
                "postgres", "--locations", "filesystem:" + migrations, "--classpath", jar.toString(),
                "--branch-provider", "marked", "--branch-option", "marker=" + marker, "--format", "json");

        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode branch = result.json().get("branch");
        assertThat(branch.get("provider").asText()).isEqualTo("marked");
        assertThat(branch.get("name").asText()).startsWith(MarkedBranchProvider.PREFIX);
        assertThat(Files.readAllLines(marker)).containsExactly(branch.get("name").asText());
        assertThat(result.json().get("verdict").asText()).isEqualTo("PASSED");
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void withoutTheJarTheNameIsUnknownAndTheProvidersFoundAreListed() throws Exception {
        String target = databases.create("cli_marked");
        List<String> before = postgres.databasesOfThisProcess();
        String[] run = {"rehearse", "--url", postgres.jdbcUrl(target), "--user", "postgres", "--locations",
                "filesystem:" + migrations};

        Result withoutJar = CliProcess.run(Map.of(), concat(run, "--branch-provider", "marked"));
        Result unknown = CliProcess.run(Map.of(), concat(run, "--classpath", jar.toString(), "--branch-provider",
                "zfs"));

        assertThat(withoutJar.exit()).isEqualTo(64);
        assertThat(withoutJar.err()).contains("--branch-provider marked: Unknown branch provider 'marked': use one "
                + "of [template, snapshot-copy, neon, auto]");
        assertThat(unknown.exit()).isEqualTo(64);
        assertThat(unknown.err()).contains("--branch-provider zfs: Unknown branch provider 'zfs': use one of "
                + "[template, snapshot-copy, neon, auto, marked]");
        assertThat(postgres.databasesOfThisProcess()).containsExactlyElementsOf(before);
    }

    @Test
    void aMissingJarIsRefusedAndAProviderWithoutBranchManagementCannotManageBranches() throws Exception {
        String target = databases.create("cli_marked");
        Path missing = files.resolve("no-such-provider.jar");

        Result noJar = CliProcess.run(Map.of(), "branch", "list", "--url", postgres.jdbcUrl(target), "--user",
                "postgres", "--classpath", missing.toString(), "--branch-provider", "marked");
        Result unmanaged = CliProcess.run(Map.of(), "branch", "create", "dev-alice", "--url",
                postgres.jdbcUrl(target), "--user", "postgres", "--classpath", jar.toString(), "--branch-provider",
                "marked", "--branch-option", "marker=" + files.resolve("never.txt"));

        assertThat(noJar.exit()).isEqualTo(64);
        assertThat(noJar.err()).contains("--classpath " + missing + " does not exist");
        assertThat(unmanaged.exit()).isEqualTo(64);
        assertThat(unmanaged.err()).contains("The 'marked' branch provider cannot manage named branches (create, "
                + "list, reset, extend, delete): choose one that can with --branch-provider, one of [template, "
                + "snapshot-copy, neon, auto]");
        assertThat(files.resolve("never.txt")).doesNotExist();
    }

    @Test
    void theHelpListsTheProvidersWithTheirOptionsAndSaysHowToAddOne() throws Exception {
        Result help = CliProcess.run(Map.of(), "rehearse", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Branch providers (--branch-provider):", "  snapshot-copy  pg_dump/pg_restore",
                "options: jobs, schema-only, sample, pg-dump, pg-restore,", "work-directory, maintenance-database",
                "  neon ", "--classpath zfs-provider.jar --branch-provider zfs").doesNotContain("marked");
    }

    private static String[] concat(String[] first, String... more) {
        return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
    }
}
