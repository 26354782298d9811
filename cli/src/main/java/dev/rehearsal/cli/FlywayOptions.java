package dev.rehearsal.cli;

import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.flyway.FlywayEngine;
import java.util.List;
import org.flywaydb.core.Flyway;
import picocli.CommandLine.Option;

/** The Flyway migrations and Flyway's settings, as Flyway's own command line takes them. */
final class FlywayOptions {
    @Option(names = "--locations", split = ",", description = "Flyway locations, e.g. "
            + "filesystem:src/main/resources/db/migration")
    List<String> locations;

    /** Whether Flyway was asked for. */
    boolean given() {
        return locations != null;
    }

    /** The Flyway engine, its Java migrations and callbacks loaded from {@code classes}. */
    MigrationEngine engine(ClassLoader classes) {
        return FlywayEngine.of(Flyway.configure(classes).locations(locations.toArray(String[]::new)));
    }
}
