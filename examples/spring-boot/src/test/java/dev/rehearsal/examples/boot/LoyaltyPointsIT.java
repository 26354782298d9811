package dev.rehearsal.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.junit.Isolation;
import dev.rehearsal.junit.MigratedDatabase;
import dev.rehearsal.junit.TestDatabase;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.spring.StartupRehearsal;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shop's own tests, as a Spring Boot application writes them: a {@code @SpringBootTest} whose database comes from
 * Rehearsal's JUnit extension — the shop's migrations run once into a template, and the class gets a fresh clone of
 * it, handed to Spring before the application starts.
 */
@SpringBootTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoyaltyPointsIT {
    /** The same migrations as {@code spring.flyway.locations}: the application finds its database up to date. */
    @RegisterExtension
    static MigratedDatabase database = MigratedDatabase.builder(FlywayEngine.of(Flyway.configure()
            .locations("classpath:db/shop/base", "classpath:db/shop/safe"))).isolation(Isolation.PER_CLASS).build();

    /** The JDBC URL of the class's database (with its user), set before Spring starts the application. */
    @TestDatabase
    static String url;

    @DynamicPropertySource
    static void testDatabase(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> url);
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ShopApplication.Customers customers;

    @Autowired
    StartupRehearsal rehearsal;

    @Test
    @Order(1)
    void startsOnAFreshCloneOfTheMigratedShopWithNothingLeftToRehearse() {
        assertThat(url).contains("/" + jdbc.sql("SELECT current_database()").query(String.class).single() + "?");
        assertThat(jdbc.sql("SELECT version FROM flyway_schema_history ORDER BY installed_rank").query(String.class)
                .list()).containsExactly("1", "2", "3", "4");
        // the starter stays in the tests' application and costs nothing there: no branch for nothing pending
        assertThat(rehearsal.lastOutcome()).hasValueSatisfying(outcome -> assertThat(outcome.verdict())
                .isEqualTo(Verdict.NOTHING_PENDING));
        assertThat(customers.loyaltyPoints()).isZero();
    }

    @Test
    @Order(2)
    void sumsThePointsCustomersCollected() {
        jdbc.sql("UPDATE customers SET loyalty_points = 10 WHERE id <= 3").update();

        assertThat(customers.loyaltyPoints()).isEqualTo(30);
    }
}
