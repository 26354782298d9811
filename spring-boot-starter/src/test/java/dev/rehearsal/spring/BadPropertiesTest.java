package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.testing.UnreachedEngine;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A bad {@code rehearsal.*} value stops start-up before anything reaches the database, and the message names the
 * property that holds it, as {@code application.properties} spells it.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadPropertiesTest {
    /** Nowhere: a bad setting must be refused before any connection. */
    private static final DataSource TARGET = new DriverManagerDataSource("jdbc:postgresql://localhost:1/shop",
            "app", "secret");

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            rehearsal.lock-timeout           | 2h          | rehearsal.lock-timeout=2h
            rehearsal.lock-retries           | -1          | rehearsal.lock-retries
            rehearsal.retry-backoff          | soon        | rehearsal.retry-backoff=soon
            rehearsal.statement-timeout      | 10 minutes  | rehearsal.statement-timeout=10 minutes
            rehearsal.keep-failed-branch     | forever     | rehearsal.keep-failed-branch=forever
            rehearsal.branch-expiry          | -6h         | rehearsal.branch-expiry=-6h
            rehearsal.wait-for-other-runners | 1y          | rehearsal.wait-for-other-runners=1y
            rehearsal.lock-database          | shop        | rehearsal.lock-database=shop
            rehearsal.min-rows               | lots        | rehearsal.min-rows=lots
            rehearsal.lock-threshold         | 1 second    | rehearsal.lock-threshold=1 second
            rehearsal.rows-under-lock        | -5          | rehearsal.rows-under-lock=-5
            rehearsal.backfill-rows          | 1e5         | rehearsal.backfill-rows=1e5
            rehearsal.delete-fraction        | 1.5         | rehearsal.delete-fraction=1.5 must be between 0 and 1
            rehearsal.delete-fraction        | -5%         | rehearsal.delete-fraction=-5% must be between 0 and 1
            rehearsal.delete-fraction        | a tenth     | rehearsal.delete-fraction=a tenth is not a fraction
            rehearsal.branch.provider        | docker      | rehearsal.branch.provider=docker
            rehearsal.branch.options.jobs    | 4           | rehearsal.branch.options.jobs=4: The template
            rehearsal.branch.options.colour  | blue        | rehearsal.branch.options.colour=blue
            rehearsal.severities.Rows_Gone   | blocking    | Rows_Gone
            rehearsal.assertions             | classpath:db/none | rehearsal.assertions=classpath:db/none
            rehearsal.production-sizes       | nowhere.json | rehearsal.production-sizes=nowhere.json: the file does not exist
            rehearsal.production-url         | jdbc:mysql://prod/shop | rehearsal.production-url: 'jdbc:mysql://prod/shop' is not a PostgreSQL
            rehearsal.queries-file           | nowhere.sql | rehearsal.queries-file=nowhere.sql: the file does not exist
            """)
    void refusesABadValueBeforeTheDatabaseNamingItsProperty(String property, String value, String named) {
        assertRefused(Map.of(property, value), named);
    }

    @Test
    void refusesABadValueOfTheChosenProvidersOptionNamingItsProperty() {
        assertRefused(Map.of("rehearsal.branch.provider", "snapshot-copy", "rehearsal.branch.options.jobs", "many"),
                "rehearsal.branch.options.jobs=many");
    }

    private static void assertRefused(Map<String, String> properties, String named) {
        StartupRehearsal rehearsal = new StartupRehearsal(bind(properties), List.of(), new DefaultResourceLoader());

        Throwable refused = catchThrowable(() -> rehearsal.rehearse(UnreachedEngine::new, TARGET));

        assertThat(refused).isInstanceOf(ConfigurationException.class).hasMessageContaining(named)
                .hasMessageNotContaining("secret");
        assertThat(rehearsal.lastOutcome()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            rehearsal.mode                      | sometimes
            rehearsal.enabled                   | maybe
            rehearsal.lock-retries              | many
            rehearsal.severities.rows-deleted   | fatal
            """)
    void aValueOfTheWrongKindStopsStartUpNamingItsProperty(String property, String value, CapturedOutput output) {
        int before = output.length();

        assertThatThrownBy(() -> start("--" + property + "=" + value)).isNotNull();

        assertThat(output.toString().substring(before)).contains("APPLICATION FAILED TO START",
                "Property: " + property, "Value: \"" + value + "\"");
    }

    /** The properties as Boot binds them from application.properties. */
    private static RehearsalProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("rehearsal",
                RehearsalProperties.class);
    }

    /** An application with nothing but the starter, as far as binding its properties. */
    private static void start(String... arguments) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.run(arguments).close();
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration(RehearsalAutoConfiguration.class)
    static class Application {
    }
}
