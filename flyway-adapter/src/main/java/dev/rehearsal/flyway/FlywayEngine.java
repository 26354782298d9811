package dev.rehearsal.flyway;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.ApplyResult.EngineFailure;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.internal.Causes;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.pattern.ValidatePattern;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;

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
 *
 * <p>Works with Flyway 10 to 13, with flyway-database-postgresql at the version of flyway-core.
 */
public final class FlywayEngine implements MigrationEngine {
    private static final String REPEATABLE = "R:";

    private final Configuration configuration;
    private final String name;
    private final ConnectionInfoLine connectionInfo = new ConnectionInfoLine();

    private FlywayEngine(Configuration configuration) {
        this.configuration = configuration;
        this.name = "Flyway " + FlywayModules.coreVersion();
    }

    /**
     * An engine for this configuration (a {@link FluentConfiguration} or any {@link Configuration}).
     *
     * @throws ConfigurationException when the class path has a Flyway older than 10, or no flyway-database-postgresql
     *                                at the version of flyway-core: the message names the dependency to declare
     */
    public static FlywayEngine of(Configuration configuration) {
        Objects.requireNonNull(configuration, "configuration");
        FlywayModules.requireMatchingModules();
        return new FlywayEngine(configuration);
    }

    /** An engine for the configuration of this Flyway instance (e.g. the one Spring Boot hands a migration strategy). */
    public static FlywayEngine of(Flyway flyway) {
        Objects.requireNonNull(flyway, "flyway");
        return of(flyway.getConfiguration());
    }

    @Override
    public Set<String> ownTables() {
        return Set.of(configuration.getTable());
    }

    /** Flyway reads the server's version on the migration's connection before each migration. */
    @Override
    public boolean isOwnStatement(String sql) {
        return sql != null && sql.strip().equalsIgnoreCase("SELECT version()");
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The migrations {@code flyway migrate} would apply to this database, after the checks it makes first: its
     * validation ({@code validateOnMigrate}, honouring {@code ignoreMigrationPatterns}, {@code outOfOrder} and
     * {@code target}) and its refusal of a schema that has objects but no history table (unless
     * {@code baselineOnMigrate}, whose baseline then leaves out the migrations up to {@code baselineVersion}).
     * Reads only: the user's callbacks do not run here.
     *
     * @throws ConfigurationException when {@code flyway migrate} would stop before migrating: the message names the
     *                                setting that fixes it, in the words of the front end in use
     */
    @Override
    public MigrationPlan plan(DataSource database) {
        try {
            Flyway reader = reader(database);
            if (configuration.isValidateOnMigrate()) {
                Validation.require(reader.validateWithResult());
            }
            MigrationInfoService info = reader.info();
            List<MigrationInfo> pending = Arrays.asList(info.pending());
            if (info.applied().length == 0 && !info.getInfoResult().allSchemasEmpty) {
                HistoryTable history = HistoryTable.of(database, configuration);
                if (!history.exists()) {
                    pending = baselined(pending, history);
                }
            }
            return MigrationPlan.of(pending.stream().map(FlywayEngine::migration).toList());
        } catch (FlywayException e) {
            throw notPlanned(e, database);
        }
    }

    /**
     * What the baseline {@code flyway migrate} makes of a schema with objects but no history table leaves pending:
     * the migrations after {@code baselineVersion}; without {@code baselineOnMigrate}, Flyway refuses such a schema.
     */
    private List<MigrationInfo> baselined(List<MigrationInfo> pending, HistoryTable history) {
        if (!configuration.isBaselineOnMigrate()) {
            throw new ConfigurationException("The schemas Flyway manages on the target ("
                    + String.join(", ", history.schemas()) + ") have objects but no Flyway history table ("
                    + history + "), so flyway migrate would stop: if it is the "
                    + "existing schema Flyway should start from, set "
                    + FlywaySettings.BASELINE_ON_MIGRATE.spelled("true") + " and "
                    + FlywaySettings.BASELINE_VERSION.spelled("<the version it is at>") + " (default 1); if the "
                    + "history is elsewhere, name it with " + FlywaySettings.TABLE.spelled() + " and "
                    + FlywaySettings.SCHEMAS.spelled());
        }
        MigrationVersion baseline = configuration.getBaselineVersion();
        return pending.stream().filter(m -> m.getVersion() == null || m.getVersion().compareTo(baseline) > 0)
                .toList();
    }

    private RuntimeException notPlanned(FlywayException e, DataSource database) {
        SQLException denied = Causes.find(e, SQLException.class);
        if (denied != null && "42501".equals(denied.getSQLState())) {
            return HistoryTable.of(database, configuration).denied(denied, e);
        }
        String missing = MissingLocations.describe(configuration);
        if (missing != null) {
            return new ConfigurationException(missing, e);
        }
        return new ConfigurationException("Flyway could not list the pending migrations: " + e.getMessage()
                + "\nCheck Flyway's settings: " + FlywaySettings.LOCATIONS.spelled() + ", "
                + FlywaySettings.SCHEMAS.spelled() + ", " + FlywaySettings.TABLE.spelled(), e);
    }

    /** Flyway's schema history: rank, version, description, type, checksum and whether it succeeded. */
    @Override
    public List<String> history(DataSource database) {
        try {
            return Arrays.stream(reader(database).info().applied())
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
        } catch (FlywayException e) {
            return ApplyResult.failure(tracker.applied(), failure(e, tracker.current()));
        }
    }

    /**
     * The migration and statement that failed, as Flyway tells them. Only {@code FlywayException} is caught and
     * passed on as such: a catch clause or a Throwable argument of Flyway's internal exception types would make the
     * JVM load them when it links this class, and a Flyway older than 10 lacks them, so {@link #of} could not even
     * say that that Flyway is too old.
     */
    private static EngineFailure failure(FlywayException e, Migration current) {
        if (!(e instanceof FlywayMigrateException migrate)) {
            return new EngineFailure(current, e.getMessage(), null, null, e);
        }
        Migration failed = migrate.getMigration() == null ? current : migration(migrate.getMigration());
        FlywaySqlScriptException script = Causes.find(e, FlywaySqlScriptException.class);
        String statement = script == null ? null : script.getStatement();
        Integer line = script == null || script.getLineNumber() <= 0 ? null : script.getLineNumber();
        return new EngineFailure(failed, e.getMessage(), statement, line, e);
    }

    /** Flyway to migrate this database, up to {@code target} when one is given, telling {@code tracker}. */
    private Flyway flyway(DataSource database, MigrationVersion target, Callback tracker) {
        FluentConfiguration copy = copy(database);
        if (target != null) {
            copy.target(target);
        }
        List<Callback> callbacks = new ArrayList<>(Arrays.asList(configuration.getCallbacks()));
        callbacks.add(tracker);
        copy.callbacks(callbacks.toArray(Callback[]::new));
        return connectionInfo.once(copy.load());
    }

    /**
     * Flyway to read this database: without the user's callbacks (a plan reads only), and validating as
     * {@code flyway migrate} validates, which lets pending migrations pass.
     */
    private Flyway reader(DataSource database) {
        List<ValidatePattern> ignored = new ArrayList<>(Arrays.asList(configuration.getIgnoreMigrationPatterns()));
        ignored.add(ValidatePattern.fromPattern("*:pending"));
        return connectionInfo.once(copy(database).callbacks(new String[0]).callbacks(new Callback[0])
                .skipDefaultCallbacks(true).ignoreMigrationPatterns(ignored.toArray(ValidatePattern[]::new)).load());
    }

    private FluentConfiguration copy(DataSource database) {
        FluentConfiguration copy = FlywayModules.useSessionLock(
                Flyway.configure(configuration.getClassLoader()).configuration(configuration));
        // A mistyped location must not read as "nothing pending": Flyway would only log a warning.
        return copy.failOnMissingLocations(true).dataSource(database);
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

    /**
     * The text of a SQL migration's script, found as Flyway finds it: under each configured location in turn (a
     * {@code classpath:} one through the configuration's class loader, a {@code filesystem:} one as a directory), the
     * script's name being relative to its location (sub-directories included), read in the configured encoding.
     * The user's placeholders are replaced as Flyway replaces them when placeholder replacement is on (with the
     * configured prefix and suffix); Flyway's own ({@code ${flyway:user}}, ...) are left as written, since they name
     * the database. Null for a Java migration, another kind of script, or a script under no location (one in a cloud
     * storage location, say). Reads no database.
     */
    @Override
    public String sqlOf(Migration migration) {
        Objects.requireNonNull(migration, "migration");
        if (!"SQL".equals(migration.type())) {
            return null;
        }
        for (Location location : configuration.getLocations()) {
            String text = ScriptText.read(location, migration.script(), configuration);
            if (text != null) {
                return ScriptText.withPlaceholders(text, configuration);
            }
        }
        return null;
    }

    static Migration migration(MigrationInfo info) {
        String version = info.getVersion() == null ? null : info.getVersion().getVersion();
        String id = version != null ? version : REPEATABLE + info.getDescription();
        return new Migration(id, version, info.getDescription(), info.getScript(),
                info.getType() == null ? null : info.getType().name(), info.getChecksum());
    }

    @Override
    public String toString() {
        return name + " (locations " + Arrays.toString(configuration.getLocations()) + ")";
    }
}
