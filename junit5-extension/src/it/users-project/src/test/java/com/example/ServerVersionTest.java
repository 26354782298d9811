package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.junit.MigratedDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServerVersionTest {
    @RegisterExtension
    static MigratedDatabase database = MigratedDatabase.with(
            FlywayEngine.of(Flyway.configure().locations("classpath:db/migration")));

    @Test
    void printsTheServerVersionOfAMigratedDatabase(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_setting('server_version'), count(*) FROM accounts")) {
            rows.next();
            assertEquals(0, rows.getInt(2));
            System.out.println("server_version " + rows.getString(1));
        }
    }
}
