package dev.rehearsal.branch.neon;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;

/**
 * A Neon project served by {@link LocalNeonApi} for one test: its default branch {@code main} is a database owned
 * by a role whose password the server checks, so every connection to a branch really uses the password Neon's
 * connection URI carries. The API key and the password are random per test, so that a scan for them finds only
 * real leaks.
 */
final class NeonTestProject implements AutoCloseable {
    final TestPostgres postgres;
    final String apiKey = "napi_" + UUID.randomUUID().toString().replace("-", "");
    final String password = "npg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "+/@:";
    final String role;
    final String parentDatabase;
    final LocalNeonApi api;

    private NeonTestProject(TestDatabases databases, String... parentStatements) {
        this.postgres = databases.postgres();
        this.role = databases.role("neon_owner", password);
        postgres.requirePassword(role);
        this.parentDatabase = databases.create("neon_main");
        String[] statements = new String[parentStatements.length + 2];
        statements[0] = "ALTER DATABASE " + TestPostgres.quoteIdentifier(parentDatabase) + " OWNER TO " + role;
        statements[1] = "SET ROLE " + role;
        System.arraycopy(parentStatements, 0, statements, 2, parentStatements.length);
        postgres.execute(parentDatabase, statements);
        try {
            this.api = new LocalNeonApi(postgres, parentDatabase, role, password, apiKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A project whose {@code main} branch holds what {@code statements} make (run as the role). */
    static NeonTestProject start(TestDatabases databases, String... statements) {
        return new NeonTestProject(databases, statements);
    }

    /** The parent branch's database, as the application connects to it: the role, with its password. */
    DatabaseLocation parent() {
        return DatabaseLocation.of(postgres.jdbcUrl(parentDatabase), role, password);
    }

    /** A provider for this project, with the right key and short pauses. */
    NeonBranchProvider.Builder provider() {
        return provider(apiKey);
    }

    /** A provider for this project with the key {@code key}, read from the environment as NEON_API_KEY. */
    NeonBranchProvider.Builder provider(String key) {
        return NeonBranchProvider.builder()
                .apiBaseUrl(api.baseUrl())
                .projectId(LocalNeonApi.PROJECT)
                .parentBranch("main")
                .databaseName(LocalNeonApi.DATABASE)
                .roleName(role)
                .retryBackoff(Duration.ofMillis(20))
                .environment(variable -> NeonBranchProvider.DEFAULT_API_KEY_VARIABLE.equals(variable) ? key : null);
    }

    @Override
    public void close() {
        api.close();
    }
}
