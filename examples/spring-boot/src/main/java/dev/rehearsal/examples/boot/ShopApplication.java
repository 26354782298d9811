package dev.rehearsal.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shop of the demo as a Spring Boot application. Nothing here mentions Rehearsal: with
 * {@code rehearsal-spring-boot-starter} on the class path, the migrations Boot's Flyway runs at start-up are
 * rehearsed on a branch of the database first, and start-up stops, the database untouched, when they would fail or
 * destroy data.
 */
@SpringBootApplication
public class ShopApplication {
    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }

    /** What the shop serves, from the schema the migrations made. */
    @RestController
    static class Customers {
        private final JdbcClient database;

        Customers(JdbcClient database) {
            this.database = database;
        }

        /** The loyalty points of all customers: the column the safe change set adds. */
        @GetMapping("/customers/loyalty-points")
        long loyaltyPoints() {
            return database.sql("SELECT coalesce(sum(loyalty_points), 0) FROM customers").query(Long.class).single();
        }
    }
}
