package dev.rehearsal.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The databases, roles and sessions one test makes on {@link TestPostgres#shared()} (or another server), removed
 * after the test whether it passed or not — together with any branch still left of those databases — so that tests
 * stay independent of each other and of their order.
 *
 * <pre>{@code
 * @RegisterExtension
 * final TestDatabases databases = new TestDatabases();
 *
 * @Test
 * void promotes() {
 *     String shop = databases.create("shop", "CREATE TABLE t (id int)");
 *     ...
 * }
 * }</pre>
 */
public final class TestDatabases implements AfterEachCallback {
    private final Supplier<TestPostgres> server;
    private TestPostgres postgres;
    private final List<Connection> sessions = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();

    /** Databases on {@link TestPostgres#shared()}. */
    public TestDatabases() {
        this(TestPostgres.shared());
    }

    /** Databases on another server, e.g. {@link TestPostgres#postgres15()}. */
    public TestDatabases(TestPostgres postgres) {
        this.postgres = postgres;
        this.server = () -> postgres;
    }

    private TestDatabases(Supplier<TestPostgres> server) {
        this.server = server;
    }

    /**
     * Databases on {@link TestPostgres#postgres15()}, started (or the test aborted where there are no binaries) only
     * when a test of the class first asks for it: for classes where few tests need PostgreSQL 15.
     */
    public static TestDatabases onPostgres15() {
        return new TestDatabases(TestPostgres::postgres15);
    }

    public synchronized TestPostgres postgres() {
        if (postgres == null) {
            postgres = server.get();
        }
        return postgres;
    }

    /** A new database (see {@link TestPostgres#createDatabase(String)}) in which {@code statements} were run. */
    public String create(String stem, String... statements) {
        return prepared(postgres().createDatabase(stem), statements);
    }

    /** A new database whose name starts with {@code name} verbatim, quotes, spaces and all. */
    public String createVerbatim(String name, String... statements) {
        return prepared(postgres().createDatabaseVerbatim(name), statements);
    }

    private String prepared(String database, String... statements) {
        databases.add(database);
        if (statements.length > 0) {
            postgres().execute(database, statements);
        }
        return database;
    }

    /** Drops {@code database} after the test too (e.g. a branch the test kept on purpose). */
    public void dropAfterwards(String database) {
        databases.add(database);
    }

    /** A login role with {@code CREATEDB} and this password, dropped after the test. */
    public String role(String stem, String password) {
        String role = postgres().createRole(stem, password);
        roles.add(role);
        return role;
    }

    /** A {@link #role} whose password the server checks on every login (see {@link TestPostgres#requirePassword}). */
    public String loginRole(String stem, String password) {
        String role = role(stem, password);
        postgres().requirePassword(role);
        return role;
    }

    /** An open session on {@code database} named {@code applicationName}, closed after the test. */
    public Connection session(String database, String applicationName) {
        Connection session = postgres().openSession(database, applicationName);
        sessions.add(session);
        return session;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RuntimeException failure = new IllegalStateException("Cleaning up after the test failed");
        for (Connection session : sessions) {
            attempt(failure, () -> {
                try {
                    session.close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        attempt(failure, () -> postgres().dropWithTheirBranches(databases).forEach(failure::addSuppressed));
        for (String role : roles) {
            attempt(failure, () -> postgres().dropRole(role));
        }
        sessions.clear();
        databases.clear();
        roles.clear();
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void attempt(RuntimeException failure, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
