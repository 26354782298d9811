package dev.rehearsal.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application on Boot's Flyway auto-configuration and the starter, no bean of its own: the migrations Boot runs at
 * start-up are rehearsed first, on Boot's managed Flyway.
 */
@ExtendWith(OutputCaptureExtension.class)
class FlywayStartupIT {
    /** The line Flyway logs when one of its instances first connects: once a start, as without Rehearsal. */
    private static final Pattern CONNECTION_LINE = Pattern.compile(": Database: jdbc:postgresql://");

    @TempDir
    Path reports;

    @Test
    void promotesASafeChangeSetAtStartUpAndShowsTheOutcomeAtTheActuatorEndpoint(CapturedOutput output)
            throws Exception {
        Startup startup = withBase("flyway_safe").with("spring.flyway.locations=classpath:db/flyway/base,"
                        + "classpath:db/flyway/safe", "shop.wrap-data-source=true",
                "spring.main.web-application-type=servlet", "server.port=0",
                "management.endpoints.web.exposure.include=rehearsal", "rehearsal.assertions=classpath:db/assertions",
                "rehearsal.report.html=" + reports.resolve("html/report.html"));
        int before = output.length();

        try (ConfigurableApplicationContext application = startup.start()) {
            assertThat(startup.query("SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
                    .containsExactly("1", "2", "3");
            assertThat(startup.query("SELECT count(loyalty_points IS NULL) FROM customers")).containsExactly("1000");
            JsonNode endpoint = get(application, "/actuator/rehearsal");
            assertThat(endpoint.path("verdict").asText()).isEqualTo("PROMOTED");
            assertThat(endpoint.path("engine").asText()).isEqualTo("Flyway " + System.getProperty(
                    "rehearsal.test.flyway"));
            assertThat(endpoint.path("migrations").get(0).path("id").asText()).isEqualTo("3");
            // the application's SQL assertion ran on the branch: a warning, which does not stop the migration
            assertThat(endpoint.path("findings").findValuesAsText("message")).anyMatch(message -> message.contains(
                    "Every customer collects loyalty points"));
        }
        startup.assertNoBranchLeft();
        assertThat(reports.resolve("html/report.html")).content().contains("<html", "PROMOTED");
        assertThat(CONNECTION_LINE.matcher(output.toString().substring(before)).results().count())
                .as("Flyway's connection line, once a start").isEqualTo(1);
    }

    @Test
    void stopsStartUpBeforeADataLossChangeSetReachesTheDatabase(CapturedOutput output) {
        Startup startup = withBase("flyway_risky").with("spring.flyway.locations=classpath:db/flyway/base,"
                + "classpath:db/flyway/risky");

        startup.assertStoppedBeforeTheDataLoss(output);

        assertThat(startup.query("SELECT max(version) FROM flyway_schema_history")).containsExactly("2");
    }

    @Test
    void aBadSettingStopsStartUpNamingItsProperty(CapturedOutput output) {
        Startup startup = withBase("flyway_bad_setting").with("spring.flyway.locations=classpath:db/flyway/base,"
                + "classpath:db/flyway/safe", "rehearsal.lock-timeout=2h");
        String untouched = startup.describe();
        int before = output.length();

        assertThat(catchThrowable(startup::start)).isNotNull();

        assertThat(output.toString().substring(before)).contains("APPLICATION FAILED TO START",
                "rehearsal.lock-timeout=2h", "rehearsal.enabled=false").doesNotContain("lockTimeout(");
        assertThat(startup.describe()).isEqualTo(untouched);
        assertThat(startup.query("SELECT max(version) FROM flyway_schema_history")).containsExactly("2");
    }

    /** A database with the base migrations applied by plain Flyway and 1,000 customers with a legacy code. */
    private Startup withBase(String stem) {
        return Startup.onFlywayBase(stem, reports);
    }

    private static JsonNode get(ConfigurableApplicationContext application, String path) throws Exception {
        String port = application.getEnvironment().getRequiredProperty("local.server.port");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
