package dev.rehearsal.flyway;

import dev.rehearsal.testing.TestPostgres;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/** Test targets: a "production" database at V2 of {@code db/base} (10 000 customers with flawed data). */
final class Shop {
    static final TestPostgres POSTGRES = TestPostgres.shared();

    private Shop() {
    }

    /** A new database migrated by plain Flyway to V1+V2 of db/base. */
    static String production(String stem) {
        String database = POSTGRES.createDatabase(stem);
        flyway(database, "db/base").load().migrate();
        return database;
    }

    /** The application's own Flyway configuration for a database, as a user would write it. */
    static FluentConfiguration flyway(String database, String... locations) {
        return Flyway.configure()
                .dataSource(POSTGRES.jdbcUrl(database), "postgres", null)
                .locations(Arrays.stream(locations).map(l -> "classpath:" + l).toArray(String[]::new));
    }

    /** Flyway's history as {@code flyway migrate} writes it, without the columns that record time and duration. */
    static List<String> history(String database) {
        return POSTGRES.query(database, "SELECT installed_rank, version, description, type, script, checksum, "
                + "installed_by, success FROM flyway_schema_history ORDER BY installed_rank");
    }
}
