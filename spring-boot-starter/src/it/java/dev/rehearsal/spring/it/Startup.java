package dev.rehearsal.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.report.Reports;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One start of {@link ShopApplication} against a database of the shared embedded PostgreSQL, with the arguments a
 * scenario gives; the run's JSON report is kept for the assertions.
 */
final class Startup {
    private final TestPostgres postgres = TestPostgres.shared();
    private final String database;
    private final Path report;
    /** Boot's properties by name: a scenario's value replaces the default's. */
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Class<?> application = ShopApplication.class;

    Startup(String database, Path directory) {
        // each module runs on the Boot it says it does, with Boot's own managed versions
        assertThat(SpringBootVersion.getVersion()).isEqualTo(System.getProperty("rehearsal.test.boot"));
        this.database = database;
        this.report = directory.resolve("report.json");
        with("spring.datasource.url=" + postgres.jdbcUrl(database), "spring.datasource.username=postgres",
                "rehearsal.report.json=" + report, "spring.main.web-application-type=none");
    }

    /** Sets properties, e.g. {@code "spring.flyway.locations=classpath:db/flyway/base"}. */
    Startup with(String... assignments) {
        for (String assignment : assignments) {
            int equals = assignment.indexOf('=');
            properties.put(assignment.substring(0, equals), assignment.substring(equals + 1));
        }
        return this;
    }

    /**
     * A database with the base migrations applied by plain Flyway (1,000 customers with a legacy code), to start on
     * with Flyway: Boot's Liquibase is off.
     */
    static Startup onFlywayBase(String stem, Path directory) {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase(stem);
        Flyway.configure().dataSource(postgres.jdbcUrl(database), "postgres", null)
                .locations("classpath:db/flyway/base").load().migrate();
        return new Startup(database, directory).with("spring.liquibase.enabled=false");
    }

    /** The application to start instead of {@link ShopApplication}. */
    Startup application(Class<?> type) {
        this.application = type;
        return this;
    }

    /** Starts the application with the properties as command-line arguments, as {@code java -jar} would. */
    ConfigurableApplicationContext start() {
        return SpringApplication.run(application, properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue()).toArray(String[]::new));
    }

    /**
     * Starts the application, which Rehearsal must stop before the data-loss migration reaches the database: the
     * failure analysis shows the blocked outcome in one screen, no stack trace, and the database is as it was.
     */
    void assertStoppedBeforeTheDataLoss(CapturedOutput output) {
        String untouched = describe();
        int before = output.length();

        assertThat(catchThrowable(this::start)).as("start-up must fail").isNotNull();

        assertThat(output.toString().substring(before)).contains("APPLICATION FAILED TO START", "BLOCKED",
                "[data-loss]", "legacy_code", "rehearsal:allow").doesNotContain("Application run failed");
        assertThat(report().path("verdict").asText()).isEqualTo("BLOCKED");
        assertThat(describe()).isEqualTo(untouched);
        assertNoBranchLeft();
    }

    /** The JSON report of the run. */
    JsonNode report() {
        assertThat(report).exists();
        return Reports.readJson(report);
    }

    String database() {
        return database;
    }

    /** The catalog of the database, to compare before and after a start. */
    String describe() {
        return postgres.describe(database);
    }

    List<String> query(String sql) {
        return postgres.query(database, sql);
    }

    /** No branch of the database is left on the server. */
    void assertNoBranchLeft() {
        assertThat(postgres.branchesOf(database)).isEmpty();
    }
}
