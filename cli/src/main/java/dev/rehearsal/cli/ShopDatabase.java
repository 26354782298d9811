package dev.rehearsal.cli;

import dev.rehearsal.api.DatabaseLocation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The demo's own look at a database: a few statements and queries, each on a connection of its own that is closed
 * straight away. That matters: a branch is a {@code CREATE DATABASE … TEMPLATE} copy, which PostgreSQL makes only
 * while nobody else is connected to the target.
 */
final class ShopDatabase {
    private final DatabaseLocation location;
    private final DataSource dataSource;

    ShopDatabase(DatabaseLocation location) {
        this.location = location;
        this.dataSource = location.dataSource("shop-demo");
    }

    DatabaseLocation location() {
        return location;
    }

    /** The same server, another database. */
    ShopDatabase database(String name) {
        return new ShopDatabase(location.withDatabase(name));
    }

    /** Runs statements one by one in auto-commit mode. */
    void execute(String... statements) {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Failed on " + location + ": " + e.getMessage(), e);
        }
    }

    /** The rows of a query, each row's columns joined by {@code |}; SQL NULL shown as {@code <null>}. */
    List<String> query(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int c = 1; c <= columns; c++) {
                        String value = result.getString(c);
                        row.append(c > 1 ? "|" : "").append(value == null ? "<null>" : value);
                    }
                    rows.add(row.toString());
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed on " + location + ": " + e.getMessage(), e);
        }
    }

    /** The single value of a one-row, one-column query. */
    String value(String sql, Object... parameters) {
        List<String> rows = query(sql, parameters);
        if (rows.size() != 1) {
            throw new IllegalStateException("Expected one row from " + sql + " but got " + rows.size());
        }
        return rows.get(0);
    }
}
