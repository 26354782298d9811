package dev.rehearsal.spring;

import dev.rehearsal.flyway.FlywayEngine;
import org.flywaydb.core.Flyway;

/**
 * What Boot's {@code FlywayMigrationStrategy} does with the starter, on either generation: the Flyway Boot built —
 * its locations, placeholders, callbacks, Java migrations, customizers — rehearsed against the DataSource Boot gave
 * it, instead of {@code flyway.migrate()}.
 */
final class RehearsedFlyway {
    private RehearsedFlyway() {
    }

    static void migrate(StartupRehearsal rehearsal, Flyway flyway) {
        rehearsal.rehearse(() -> FlywayEngine.of(flyway), flyway.getConfiguration().getDataSource());
    }
}
