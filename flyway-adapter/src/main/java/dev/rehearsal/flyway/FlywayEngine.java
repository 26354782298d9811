package dev.rehearsal.flyway;

import dev.rehearsal.ConfigurationException;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.EngineFailure;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.internal.Causes;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Rehearses Flyway migrations. Takes the application's own Flyway configuration — locations, placeholders, Java
 * migrations, callbacks, out-of-order, baseline, schemas, table — and runs it unchanged, first against the branch
 * and then, on promotion, against the target. Only the DataSource differs, and the run is capped at the last
 * rehearsed version so that the target gets exactly the rehearsed migrations.
 *
 * <pre>{@code
 * FlywayEngine engine = FlywayEngine.of(Flyway.configure()
 *         .locations("classpath:db/migration")
 *         .placeholders(Map.of("schema", "shop")));
 * }</pre>
 *
 * <p>A location that does not exist is an error ({@code failOnMissingLocations}), where Flyway would only warn and
 * find nothing pending.
 *
 * <p>Non-transactional migrations (Flyway detects {@code CREATE INDEX CONCURRENTLY} itself) work as they do under
 * Flyway. Flyway's PostgreSQL <em>transactional</em> advisory lock would make {@code CONCURRENTLY} wait for
 * Flyway's own open transaction forever, so this engine uses Flyway's session-level lock instead
 * ({@code flyway.postgresql.transactional.lock=false}, Flyway's documented setting for this case).
 */
public final class FlywayEngine implements MigrationEngine {
    private static final String REPEATABLE = "R:";

    private final Configuration configuration;
    private final String name;

    private FlywayEngine(Configuration configuration) {
        this.configuration = configuration;
        this.name = "Flyway " + flywayVersion();
    }

    /** An engine for this configuration (a {@link FluentConfiguration} or any {@link Configuration}). */
    public static FlywayEngine of(Configuration configuration) {
        Objects.requireNonNull(configuration, "configuration");
        return new FlywayEngine(configuration);
    }

    /** An engine for the configuration of this Flyway instance (e.g. the one Spring Boot hands a migration strategy). */
    public static FlywayEngine of(Flyway flyway) {
        Objects.requireNonNull(flyway, "flyway");
        return of(flyway.getConfiguration());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MigrationPlan plan(DataSource database) {
        MigrationInfo[] pending;
        try {
            pending = flyway(database, null, null).info().pending();
        } catch (FlywayException e) {
            throw new ConfigurationException("Flyway could not list the pending migrations: " + e.getMessage()
                    + "\nCheck the Flyway configuration (locations, schemas, table)", e);
        }
        return MigrationPlan.of(Arrays.stream(pending).map(FlywayEngine::migration).toList());
    }

    /** Flyway's schema history: rank, version, description, type, checksum and whether it succeeded. */
    @Override
    public List<String> history(DataSource database) {
        try {
            return Arrays.stream(flyway(database, null, null).info().applied())
                    .map(info -> info.getInstalledRank() + " " + migration(info).id() + " " + info.getDescription()
                            + " " + info.getType() + " checksum " + info.getChecksum()
                            + (info.getState().isFailed() ? " FAILED" : ""))
                    .toList();
        } catch (FlywayException e) {
            throw new ConfigurationException("Flyway could not read the schema history: " + e.getMessage(), e);
        }
    }

    @Override
    public ApplyResult apply(DataSource database, MigrationPlan plan, MigrationObserver observer) {
        MigrationTracker tracker = new MigrationTracker(plan, observer);
        Flyway flyway = flyway(database, lastVersion(plan), tracker);
        try {
            flyway.migrate();
            return ApplyResult.success(tracker.applied());
        } catch (FlywayMigrateException e) {
            Migration failed = e.getMigration() == null ? tracker.current() : migration(e.getMigration());
            FlywaySqlScriptException script = Causes.find(e, FlywaySqlScriptException.class);
            String statement = script == null ? null : script.getStatement();
            Integer line = script == null || script.getLineNumber() <= 0 ? null : script.getLineNumber();
            return ApplyResult.failure(tracker.applied(), new EngineFailure(failed, e.getMessage(), statement, line,
                    e));
        } catch (FlywayException e) {
            return ApplyResult.failure(tracker.applied(), new EngineFailure(tracker.current(), e.getMessage(), null,
                    null, e));
        }
    }

    private Flyway flyway(DataSource database, MigrationVersion target, Callback tracker) {
        // A mistyped location must not read as "nothing pending": Flyway would only log a warning.
        FluentConfiguration copy = Flyway.configure(configuration.getClassLoader())
                .configuration(configuration)
                .failOnMissingLocations(true)
                .dataSource(database);
        PostgreSQLConfigurationExtension postgres =
                copy.getConfigurationExtension(PostgreSQLConfigurationExtension.class);
        if (postgres != null) {
            postgres.setTransactionalLock(false);
        }
        if (target != null) {
            copy.target(target);
        }
        if (tracker != null) {
            List<Callback> callbacks = new ArrayList<>(Arrays.asList(configuration.getCallbacks()));
            callbacks.add(tracker);
            copy.callbacks(callbacks.toArray(Callback[]::new));
        }
        return copy.load();
    }

    /** The highest version of the plan, so that nothing newer is applied; null when the plan has no versions. */
    private static MigrationVersion lastVersion(MigrationPlan plan) {
        MigrationVersion last = null;
        for (Migration migration : plan.migrations()) {
            if (migration.version() != null) {
                MigrationVersion version = MigrationVersion.fromVersion(migration.version());
                if (last == null || version.compareTo(last) > 0) {
                    last = version;
                }
            }
        }
        return last;
    }

    static Migration migration(MigrationInfo info) {
        String version = info.getVersion() == null ? null : info.getVersion().getVersion();
        String id = version != null ? version : REPEATABLE + info.getDescription();
        return new Migration(id, version, info.getDescription(), info.getScript(),
                info.getType() == null ? null : info.getType().name(), info.getChecksum());
    }

    private static String flywayVersion() {
        try (InputStream in = Flyway.class.getResourceAsStream(
                "/META-INF/maven/org.flywaydb/flyway-core/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "(unknown version)");
            }
        } catch (IOException e) {
            // fall through
        }
        String version = Flyway.class.getPackage().getImplementationVersion();
        return version == null ? "(unknown version)" : version;
    }

    @Override
    public String toString() {
        return name + " (locations " + Arrays.toString(configuration.getLocations()) + ")";
    }
}
