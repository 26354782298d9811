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

    /** A copy of a database made now, to migrate with plain Flyway as the reference. */
    static String twin(String database) {
        String twin = POSTGRES.createDatabase("twin");
        POSTGRES.dropDatabase(twin);
        POSTGRES.execute("postgres", "CREATE DATABASE \"" + twin + "\" TEMPLATE \"" + database + "\"");
        return twin;
    }

    /**
     * The schema and contents of a database, but for the digest of Flyway's history table, whose installation
     * times legitimately differ between two databases migrated at different moments (compare {@link #history}).
     */
    static String describeWithoutHistoryTimes(String database) {
        return POSTGRES.describe(database).lines()
                .filter(line -> !line.startsWith("public.flyway_schema_history|"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Flyway's history as {@code flyway migrate} writes it, without the columns that record time and duration. */
    static List<String> history(String database) {
        return POSTGRES.query(database, "SELECT installed_rank, version, description, type, script, checksum, "
                + "installed_by, success FROM flyway_schema_history ORDER BY installed_rank");
    }
}
