package dev.rehearsal.cli;

import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.liquibase.LiquibaseEngine;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The Liquibase changelog and Liquibase's settings, as Liquibase's own command line takes them. */
final class LiquibaseOptions {
    @Option(names = "--changelog", description = "Liquibase changelog, e.g. db/changelog/main.yaml (searched "
            + "in the working directory)")
    String changelog;

    /** Whether Liquibase was asked for. */
    boolean given() {
        return changelog != null;
    }

    /** The Liquibase engine, custom changes loaded from {@code classes}. */
    MigrationEngine engine(ClassLoader classes) {
        return LiquibaseEngine.configure().changelog(changelog).classLoader(classes)
                .searchPath(Path.of("").toAbsolutePath().toString()).load();
    }
}
