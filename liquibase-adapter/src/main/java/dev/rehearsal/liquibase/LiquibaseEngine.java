package dev.rehearsal.liquibase;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.ApplyResult.EngineFailure;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.InterruptedApply;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import liquibase.ChecksumVersion;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.RuntimeEnvironment;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.change.Change;
import liquibase.change.CheckSum;
import liquibase.changelog.ChangeLogHistoryServiceFactory;
import liquibase.changelog.ChangeLogIterator;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.FastCheckService;
import liquibase.changelog.filter.ContextChangeSetFilter;
import liquibase.changelog.filter.DbmsChangeSetFilter;
import liquibase.changelog.filter.IgnoreChangeSetFilter;
import liquibase.changelog.filter.LabelChangeSetFilter;
import liquibase.changelog.filter.ShouldRunChangeSetFilter;
import liquibase.changelog.visitor.ChangeExecListener;
import liquibase.changelog.visitor.DefaultChangeExecListener;
import liquibase.changelog.visitor.ListVisitor;
import liquibase.command.CommandArgumentDefinition;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.configuration.ConfigurationDefinition;
import liquibase.configuration.LiquibaseConfiguration;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.OfflineConnection;
import liquibase.database.core.PostgresDatabase;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.exception.MigrationFailedException;
import liquibase.exception.ValidationFailedException;
import liquibase.executor.ExecutorService;
import liquibase.lockservice.DatabaseChangeLogLock;
import liquibase.lockservice.LockService;
import liquibase.lockservice.LockServiceFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.resource.SearchPathResourceAccessor;
import liquibase.ui.LoggerUIService;
import liquibase.util.LiquibaseUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rehearses Liquibase changelogs. Takes the application's changelog (XML, YAML, JSON or formatted SQL, with its
 * includes), contexts, labels, changelog parameters and search path, and runs Liquibase's own {@code update} with
 * them, first against the branch and then, on promotion, against the target. Only the DataSource differs, and the
 * run is held to exactly the rehearsed changesets.
 *
 * <pre>{@code
 * LiquibaseEngine engine = LiquibaseEngine.configure()
 *         .changelog("db/changelog/db.changelog-master.yaml")
 *         .contexts("prod")
 *         .labels("!experimental")
 *         .parameter("schema", "shop")
 *         .load();
 * }</pre>
 *
 * <p>Changesets keep their Liquibase behaviour: {@code runInTransaction="false"}, preconditions with their
 * {@code onFail}/{@code onError}, {@code runOnChange}, {@code runAlways}, {@code failOnError}, custom Java changes.
 * Each changeset is one {@link Migration} whose id is Liquibase's {@code file::id::author}; findings and traced
 * statements are attributed to it. The target's DATABASECHANGELOG is what {@code liquibase update} writes.
 *
 * <p>Liquibase's lock (DATABASECHANGELOGLOCK) is taken and released by {@code update} itself on each database, as
 * always. {@link #plan} reads without taking it. A branch copies the lock row as it was on the target; a row that was
 * held there (a Liquibase that died without releasing it) is released on the branch only, by
 * {@link #prepareBranch}: nobody holds it there. The target's lock is left to its owner — unless Rehearsal's own
 * record shows that its owner was a Rehearsal runner killed while promoting, see {@link #releaseLockLeftBy}.
 *
 * <p>Liquibase keeps JVM-wide state (its lock, history and executor services, reset when a command ends), so one
 * Liquibase operation of this class runs at a time in a JVM; rehearsals of several targets still overlap in
 * everything else. A {@code LiquibaseEngine} is thread-safe and its configuration immutable; it remembers the
 * changesets it planned, so that {@link #sqlOf} can tell what one that did not run would do.
 */
public final class LiquibaseEngine implements MigrationEngine {
    private static final Logger LOG = LoggerFactory.getLogger(LiquibaseEngine.class);
    private static final ReentrantLock LIQUIBASE = new ReentrantLock();
    private static final Pattern FAILED_SQL = Pattern.compile("\\[Failed SQL: (?:\\([^)]*\\) )?(.*)]\\s*$",
            Pattern.DOTALL);

    private final String changelog;
    private final String contexts;
    private final String labels;
    private final Map<String, String> parameters;
    private final List<String> searchPath;
    private final ClassLoader classLoader;
    private final String defaultSchema;
    private final String liquibaseSchema;
    private final String changelogTable;
    private final String changelogLockTable;
    private final List<ChangeExecListener> listeners;
    private final Map<String, String> settings;
    private final String name;
    /**
     * The changesets of the plans made so far, by {@code file::id::author}, as Liquibase parsed them (parameters
     * expanded): what {@link #sqlOf} reads, without parsing the changelog again or connecting anywhere.
     */
    private final Map<String, ChangeSet> planned = new ConcurrentHashMap<>();

    private LiquibaseEngine(Builder builder) {
        this.changelog = builder.changelog;
        this.contexts = builder.contexts;
        this.labels = builder.labels;
        this.parameters = Map.copyOf(builder.parameters);
        this.searchPath = List.copyOf(builder.searchPath);
        this.classLoader = builder.classLoader != null ? builder.classLoader : defaultClassLoader();
        this.defaultSchema = builder.defaultSchema;
        this.liquibaseSchema = builder.liquibaseSchema;
        this.changelogTable = builder.changelogTable;
        this.changelogLockTable = builder.changelogLockTable;
        this.listeners = List.copyOf(builder.listeners);
        this.settings = Map.copyOf(builder.settings);
        this.name = "Liquibase " + LiquibaseUtil.getBuildVersion();
    }

    /** An engine for this changelog, found on the class path, with all contexts and labels and no parameters. */
    public static LiquibaseEngine of(String changelog) {
        return configure().changelog(changelog).load();
    }

    /** Starts a configuration; {@link Builder#changelog(String)} is required. */
    public static Builder configure() {
        return new Builder();
    }

    /** {@code "Liquibase 4.33.0"}: the Liquibase on the class path. */
    /** DATABASECHANGELOG and DATABASECHANGELOGLOCK, as Liquibase names them on PostgreSQL (lower case). */
    @Override
    public Set<String> ownTables() {
        return Set.of(Objects.requireNonNullElse(changelogTable, "databasechangelog").toLowerCase(Locale.ROOT),
                Objects.requireNonNullElse(changelogLockTable, "databasechangeloglock").toLowerCase(Locale.ROOT));
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The changesets {@code liquibase update} would run now, in its order: the changelog is parsed and validated
     * (checksums of applied changesets, changelog preconditions, duplicate identifiers) and filtered by contexts,
     * labels, dbms and DATABASECHANGELOG, as Liquibase does before it updates. Reads only: creates no table and takes
     * no lock.
     *
     * @throws ConfigurationException when Liquibase would refuse to update: the changelog is not found or does not
     *                                parse, an applied changeset was changed since, a changelog precondition fails,
     *                                or the user may not read Liquibase's tables. The message names the fix.
     */
    @Override
    public MigrationPlan plan(DataSource database) {
        Objects.requireNonNull(database, "database");
        try {
            return MigrationPlan.of(withLiquibase(database, db -> {
                try {
                    return pending(db);
                } catch (RehearsalException e) {
                    throw e;
                } catch (Exception e) {
                    if (PlanningErrors.isPermissionDenied(e)) {
                        throw PlanningErrors.permissionDenied(e, db);
                    }
                    throw e;
                }
            }));
        } catch (RehearsalException e) {
            throw e;
        } catch (SQLException e) {
            throw new DatabaseException("Cannot connect to read Liquibase's history: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new ConfigurationException("Liquibase could not list the pending changesets of " + changelog + ": "
                    + messageOf(e) + "\nCheck the changelog, its search path, contexts, labels and parameters", e);
        }
    }

    private List<Migration> pending(Database db) throws Exception {
        Scope.getCurrentScope().getSingleton(ChangeLogHistoryServiceFactory.class)
                .register(new ReadingHistoryService(db));
        warnIfLocked(db);
        DatabaseChangeLog changeLog = parse(db);
        Contexts contextFilter = new Contexts(effective(UpdateCommandStep.CONTEXTS_ARG, contexts));
        LabelExpression labelFilter = new LabelExpression(effective(UpdateCommandStep.LABEL_FILTER_ARG, labels));
        try {
            changeLog.validate(db, contextFilter, labelFilter);
        } catch (ValidationFailedException e) {
            throw PlanningErrors.invalid(changelog, e);
        }
        ListVisitor pending = new ListVisitor();
        new ChangeLogIterator(changeLog, new ShouldRunChangeSetFilter(db), new ContextChangeSetFilter(contextFilter),
                new LabelChangeSetFilter(labelFilter), new DbmsChangeSetFilter(db), new IgnoreChangeSetFilter())
                .run(pending, new RuntimeEnvironment(db, contextFilter, labelFilter));
        pending.getSeenChangeSets().forEach(changeSet -> planned.put(idOf(changeSet), changeSet));
        return pending.getSeenChangeSets().stream().map(LiquibaseEngine::migration).toList();
    }

    /**
     * The SQL of a planned changeset, read without any database: the text of its {@code sql} and {@code sqlFile}
     * changes (changelog parameters expanded, as Liquibase runs them), and the SQL Liquibase generates for its other
     * built-in changes ({@code addColumn}, {@code dropColumn}, {@code modifyDataType}, {@code createIndex}, ...) for an
     * offline PostgreSQL, in order. Left out: changes whose SQL depends on the database (Liquibase says so of them),
     * custom Java changes and changes of extensions (their code could do anything), {@code loadData} (its rows are no
     * schema risk), shell commands; and a {@code sql} change meant for another dbms. Null when the changeset was not
     * planned by this engine, or none of its changes gives SQL.
     */
    @Override
    public String sqlOf(Migration migration) {
        Objects.requireNonNull(migration, "migration");
        ChangeSet changeSet = planned.get(migration.id());
        if (changeSet == null) {
            return null;
        }
        LIQUIBASE.lock();
        try {
            ResourceAccessor resources = resourceAccessor();
            try {
                return Scope.child(scopeOf(resources), () -> ChangeSetSql.of(changeSet, offlinePostgres(resources)));
            } finally {
                close(resources);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Liquibase could not give the SQL of changeset " + migration.id() + ": "
                    + messageOf(e), e);
        } finally {
            LIQUIBASE.unlock();
        }
    }

    /** PostgreSQL as Liquibase generates SQL for it, with no connection: nothing it generates can reach a server. */
    private Database offlinePostgres(ResourceAccessor resources) throws LiquibaseException {
        Database database = new PostgresDatabase();
        database.setConnection(new OfflineConnection("offline:postgresql", resources));
        configure(database);
        return database;
    }

    /** The changelog, parsed as {@code update} parses it; a changelog that is missing or does not parse is refused. */
    private DatabaseChangeLog parse(Database database) throws Exception {
        ResourceAccessor resources = Scope.getCurrentScope().getResourceAccessor();
        boolean found;
        try {
            found = resources.get(changelog).exists();
        } catch (IOException e) {
            throw PlanningErrors.unparsable(changelog, e); // e.g. the same path in two search path entries
        }
        if (!found) {
            throw PlanningErrors.notFound(changelog, resources.describeLocations());
        }
        try {
            return DatabaseChangelogCommandStep.getDatabaseChangeLog(changelog, changeLogParameters(database),
                    database);
        } catch (Exception e) {
            if (PlanningErrors.isPermissionDenied(e)) {
                throw e; // reading DATABASECHANGELOG for an include, not the changelog itself
            }
            throw PlanningErrors.unparsable(changelog, e);
        }
    }

    /**
     * The value {@code update} will use for a filter: the one given, else Liquibase's own configuration of it
     * ({@code LIQUIBASE_COMMAND_CONTEXT_FILTER}...), which {@code update} reads when it is given none. The plan filters
     * with exactly what the update will.
     */
    private static String effective(CommandArgumentDefinition<String> argument, String given) throws Exception {
        return new CommandScope(UpdateCommandStep.COMMAND_NAME).addArgumentValue(argument, given)
                .getArgumentValue(argument);
    }

    /** DATABASECHANGELOG: order, changeset, checksum and exec type of every changeset that ran. */
    @Override
    public List<String> history(DataSource database) {
        Objects.requireNonNull(database, "database");
        try {
            return withLiquibase(database, db -> {
                ReadingHistoryService history = new ReadingHistoryService(db);
                return history.getRanChangeSets().stream()
                        .map(ran -> ran.getOrderExecuted() + " " + ran.getChangeLog() + "::" + ran.getId() + "::"
                                + ran.getAuthor() + " checksum " + ran.getLastCheckSum() + " " + ran.getExecType())
                        .toList();
            });
        } catch (SQLException e) {
            throw new DatabaseException("Cannot connect to read Liquibase's history: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new ConfigurationException("Liquibase could not read DATABASECHANGELOG: " + messageOf(e), e);
        }
    }

    /**
     * Runs Liquibase's {@code update} on {@code database}, with the user's configuration and listeners, stopping
     * before any changeset that is not in {@code plan}. A failing changeset is returned as a failure with the
     * changeset and, when Liquibase names it, the failing SQL.
     */
    @Override
    public ApplyResult apply(DataSource database, MigrationPlan plan, MigrationObserver observer) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(observer, "observer");
        if (plan.isEmpty()) {
            return ApplyResult.success(List.of());
        }
        ChangeSetTracker tracker = new ChangeSetTracker(plan, observer);
        try {
            withLiquibase(database, db -> {
                update(db, tracker);
                return null;
            });
            tracker.finishSkipped();
            return ApplyResult.success(tracker.applied());
        } catch (Exception e) {
            Migration running = tracker.current();
            tracker.finishSkipped();
            if (tracker.notRehearsed() != null && tracker.failed() == null) {
                if (tracker.startedWholePlan()) {
                    // the plan ended here: everything rehearsed ran, nothing else did
                    return ApplyResult.success(tracker.applied());
                }
                return ApplyResult.failure(tracker.applied(), new EngineFailure(null, "Liquibase was about to run "
                        + "changeset " + tracker.notRehearsed() + ", which was not rehearsed, and was stopped before "
                        + "it: the changelog or the database changed since the plan was made", null, null, e));
            }
            Migration failed = tracker.failed() != null ? tracker.failed() : running;
            return ApplyResult.failure(tracker.applied(), new EngineFailure(failed, messageOf(e), failedSql(e), null,
                    e));
        }
    }

    /**
     * Releases a Liquibase lock that the branch copied from the target. The branch is new and only this rehearsal
     * uses it, so a held lock row there is a copy of one held on the target when it was copied (a Liquibase that
     * died, or is still running elsewhere) and nobody holds it on the branch. The target's own row is not touched.
     */
    @Override
    public void prepareBranch(DataSource branch) {
        Objects.requireNonNull(branch, "branch");
        try {
            withLiquibase(branch, db -> {
                LockService lockService = LockServiceFactory.getInstance().getLockService(db);
                DatabaseChangeLogLock[] held = lockService.listLocks();
                if (held.length > 0) {
                    LOG.info("Releasing Liquibase's lock copied into the branch (held on the target by {} since {})",
                            held[0].getLockedBy(), held[0].getLockGranted());
                    lockService.releaseLock();
                }
                return null;
            });
        } catch (Exception e) {
            throw new BranchException("Cannot release the Liquibase lock copied into the branch: " + messageOf(e), e);
        }
    }

    /**
     * What Liquibase writes to LOCKEDBY when this process takes its lock: the host's name and address (and
     * {@code liquibase.hostDescription}), as Liquibase's own lock statement composes them.
     */
    @Override
    public String lockHolder() {
        return LockedBy.thisHost();
    }

    /**
     * Releases Liquibase's lock on the target when a Rehearsal runner that was killed while promoting left it held.
     * A row lock cannot tell a dead holder from a live one, so the lock is released only when it names the killed
     * runner's host as that runner recorded it ({@link #lockHolder()}) and was granted (by the server's clock) at or
     * after the moment that runner started to apply. With Rehearsal's runner turn held, and the killed runner's
     * sessions gone, the lock is then that runner's: only a Liquibase started by hand on the same host, against the
     * same target, after the kill and before this run, would look the same.
     *
     * @throws RehearsalException when the lock is held otherwise: its holder may be alive. The message names the lock
     *                            and the statement that releases it.
     */
    @Override
    public String releaseLockLeftBy(DataSource database, InterruptedApply interrupted) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(interrupted, "interrupted");
        try {
            return withLiquibase(database, db -> {
                LockService lockService = LockServiceFactory.getInstance().getLockService(db);
                DatabaseChangeLogLock[] held = lockService.listLocks();
                if (held.length == 0) {
                    return null;
                }
                DatabaseChangeLogLock lock = held[0];
                // LOCKGRANTED is a timestamp without time zone, written in the killed runner's session time zone
                // and read back in this JVM's
                Instant granted = lock.getLockGranted() == null ? null : LocalDateTime.ofInstant(
                        lock.getLockGranted().toInstant(), ZoneId.systemDefault()).atZone(interrupted.zone())
                        .toInstant();
                String table = db.escapeTableName(db.getLiquibaseCatalogName(), db.getLiquibaseSchemaName(),
                        db.getDatabaseChangeLogLockTableName());
                if (lock.getLockedBy() != null && lock.getLockedBy().equals(interrupted.lockHolder())
                        && granted != null && !granted.isBefore(interrupted.started().truncatedTo(ChronoUnit.MILLIS))) {
                    lockService.releaseLock();
                    return "released Liquibase's lock in " + table + ", held by " + lock.getLockedBy() + " since "
                            + granted + ": the runner that took it (" + interrupted.runner() + ") was killed while "
                            + "promoting";
                }
                throw new RehearsalException(ErrorCode.PROMOTION_FAILED, "Liquibase's lock on the target (" + table
                        + ") is held by " + lock.getLockedBy() + " since " + granted + ", and a Rehearsal runner ("
                        + interrupted.runner() + ") was killed while promoting there since " + interrupted.started()
                        + ": that runner would have written " + interrupted.lockHolder() + ", so the lock may be held "
                        + "by a live Liquibase and was left alone. Nothing was changed. If no Liquibase is running "
                        + "against the target, release it (liquibase release-locks does the same): UPDATE " + table
                        + " SET LOCKED = FALSE, LOCKEDBY = NULL, LOCKGRANTED = NULL WHERE ID = 1");
            });
        } catch (RehearsalException e) {
            throw e;
        } catch (SQLException e) {
            throw new DatabaseException("Cannot connect to read Liquibase's lock: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new DatabaseException("Cannot release the Liquibase lock a killed runner left on the target: "
                    + messageOf(e), e);
        }
    }

    private void update(Database database, ChangeSetTracker tracker) throws Exception {
        // The "up to date" answers Liquibase caches per URL would hide a changeset added since
        Scope.getCurrentScope().getSingleton(FastCheckService.class).clearCache();
        List<ChangeExecListener> all = new ArrayList<>();
        all.add(tracker);
        all.addAll(listeners);
        CommandScope update = new CommandScope(UpdateCommandStep.COMMAND_NAME);
        update.addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database);
        update.addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog);
        update.addArgumentValue(UpdateCommandStep.CONTEXTS_ARG, contexts);
        update.addArgumentValue(UpdateCommandStep.LABEL_FILTER_ARG, labels);
        update.addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, changeLogParameters(database));
        update.addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG,
                new DefaultChangeExecListener(all.toArray(ChangeExecListener[]::new)));
        update.addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG);
        update.setOutput(OutputStream.nullOutputStream());
        update.execute();
    }

    /**
     * The parameters as {@code new Liquibase(...).setChangeLogParameter(...)} would set them, except that they win
     * over environment variables and system properties of the same name (which Liquibase puts first).
     */
    private ChangeLogParameters changeLogParameters(Database database) throws Exception {
        ChangeLogParameters changeLogParameters = new GivenParameters(database, parameters);
        changeLogParameters.setContexts(new Contexts(effective(UpdateCommandStep.CONTEXTS_ARG, contexts)));
        changeLogParameters.setLabels(new LabelExpression(effective(UpdateCommandStep.LABEL_FILTER_ARG, labels)));
        return changeLogParameters;
    }

    private static void warnIfLocked(Database database) throws Exception {
        DatabaseChangeLogLock[] held = LockServiceFactory.getInstance().getLockService(database).listLocks();
        if (held.length > 0) {
            LOG.warn("Liquibase's lock on the target is held by {} since {}: applying to it will wait for the lock as "
                    + "'liquibase update' does (liquibase.changelogLockWaitTimeInMinutes). If no Liquibase is running "
                    + "against it, release it with 'liquibase release-locks'", held[0].getLockedBy(),
                    held[0].getLockGranted());
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Database database) throws Exception;
    }

    /**
     * Runs Liquibase on one connection of {@code dataSource} (and no other), with this engine's resources, class
     * loader and table settings, its messages sent to its log rather than the console; then closes the connection
     * and drops what Liquibase's JVM-wide services kept of it.
     */
    private <T> T withLiquibase(DataSource dataSource, Work<T> work) throws Exception {
        LIQUIBASE.lock();
        try {
            Connection connection = dataSource.getConnection();
            Database database = null;
            try {
                database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(
                        new JdbcConnection(connection));
                configure(database);
                ResourceAccessor resources = resourceAccessor();
                try {
                    Map<String, Object> scope = scopeOf(resources);
                    scope.put(Scope.Attr.ui.name(), new LoggerUIService());
                    AtomicReference<T> result = new AtomicReference<>();
                    Database db = database;
                    Scope.child(scope, () -> result.set(work.run(db)));
                    return result.get();
                } finally {
                    close(resources);
                }
            } finally {
                forget(database, connection);
            }
        } finally {
            LIQUIBASE.unlock();
        }
    }

    /** Liquibase's scope for this engine: its resources, class loader and settings. */
    private Map<String, Object> scopeOf(ResourceAccessor resources) {
        Map<String, Object> scope = new HashMap<>();
        scope.put(Scope.Attr.resourceAccessor.name(), resources);
        scope.put(Scope.Attr.classLoader.name(), classLoader);
        // Liquibase's own settings of this engine: its ScopeValueProvider reads them first
        scope.putAll(settings);
        return scope;
    }

    private void configure(Database database) throws LiquibaseException {
        if (defaultSchema != null) {
            database.setDefaultSchemaName(defaultSchema);
        }
        if (liquibaseSchema != null) {
            database.setLiquibaseSchemaName(liquibaseSchema);
        }
        if (changelogTable != null) {
            database.setDatabaseChangeLogTableName(changelogTable);
        }
        if (changelogLockTable != null) {
            database.setDatabaseChangeLogLockTableName(changelogLockTable);
        }
    }

    private ResourceAccessor resourceAccessor() {
        return searchPath.isEmpty() ? new ClassLoaderResourceAccessor(classLoader)
                : new SearchPathResourceAccessor(String.join(",", searchPath));
    }

    /** Closes the jars and directories the resource accessor opened. */
    private static void close(ResourceAccessor resources) {
        try {
            resources.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Closing Liquibase's resource accessor failed", e);
        }
    }

    private static void forget(Database database, Connection connection) {
        LockServiceFactory.getInstance().resetAll();
        Scope.getCurrentScope().getSingleton(ChangeLogHistoryServiceFactory.class).resetAll();
        Scope.getCurrentScope().getSingleton(ExecutorService.class).reset();
        try {
            if (database != null) {
                database.close();
            } else {
                connection.close();
            }
        } catch (LiquibaseException | SQLException e) {
            LOG.debug("Closing Liquibase's connection failed", e);
        }
    }

    /** Liquibase's key of a changeset, as in its messages and DATABASECHANGELOG: {@code file::id::author}. */
    static String idOf(ChangeSet changeSet) {
        return changeSet.getFilePath() + "::" + changeSet.getId() + "::" + changeSet.getAuthor();
    }

    /**
     * A changeset as a {@link Migration}: id {@code file::id::author}; version the changeset id, or null for a
     * {@code runAlways}/{@code runOnChange} one (repeatable); type its change types; checksum the hash of Liquibase's
     * checksum (so that a changed changeset changes the plan).
     */
    static Migration migration(ChangeSet changeSet) {
        boolean repeatable = changeSet.shouldAlwaysRun() || changeSet.shouldRunOnChange();
        String types = changeSet.getChanges().stream().map(Change::getSerializedObjectName).distinct()
                .collect(Collectors.joining(","));
        CheckSum checkSum = changeSet.generateCheckSum(ChecksumVersion.latest());
        return new Migration(idOf(changeSet), repeatable ? null : changeSet.getId(), changeSet.getDescription(),
                changeSet.getFilePath(), types.isEmpty() ? "empty" : types,
                checkSum == null ? null : checkSum.toString().hashCode());
    }

    /** Liquibase's account of the failure: its changeset message when there is one, else the innermost message. */
    private static String messageOf(Throwable throwable) {
        String message = null;
        for (Throwable t = throwable; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof MigrationFailedException) {
                return t.getMessage();
            }
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message != null ? message : throwable.toString();
    }

    /** The statement Liquibase names in {@code [Failed SQL: (code) ...]}, or null. */
    static String failedSql(Throwable throwable) {
        for (Throwable t = throwable; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof liquibase.exception.DatabaseException && t.getMessage() != null) {
                Matcher matcher = FAILED_SQL.matcher(t.getMessage());
                if (matcher.find()) {
                    return matcher.group(1).strip();
                }
            }
        }
        return null;
    }

    private static ClassLoader defaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : LiquibaseEngine.class.getClassLoader();
    }

    @Override
    public String toString() {
        return name + " (changelog " + changelog + (contexts == null ? "" : ", contexts " + contexts)
                + (labels == null ? "" : ", labels " + labels) + ")";
    }

    /**
     * Configures a {@link LiquibaseEngine}. Each setter checks its argument at once; {@link #load()} returns the
     * immutable engine.
     */
    public static final class Builder {
        private String changelog;
        private String contexts;
        private String labels;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final List<String> searchPath = new ArrayList<>();
        private ClassLoader classLoader;
        private String defaultSchema;
        private String liquibaseSchema;
        private String changelogTable;
        private String changelogLockTable;
        private final List<ChangeExecListener> listeners = new ArrayList<>();
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * The root changelog (XML, YAML, JSON or formatted SQL), as a path in the search path, e.g.
         * {@code db/changelog/db.changelog-master.yaml}. Required. Its changesets are recorded under this path.
         */
        public Builder changelog(String changelog) {
            this.changelog = text("changelog", changelog, "e.g. changelog(\"db/changelog/db.changelog-master.yaml\")");
            return this;
        }

        /** Liquibase's context filter, e.g. {@code "prod"} or {@code "prod and !eu"}. Default: every context. */
        public Builder contexts(String expression) {
            this.contexts = text("contexts", expression, "e.g. contexts(\"prod\"), or leave it out for all contexts");
            return this;
        }

        /** Liquibase's label filter, e.g. {@code "!experimental"}. Default: every label. */
        public Builder labels(String expression) {
            this.labels = text("labels", expression, "e.g. labels(\"!experimental\"), or leave it out for all labels");
            return this;
        }

        /**
         * A changelog parameter, replacing {@code ${name}} in the changelog. It wins over the changelog's own
         * {@code property} and over an environment variable or system property of the same name.
         */
        public Builder parameter(String name, String value) {
            text("parameter name", name, "e.g. parameter(\"schema\", \"shop\")");
            if (value == null) {
                throw new ConfigurationException("parameter(\"" + name + "\", null): give a value, e.g. \"\"");
            }
            parameters.put(name, value);
            return this;
        }

        /** Changelog parameters (see {@link #parameter(String, String)}). */
        public Builder parameters(Map<String, String> parameters) {
            Objects.requireNonNull(parameters, "parameters");
            parameters.forEach(this::parameter);
            return this;
        }

        /**
         * Where the changelog and the files it refers to are found, as Liquibase's {@code searchPath}: directories
         * or jar/zip files, each of which must exist. Default: the class path (of {@link #classLoader}).
         */
        public Builder searchPath(String... paths) {
            Objects.requireNonNull(paths, "paths");
            if (paths.length == 0) {
                throw new ConfigurationException("searchPath() needs at least one directory or jar, e.g. "
                        + "searchPath(\"src/main/resources\")");
            }
            for (String path : paths) {
                text("search path entry", path, "give a directory or jar file");
                if (!path.contains(":/") && !exists(path)) {
                    throw new ConfigurationException("Search path entry " + path + " does not exist (looked in "
                            + Path.of("").toAbsolutePath() + "): give an existing directory or jar file");
                }
                searchPath.add(path);
            }
            return this;
        }

        /** The class loader for the class path resources and custom Java changes. Default: the thread's. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /** The schema the changesets' objects go to when they name none (Liquibase's {@code defaultSchemaName}). */
        public Builder defaultSchema(String schema) {
            this.defaultSchema = text("defaultSchema", schema, "e.g. defaultSchema(\"shop\")");
            return this;
        }

        /** The schema of DATABASECHANGELOG and DATABASECHANGELOGLOCK (Liquibase's {@code liquibaseSchemaName}). */
        public Builder liquibaseSchema(String schema) {
            this.liquibaseSchema = text("liquibaseSchema", schema, "e.g. liquibaseSchema(\"liquibase\")");
            return this;
        }

        /** The history table's name. Default: Liquibase's ({@code DATABASECHANGELOG}). */
        public Builder changelogTable(String table) {
            this.changelogTable = text("changelogTable", table, "e.g. changelogTable(\"databasechangelog\")");
            return this;
        }

        /** The lock table's name. Default: Liquibase's ({@code DATABASECHANGELOGLOCK}). */
        public Builder changelogLockTable(String table) {
            this.changelogLockTable = text("changelogLockTable", table,
                    "e.g. changelogLockTable(\"databasechangeloglock\")");
            return this;
        }

        /**
         * One of Liquibase's global settings that has no method here, by Liquibase's name, e.g.
         * {@code setting("duplicateFileMode", "WARN")} or {@code setting("liquibase.changelogLockWaitTimeInMinutes",
         * "10")}. It applies to this engine's operations only (not to the JVM's other Liquibase users) and wins over
         * Liquibase's {@code LIQUIBASE_*} environment variables and system properties.
         */
        public Builder setting(String name, String value) {
            text("setting name", name, "e.g. setting(\"duplicateFileMode\", \"WARN\")");
            if (value == null) {
                throw new ConfigurationException("setting(\"" + name + "\", null): give a value");
            }
            LiquibaseConfiguration configuration = Scope.getCurrentScope().getSingleton(LiquibaseConfiguration.class);
            ConfigurationDefinition<?> definition = configuration.getRegisteredDefinition(name);
            if (definition == null && !name.startsWith("liquibase.")) {
                definition = configuration.getRegisteredDefinition("liquibase." + name);
            }
            if (definition == null) {
                throw new ConfigurationException("Liquibase has no setting '" + name + "': give one of its global "
                        + "settings (https://docs.liquibase.com/parameters), e.g. duplicateFileMode");
            }
            settings.put(definition.getKey(), value);
            return this;
        }

        /**
         * Also tells this listener about the changesets, on the branch and on the target (as Liquibase's
         * {@code changeExecListener} would be told).
         */
        public Builder listener(ChangeExecListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Checks the configuration and returns the immutable engine. */
        public LiquibaseEngine load() {
            if (changelog == null) {
                throw new ConfigurationException("No changelog configured: call changelog(...) with the root "
                        + "changelog, e.g. changelog(\"db/changelog/db.changelog-master.yaml\")");
            }
            return new LiquibaseEngine(this);
        }

        private static boolean exists(String path) {
            try {
                return Files.exists(Path.of(path));
            } catch (InvalidPathException e) {
                return false;
            }
        }

        private static String text(String what, String value, String example) {
            if (value == null || value.isBlank()) {
                throw new ConfigurationException(what + " must not be " + (value == null ? "null" : "blank") + ": "
                        + example);
            }
            return value;
        }
    }
}
