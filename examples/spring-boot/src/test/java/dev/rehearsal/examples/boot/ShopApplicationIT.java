package dev.rehearsal.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.junit.Isolation;
import dev.rehearsal.junit.MigratedDatabase;
import dev.rehearsal.junit.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shop's executable jar, as production would, against a PostgreSQL 18 database holding the shop as it runs
 * today (the base migrations and their customers, from Rehearsal's JUnit extension): the release with the safe change
 * set starts, its migrations promoted; the next release, whose unique index fails on production's customers, does not
 * start, and the database stays as the first release left it.
 */
class ShopApplicationIT {
    private static final Duration START_UP = Duration.ofMinutes(3);

    /** Production as it runs today, migrated by plain Flyway before the shop used Rehearsal. */
    @RegisterExtension
    static MigratedDatabase production = MigratedDatabase.builder(FlywayEngine.of(Flyway.configure()
            .locations("classpath:db/shop/base"))).isolation(Isolation.PER_CLASS).build();

    @TestDatabase
    static String url;

    @TestDatabase
    static DataSource database;

    @TempDir
    Path workingDirectory;

    @Test
    void startsTheSafeReleasePromotedAndRefusesToStartTheRiskyOne() throws Exception {
        int port = freePort();
        Process safe = shop("--server.port=" + port);
        try {
            String outcome = awaitOutcome(safe, port);
            assertThat(outcome).contains("\"verdict\":\"PROMOTED\"", "\"id\":\"3\"", "\"id\":\"4\"");
            assertThat(get(port, "/customers/loyalty-points").body()).isEqualTo("0");
        } finally {
            safe.destroy();
            assertThat(safe.waitFor(1, TimeUnit.MINUTES)).as("the shop stops").isTrue();
        }
        assertThat(appliedVersions()).containsExactly("1", "2", "3", "4");

        Process risky = shop("--server.port=" + freePort(), "--spring.profiles.active=risky");

        assertThat(risky.waitFor(START_UP.toSeconds(), TimeUnit.SECONDS)).as("the risky release exits").isTrue();
        assertThat(risky.exitValue()).isEqualTo(1);
        assertThat(output()).contains("APPLICATION FAILED TO START", "FAILED_ON_BRANCH",
                "customers_email_lower_key", "Nothing was applied to the database");
        assertThat(appliedVersions()).containsExactly("1", "2", "3", "4");
        assertThat(Files.readString(workingDirectory.resolve("target/rehearsal/report.md")))
                .contains("FAILED_ON_BRANCH");
    }

    /** The shop's jar in a JVM of its own, its output in {@code shop.log}. */
    private Process shop(String... arguments) throws IOException {
        // C1 only, as the test's own JVM (see pom.xml): the shop starts once and stops, with less CPU
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", System.getProperty("shop.jar"),
                "--spring.datasource.url=" + url));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workingDirectory.resolve("shop.log").toFile()))
                .start();
    }

    /** The outcome at {@code /actuator/rehearsal} once the shop has started. */
    private String awaitOutcome(Process shop, int port) throws Exception {
        Instant deadline = Instant.now().plus(START_UP);
        while (Instant.now().isBefore(deadline)) {
            assertThat(shop.isAlive()).as("the shop is running:\n%s", output()).isTrue();
            try {
                HttpResponse<String> response = get(port, "/actuator/rehearsal");
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (IOException notListeningYet) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("The shop did not start within " + START_UP + ":\n" + output());
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> appliedVersions() throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM flyway_schema_history "
                     + "WHERE success ORDER BY installed_rank")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }

    private String output() throws IOException {
        return Files.readString(workingDirectory.resolve("shop.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
