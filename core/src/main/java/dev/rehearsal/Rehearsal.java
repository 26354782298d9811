package dev.rehearsal;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.check.Check;
import dev.rehearsal.check.EntityModelCheck;
import dev.rehearsal.check.Policy;
import dev.rehearsal.check.ProductionSizes;
import dev.rehearsal.check.RunningQueries;
import dev.rehearsal.check.SqlAssertions;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.internal.Durations;
import dev.rehearsal.internal.Ranges;
import dev.rehearsal.internal.pipeline.Run;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.Promotion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Rehearses pending migrations on a branch of the target database, checks the evidence, then promotes them to the
 * target or discards the branch. Configure once, run as often as needed; a {@code Rehearsal} is immutable and
 * thread-safe.
 *
 * <pre>{@code
 * Outcome outcome = Rehearsal.configure()
 *         .target("jdbc:postgresql://db:5432/shop", "app", password)
 *         .engine(FlywayEngine.of(Flyway.configure().locations("classpath:db/migration")))
 *         .reportTo(Path.of("target/rehearsal/report.json"))
 *         .load()
 *         .run()        // rehearse, then promote if nothing blocks
 *         .orThrow();   // fail start-up unless the target is migrated
 * }</pre>
 *
 * <p>What a run does: reads the migrations pending on the target (none: done, no branch); makes a branch of the
 * target; applies the pending migrations to the branch, tracing every statement; runs the checks; drops the branch
 * (or keeps it, on failure, when asked); and, for {@link #run()} when nothing failed or blocked, applies exactly the
 * same migrations to the target. The target is changed only by that last step.
 */
public final class Rehearsal {
    /** The longest a failed branch may be kept. */
    public static final Duration MAX_KEEP = Duration.ofDays(30);

    private final Run.Settings settings;

    private Rehearsal(Builder builder) {
        List<Check> all = new ArrayList<>(Check.builtIn());
        all.addAll(builder.checks);
        this.settings = new Run.Settings(builder.target, builder.engine, builder.branchProvider, all, builder.policy,
                builder.dataFacts, builder.keepFailedBranch, builder.branchExpiry, builder.report,
                builder.markdownReport, builder.htmlReport, builder.waitForOtherRunners, builder.lockDatabase, builder.lockTimeout,
                builder.lockRetries, builder.retryBackoff, builder.statementTimeout, builder.reapOrphans,
                builder.productionSizesFile, builder.productionSource,
                new RunningQueries.Sources(builder.runningQueries, builder.queryFiles));
    }

    /** Starts a configuration. */
    public static Builder configure() {
        return new Builder();
    }

    /**
     * Rehearses the pending migrations and, when they pass, applies them to the target.
     *
     * @return the outcome; failures of the migrations themselves are verdicts, not exceptions
     * @throws BranchException   when no branch could be made (e.g. the target is in use); nothing changed
     * @throws DatabaseException when the target cannot be reached
     * @throws ConfigurationException when a report ({@link Builder#reportTo(Path)}) cannot be written; nothing done
     */
    public Outcome run() {
        return new Run(settings, true).execute();
    }

    /** Rehearses the pending migrations on a branch and discards it; never changes the target. */
    public Outcome rehearse() {
        return new Run(settings, false).execute();
    }

    /**
     * Drops the branches this configuration's branch provider left behind on the target's server: those past their
     * expiry, and those of runs of this target that were interrupted (the process was killed) — found while holding
     * the target's runner turn, so a branch of a run still going on is never touched; nor is a branch in use (with
     * sessions, or whose run's heartbeat is fresh — a run that lost its turn lives on). Databases the provider did not
     * create are never touched. Every run does this first (see {@link Builder#reapOrphans(boolean)}).
     *
     * @return the names of the branches dropped
     * @throws RehearsalException ({@link ErrorCode#LOCKED}) when another runner keeps the target longer than
     *                            {@link Builder#waitForOtherRunners}
     */
    public List<String> reapOrphans() {
        return Run.reapOrphans(settings);
    }

    /** A mutable, single-use configuration; every setter checks its argument at once. */
    public static final class Builder {
        private DatabaseLocation target;
        private MigrationEngine engine;
        private BranchProvider branchProvider = TemplateBranchProvider.create();
        private final List<Check> checks = new ArrayList<>();
        private Duration keepFailedBranch;
        private Duration branchExpiry = Duration.ofHours(6);
        private Path report;
        private Path markdownReport;
        private Path htmlReport;
        private Policy policy = Policy.defaults();
        private DataFacts dataFacts = DataFacts.defaults();
        private Duration waitForOtherRunners = Duration.ofMinutes(15);
        private String lockDatabase = "postgres";
        private Duration lockTimeout = Duration.ofSeconds(5);
        private int lockRetries = 5;
        private Duration retryBackoff = Duration.ofSeconds(2);
        private Duration statementTimeout;
        private boolean reapOrphans = true;
        private Path productionSizesFile;
        private DatabaseLocation productionSource;
        private boolean runningQueries = true;
        private final List<Path> queryFiles = new ArrayList<>();

        private Builder() {
        }

        /**
         * The database to migrate, by URL. Rehearsal reaches branches on the same server with the same
         * credentials.
         */
        public Builder target(String jdbcUrl, String user, String password) {
            this.target = DatabaseLocation.of(jdbcUrl, user, password);
            return this;
        }

        /** The database to migrate. */
        public Builder target(DatabaseLocation location) {
            this.target = Objects.requireNonNull(location, "location");
            return this;
        }

        /**
         * The database to migrate, as the application's DataSource (HikariCP, pgjdbc, Spring, Flyway's own...).
         * Rehearsal reads its URL and credentials and opens its own, unpooled connections; it does not take
         * connections from the DataSource, so a pool that has not started stays unstarted.
         */
        public Builder target(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            this.target = DatabaseLocation.of(dataSource);
            return this;
        }

        /** The migration tool, e.g. {@code FlywayEngine.of(flywayConfiguration)}. */
        public Builder engine(MigrationEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /** How branches are made. Default: {@link TemplateBranchProvider#create()}. */
        public Builder branchProvider(BranchProvider provider) {
            this.branchProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Severities and thresholds of the findings. Default {@link Policy#defaults()}: rewrites, long blocking locks,
         * data loss, invalid indexes and data-dependent failures block; breaking changes, {@code NOT VALID}
         * constraints left behind, deleted rows and large backfills warn.
         */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How row counts and non-null counts are gathered on the branch (before and after the migrations), which
         * needs a scan of each table. Default {@link DataFacts#defaults()}: exact up to 1 GiB per table, estimated
         * above.
         */
        public Builder dataFacts(DataFacts facts) {
            this.dataFacts = Objects.requireNonNull(facts, "facts");
            return this;
        }

        /**
         * Adds a check run on the migrated branch, after the built-in ones ({@link Check#builtIn()}). See
         * {@link SqlAssertions} for checks written as SQL files.
         */
        public Builder check(Check check) {
            this.checks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /** Adds checks run on the migrated branch. */
        public Builder checks(Collection<? extends Check> checks) {
            checks.forEach(this::check);
            return this;
        }

        /**
         * Checks the application's JPA entities against the migrated branch, as the application's next version
         * starts on it during a rolling deploy: a table or column they map that the migrations renamed or dropped, or
         * whose type Hibernate does not accept, blocks ({@link EntityModelCheck}). Needs the application's Hibernate
         * (6.6 or 7.x) on the class path; the mapping is built here, so that a class that is no entity fails now.
         * For Hibernate settings (naming strategies, a default schema) add
         * {@code check(EntityModelCheck.of(...).withProperties(...))} instead.
         */
        public Builder validateEntities(Class<?>... entities) {
            return check(EntityModelCheck.of(entities));
        }

        /**
         * Keeps the branch of a failed or blocked rehearsal for this long, for debugging, instead of dropping it.
         * The outcome gives its name and URL. At most {@link #MAX_KEEP}. Default: failed branches are dropped.
         */
        public Builder keepFailedBranch(Duration keepFor) {
            this.keepFailedBranch = Ranges.duration(Setting.KEEP_FAILED_BRANCH, keepFor, Duration.ofSeconds(1),
                    MAX_KEEP, "e.g. 8h");
            return this;
        }

        /**
         * How long a branch may be left before it counts as an orphan (for instance after the JVM was killed).
         * Branches are dropped at the end of every run; this only bounds how long a leftover lives. Default 6 h.
         */
        public Builder branchExpiry(Duration expiry) {
            this.branchExpiry = Ranges.duration(Setting.BRANCH_EXPIRY, expiry, Duration.ofSeconds(1), MAX_KEEP,
                    "e.g. 6h");
            return this;
        }

        /**
         * Writes the JSON report of every run to this file (directories are created). Default: no file.
         *
         * <p>Every run first checks that the file can be written (its directory made, a file written there) and
         * fails with {@link ErrorCode#CONFIGURATION}, having done nothing, when it cannot. A report that still fails
         * at the end (the disk filled up meanwhile) never hides the verdict: it is logged at ERROR and listed in
         * {@link Outcome#reportFailures()}.
         */
        public Builder reportTo(Path file) {
            this.report = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Writes the Markdown report of every run to this file, e.g. to post as a pull-request comment.
         * Default: no file. Checked before every run, and never hiding the verdict, as {@link #reportTo(Path)}.
         */
        public Builder markdownReportTo(Path file) {
            this.markdownReport = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Writes the HTML report of every run to this file: one self-contained page (no network) with the verdict,
         * the migrations, each finding with its remedy and acknowledgement line, the schema diff and a timeline of
         * the statements with the locks they held. Default: no file. Checked before every run, and never hiding the
         * verdict, as {@link #reportTo(Path)}.
         */
        public Builder htmlReportTo(Path file) {
            this.htmlReport = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Runners of the same target take turns (several application instances starting at once): each waits this
         * long at most for the others, then fails with {@link ErrorCode#LOCKED} having changed nothing. A runner that
         * gets its turn after another promoted finds nothing pending. Default 15 minutes; zero means do not wait.
         */
        public Builder waitForOtherRunners(Duration wait) {
            this.waitForOtherRunners = Ranges.duration(Setting.WAIT_FOR_OTHER_RUNNERS, wait, Duration.ZERO,
                    MAX_KEEP, "e.g. 15m, or 0s not to wait");
            return this;
        }

        /**
         * The database on the target's server where runners take turns (an advisory lock there: the target itself
         * must stay free of sessions to be branched). Default {@code postgres}.
         *
         * <p>The session holding the turn turns off, for itself, the server's timeouts that end idle sessions
         * ({@code idle_session_timeout} and the like, whatever {@code ALTER DATABASE/ROLE ... SET} says) and keeps
         * its connection alive with TCP keepalives. Should the server end it anyway ({@code pg_terminate_backend()},
         * a restart), the run notices before promoting and fails with {@link ErrorCode#LOCKED}, naming the cause,
         * having promoted nothing.
         */
        public Builder lockDatabase(String database) {
            Objects.requireNonNull(database, "database");
            if (database.isBlank()) {
                throw new ConfigurationException(Setting.LOCK_DATABASE.spelled() + " is blank: give a database the "
                        + "role may connect to on the target's server, e.g. " + Setting.LOCK_DATABASE.spelled(
                        "postgres"));
            }
            this.lockDatabase = database;
            return this;
        }

        /**
         * How long each of the target's migration transactions may wait for a lock during promotion
         * ({@code SET LOCAL lock_timeout}). A migration that waits longer — a long transaction of the application
         * holds the table — is rolled back rather than queueing and making every query on that table queue behind
         * it, then retried (see {@link #lockRetries(int)}). Statements run outside a transaction
         * ({@code CREATE INDEX CONCURRENTLY}) block nobody while they wait and get no lock timeout. Default 5 s;
         * zero for none.
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = Ranges.duration(Setting.LOCK_TIMEOUT, timeout, Duration.ZERO, Duration.ofHours(1),
                    "e.g. 5s, or 0s for no lock timeout");
            return this;
        }

        /**
         * How many times promotion tries again after a migration gave way to a lock ({@link #lockTimeout}), waiting
         * {@link #retryBackoff} before the first retry and twice as long before each next one (at most 30 s, with
         * jitter). The outcome's {@link Promotion} says how many it took. Default 5; zero gives up at once.
         */
        public Builder lockRetries(int retries) {
            this.lockRetries = Ranges.number(Setting.LOCK_RETRIES, retries, 0, 100);
            return this;
        }

        /** The wait before the first retry of promotion; it doubles at each retry, up to 30 s. Default 2 s. */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = Ranges.duration(Setting.RETRY_BACKOFF, backoff, Duration.ofMillis(1),
                    Duration.ofMinutes(5), "e.g. 2s");
            return this;
        }

        /**
         * A {@code statement_timeout} for every statement of the promotion, {@code CREATE INDEX CONCURRENTLY}
         * included (one cancelled part-way leaves an invalid index behind, which the next rehearsal reports). Must
         * be longer than the lock timeout. Default: none.
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = Ranges.duration(Setting.STATEMENT_TIMEOUT, timeout, Duration.ofMillis(1),
                    MAX_KEEP, "e.g. 10m; leave it unset for none");
            return this;
        }

        /**
         * Whether each run first drops the orphan branches of its provider ({@link Rehearsal#reapOrphans()}).
         * Default true.
         */
        public Builder reapOrphans(boolean reap) {
            this.reapOrphans = reap;
            return this;
        }

        /**
         * Judges the findings by production's table sizes, read from a statistics file at the start of every run
         * (see {@link ProductionSizes} for its format; {@code rehearsal stats --url <production>} writes one): a
         * table the branch has by the same schema-qualified name counts as many rows as the larger of the branch and
         * production, so that a rehearsal on an empty development database shows production's severities. The
         * findings say both counts and the file. A file that cannot be read or is not such a file fails the run with
         * {@link ErrorCode#CONFIGURATION} before anything is done. Default: the branch's own sizes.
         */
        public Builder productionSizes(Path statisticsFile) {
            this.productionSizesFile = Objects.requireNonNull(statisticsFile, "statisticsFile");
            return this;
        }

        /**
         * Judges the findings by production's table sizes as {@link #productionSizes(Path)}, read from a production
         * database (a read-only replica will do) once per run, before the branch is made: its catalog only
         * ({@code pg_class}, {@code pg_stat_user_tables}, {@code pg_stats}), never a row of its tables, in a
         * read-only transaction. The password is never shown; findings name the URL without it.
         */
        public Builder productionSizesFrom(DatabaseLocation production) {
            this.productionSource = Objects.requireNonNull(production, "production");
            return this;
        }

        /** {@link #productionSizesFrom(DatabaseLocation)} by URL, user and password. */
        public Builder productionSizesFrom(String jdbcUrl, String user, String password) {
            DatabaseLocation production;
            try {
                production = DatabaseLocation.of(jdbcUrl, user, password);
            } catch (ConfigurationException e) {
                // its messages speak of the target's URL: say whose it is
                throw new ConfigurationException(Setting.PRODUCTION_URL.spelled() + ": " + e.getMessage(), e);
            }
            return productionSizesFrom(production);
        }

        /**
         * Whether each run checks the queries the running version of the application runs, as the target's
         * {@code pg_stat_statements} shows them (read before the branch is made: statistics only, never a row): each
         * is planned on the branch before and after the migrations — {@code EXPLAIN} of its generic plan, never run —
         * and one that no longer plans blocks the promotion ({@code broken-query}, naming the query, how often it ran
         * and the migration that broke it); one of the most run whose plan lost an index on a table with data is a
         * warning ({@code plan-regression}). Without the extension in the target database the check is skipped, said
         * at INFO with how to enable it. Default true.
         */
        public Builder runningQueries(boolean check) {
            this.runningQueries = check;
            return this;
        }

        /**
         * Checks these queries as {@link #runningQueries(boolean)} checks {@code pg_stat_statements}'s too: a file of
         * SQL statements, a PostgreSQL server log with its statements logged, or {@code pg_stat_statements} exported
         * as JSON (see {@link RunningQueries}). Read at the start of every run; a file that cannot be read or holds no
         * query fails the run with {@link ErrorCode#CONFIGURATION} before anything is done. May be given more than once.
         */
        public Builder runningQueriesFrom(Path file) {
            this.queryFiles.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * Sets one of Rehearsal's settings from text, as front ends take them ({@code --lock-timeout 5s},
         * {@code <lockTimeout>5s</lockTimeout>}, {@code rehearsal.lock-timeout=5s}): durations are written as
         * {@link Durations} reads them. A null value leaves the setting as it is.
         *
         * @throws ConfigurationException for a value that is not one of the setting's, naming the setting as the
         *                                front end in use spells it
         * @throws IllegalArgumentException for a setting that is not set from text
         */
        public Builder set(Setting setting, String value) {
            if (value == null) {
                return this;
            }
            if (setting.equals(Setting.LOCK_TIMEOUT)) {
                return lockTimeout(Durations.parse(value, setting));
            } else if (setting.equals(Setting.LOCK_RETRIES)) {
                return lockRetries(wholeNumber(setting, value));
            } else if (setting.equals(Setting.RETRY_BACKOFF)) {
                return retryBackoff(Durations.parse(value, setting));
            } else if (setting.equals(Setting.STATEMENT_TIMEOUT)) {
                return statementTimeout(Durations.parse(value, setting));
            } else if (setting.equals(Setting.KEEP_FAILED_BRANCH)) {
                return keepFailedBranch(Durations.parse(value, setting));
            } else if (setting.equals(Setting.BRANCH_EXPIRY)) {
                return branchExpiry(Durations.parse(value, setting));
            } else if (setting.equals(Setting.WAIT_FOR_OTHER_RUNNERS)) {
                return waitForOtherRunners(Durations.parse(value, setting));
            } else if (setting.equals(Setting.LOCK_DATABASE)) {
                return lockDatabase(value);
            }
            throw new IllegalArgumentException(setting + " is not set from text");
        }

        private static int wholeNumber(Setting setting, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new ConfigurationException(setting.spelled(value) + " is not a whole number");
            }
        }

        /** Checks the configuration and returns the immutable runner. */
        public Rehearsal load() {
            if (target == null) {
                throw new ConfigurationException("No target configured: give the database to migrate with "
                        + Setting.TARGET.spelled());
            }
            if (engine == null) {
                throw new ConfigurationException("No migration engine configured: give the migrations with "
                        + Setting.ENGINE.spelled() + ", e.g. engine(FlywayEngine.of(flywayConfiguration)) from "
                        + "rehearsal-flyway");
            }
            if (statementTimeout != null && !lockTimeout.isZero() && statementTimeout.compareTo(lockTimeout) <= 0) {
                throw new ConfigurationException(Setting.STATEMENT_TIMEOUT.spelled(Durations.format(
                        statementTimeout)) + " must be longer than " + Setting.LOCK_TIMEOUT.spelled(Durations.format(
                        lockTimeout)) + ": otherwise a statement waiting for a lock is cancelled "
                        + "as too slow instead of retried. Raise the statement timeout or lower the lock timeout");
            }
            if (lockDatabase.equals(target.database())) {
                throw new ConfigurationException(Setting.LOCK_DATABASE.spelled(lockDatabase) + " is the target "
                        + "database "
                        + "itself: runners would sit in the target while it is being copied, and copying needs it "
                        + "free of sessions. Use another database of the same server, e.g. "
                        + Setting.LOCK_DATABASE.spelled("postgres"));
            }
            if (productionSizesFile != null && productionSource != null) {
                throw new ConfigurationException("Production sizes are given twice, by "
                        + Setting.PRODUCTION_SIZES.spelled(productionSizesFile.toString()) + " and by "
                        + Setting.PRODUCTION_URL.spelled() + ": give one of them");
            }
            branchProvider.validate(target);
            branchProvider.validateExpiry(Setting.BRANCH_EXPIRY, branchExpiry);
            if (keepFailedBranch != null) {
                branchProvider.validateExpiry(Setting.KEEP_FAILED_BRANCH, keepFailedBranch);
            }
            return new Rehearsal(this);
        }
    }
}
