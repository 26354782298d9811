package dev.rehearsal.maven;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.Policy;
import dev.rehearsal.check.SqlAssertions;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.flyway.FlywaySettings;
import dev.rehearsal.liquibase.LiquibaseEngine;
import dev.rehearsal.liquibase.LiquibaseSettings;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;

/**
 * What {@code rehearse} and {@code migrate} share: the migrations (Flyway or Liquibase, configured as their own
 * Maven plugins are), the policy, the reports and the verdict, which fails the build unless it is a success.
 */
abstract class AbstractRunMojo extends AbstractRehearsalMojo {
    /** The settings.xml server read for {@code <productionUrl>} when {@code <productionServerId>} is not set. */
    static final String PRODUCTION_SERVER_ID = "rehearsal-production";
    /** The environment variable read for the production source's password (as the CLI reads it). */
    static final String PRODUCTION_PASSWORD_VARIABLE = "REHEARSAL_PRODUCTION_PASSWORD";

    /** Where Flyway migrations are found when nothing says otherwise, as flyway-maven-plugin users keep them. */
    static final String DEFAULT_LOCATION = "filesystem:src/main/resources/db/migration";

    /**
     * Flyway locations, e.g. {@code filesystem:src/main/resources/db/migration} (the default) or
     * {@code classpath:db/migration} (the project's resources, classes and runtime dependencies). Relative
     * {@code filesystem:} paths are resolved against the project's directory.
     */
    @Parameter(property = "rehearsal.locations")
    List<String> locations;

    /** Flyway's {@code schemas}: the schemas Flyway manages; the first holds its history table. */
    @Parameter(property = "rehearsal.schemas")
    List<String> schemas;

    /**
     * The schema objects go to when migrations name none (Flyway's {@code defaultSchema}, Liquibase's
     * {@code defaultSchemaName}).
     */
    @Parameter(property = "rehearsal.defaultSchema")
    String defaultSchema;

    /** Flyway's history table. Default: Flyway's ({@code flyway_schema_history}). */
    @Parameter(property = "rehearsal.table")
    String table;

    /**
     * Flyway placeholders, e.g. {@code <placeholders><owner>app</owner></placeholders>}. POM (or flyway.toml, or
     * {@code FLYWAY_PLACEHOLDERS_OWNER}) only: a map has no {@code -D} property.
     */
    @Parameter
    Map<String, String> placeholders;

    /** Flyway's {@code target}: the last version to migrate to; a rehearsal never goes beyond what it rehearsed. */
    @Parameter(property = "rehearsal.target")
    String target;

    /** Flyway's {@code outOfOrder}: apply migrations older than the newest applied one. */
    @Parameter(property = "rehearsal.outOfOrder")
    Boolean outOfOrder;

    /**
     * Flyway's {@code ignoreMigrationPatterns}: what its validation ignores, e.g. {@code *:missing} for an applied
     * migration whose file is gone (Flyway's default {@code *:future}).
     */
    @Parameter(property = "rehearsal.ignoreMigrationPatterns")
    List<String> ignoreMigrationPatterns;

    /** Flyway's {@code validateOnMigrate}: validate the applied migrations against the local ones (default true). */
    @Parameter(property = "rehearsal.validateOnMigrate")
    Boolean validateOnMigrate;

    /** Flyway's {@code validateMigrationNaming}: fail on files whose names are not migrations (default false). */
    @Parameter(property = "rehearsal.validateMigrationNaming")
    Boolean validateMigrationNaming;

    /** Flyway's {@code baselineOnMigrate}: start the history on a schema that has objects but no history table. */
    @Parameter(property = "rehearsal.baselineOnMigrate")
    Boolean baselineOnMigrate;

    /** Flyway's {@code baselineVersion}: the version such a baseline records (default 1). */
    @Parameter(property = "rehearsal.baselineVersion")
    String baselineVersion;

    /** Flyway's {@code baselineDescription}. */
    @Parameter(property = "rehearsal.baselineDescription")
    String baselineDescription;

    /** Flyway's {@code group}: apply all pending migrations in one transaction. */
    @Parameter(property = "rehearsal.group")
    Boolean group;

    /** Flyway's {@code mixed}: allow transactional and non-transactional statements in one migration. */
    @Parameter(property = "rehearsal.mixed")
    Boolean mixed;

    /** Flyway's {@code encoding} of SQL migrations (default UTF-8). */
    @Parameter(property = "rehearsal.encoding")
    String encoding;

    /** Flyway's {@code sqlMigrationPrefix} (default {@code V}). */
    @Parameter(property = "rehearsal.sqlMigrationPrefix")
    String sqlMigrationPrefix;

    /** Flyway's {@code repeatableSqlMigrationPrefix} (default {@code R}). */
    @Parameter(property = "rehearsal.repeatableSqlMigrationPrefix")
    String repeatableSqlMigrationPrefix;

    /** Flyway's {@code sqlMigrationSeparator} (default {@code __}). */
    @Parameter(property = "rehearsal.sqlMigrationSeparator")
    String sqlMigrationSeparator;

    /** Flyway's {@code sqlMigrationSuffixes} (default {@code .sql}). */
    @Parameter(property = "rehearsal.sqlMigrationSuffixes")
    List<String> sqlMigrationSuffixes;

    /** Flyway's {@code callbacks}: Java callbacks of the project (class names, or packages of them). */
    @Parameter(property = "rehearsal.callbacks")
    List<String> callbacks;

    /** Flyway's {@code skipDefaultCallbacks}: ignore SQL callbacks ({@code beforeMigrate.sql} ...). */
    @Parameter(property = "rehearsal.skipDefaultCallbacks")
    Boolean skipDefaultCallbacks;

    /** Flyway's {@code placeholderReplacement} (default true). */
    @Parameter(property = "rehearsal.placeholderReplacement")
    Boolean placeholderReplacement;

    /** Flyway's {@code placeholderPrefix} (default <code>${</code>). */
    @Parameter(property = "rehearsal.placeholderPrefix")
    String placeholderPrefix;

    /** Flyway's {@code placeholderSuffix} (default <code>}</code>). */
    @Parameter(property = "rehearsal.placeholderSuffix")
    String placeholderSuffix;

    /** Flyway's {@code placeholderSeparator} (default {@code :}). */
    @Parameter(property = "rehearsal.placeholderSeparator")
    String placeholderSeparator;

    /** Flyway's {@code installedBy}: the user the history records (default: the database user). */
    @Parameter(property = "rehearsal.installedBy")
    String installedBy;

    /** Flyway's {@code createSchemas}: create the schemas Flyway manages when missing (default true). */
    @Parameter(property = "rehearsal.createSchemas")
    Boolean createSchemas;

    /**
     * A Liquibase root changelog, as the application names it, e.g. {@code db/changelog/db.changelog-master.yaml};
     * found in the project's resource directories, then its directory. Setting it (here or in
     * {@code <propertyFile>}) selects Liquibase.
     */
    @Parameter(property = "rehearsal.changeLogFile")
    String changeLogFile;

    /** Liquibase contexts, e.g. {@code prod}. */
    @Parameter(property = "rehearsal.contexts")
    String contexts;

    /** Liquibase labels, e.g. {@code !experimental}. */
    @Parameter(property = "rehearsal.labels")
    String labels;

    /**
     * Where Liquibase finds the changelog and the files it includes: directories and jars, e.g.
     * {@code <searchPath><path>src/main/resources</path><path>shared-changelogs</path></searchPath>}, relative to the
     * project's directory. Default: the project's resource directories, then its directory.
     */
    @Parameter(property = "rehearsal.searchPath")
    List<String> searchPath;

    /** Liquibase's default schema. Default: {@code <defaultSchema>}, else Liquibase's. */
    @Parameter(property = "rehearsal.defaultSchemaName")
    String defaultSchemaName;

    /** The schema of Liquibase's DATABASECHANGELOG and DATABASECHANGELOGLOCK. */
    @Parameter(property = "rehearsal.liquibaseSchemaName")
    String liquibaseSchemaName;

    /** Liquibase's history table. Default: Liquibase's ({@code DATABASECHANGELOG}). */
    @Parameter(property = "rehearsal.databaseChangeLogTableName")
    String databaseChangeLogTableName;

    /** Liquibase's lock table. Default: Liquibase's ({@code DATABASECHANGELOGLOCK}). */
    @Parameter(property = "rehearsal.databaseChangeLogLockTableName")
    String databaseChangeLogLockTableName;

    /**
     * Liquibase changelog parameters ({@code ${name}} in changelogs). POM (or liquibase.properties) only: a map has
     * no {@code -D} property.
     */
    @Parameter
    Map<String, String> changelogParameters;

    /**
     * Where {@code report.json}, {@code report.md} (for a pull-request comment) and {@code report.html} (one
     * self-contained page to open in a browser) are written.
     */
    @Parameter(property = "rehearsal.reportDirectory", defaultValue = "${project.build.directory}/rehearsal")
    File reportDirectory;

    /**
     * Severities of kinds of finding: {@code blocking}, {@code warning}, {@code info} or {@code ignore}, e.g.
     * {@code <severities><rows-deleted>blocking</rows-deleted></severities>}. POM only: a map has no {@code -D}
     * property.
     */
    @Parameter
    Map<String, String> severities;

    /** A table has data from this many rows on; locks on smaller tables are not findings (default 1). */
    @Parameter(property = "rehearsal.minRows")
    String minRows;

    /** A lock that blocks reads or writes of a table with data is a finding when held this long, e.g. {@code 200ms}. */
    @Parameter(property = "rehearsal.lockThreshold")
    String lockThreshold;

    /** Such a lock is a finding however short when its statement scanned or rewrote this many rows (100000). */
    @Parameter(property = "rehearsal.rowsUnderLock")
    String rowsUnderLock;

    /** One transaction writing this many rows is a large backfill (default 100000). */
    @Parameter(property = "rehearsal.backfillRows")
    String backfillRows;

    /**
     * A migration deleting this share of a table with data, or {@code backfillRows} of its rows, loses data: e.g.
     * {@code 0.1} or {@code 10%} (default 0.05).
     */
    @Parameter(property = "rehearsal.deleteFraction")
    String deleteFraction;

    /** A directory of SQL assertions ({@code *.sql}), each run on the migrated branch; rows returned are findings. */
    @Parameter(property = "rehearsal.assertions")
    File assertions;

    /** {@code lock_timeout} of each migration on the target during promotion, e.g. {@code 5s} (the default). */
    @Parameter(property = "rehearsal.lockTimeout")
    String lockTimeout;

    /** How often a migration that timed out waiting for a lock is retried during promotion (default 5). */
    @Parameter(property = "rehearsal.lockRetries")
    Integer lockRetries;

    /** {@code statement_timeout} of each statement on the target during promotion, e.g. {@code 10m}. */
    @Parameter(property = "rehearsal.statementTimeout")
    String statementTimeout;

    /** Keep the branch of a failed run this long to look into it, e.g. {@code 8h}. Default: dropped at once. */
    @Parameter(property = "rehearsal.keepFailedBranch")
    String keepFailedBranch;

    /** How long to wait for another runner of the same target, e.g. {@code 0s}. Default 15 minutes. */
    @Parameter(property = "rehearsal.waitForOtherRunners")
    String waitForOtherRunners;

    /** The wait before promotion's first retry after a lock timeout, e.g. {@code 2s} (the default); it doubles. */
    @Parameter(property = "rehearsal.retryBackoff")
    String retryBackoff;

    /** How long a branch left behind (a killed build) lives before the next run drops it. Default 6 hours. */
    @Parameter(property = "rehearsal.branchExpiry")
    String branchExpiry;

    /** The database of the target's server where runners take turns. Default {@code postgres}. */
    @Parameter(property = "rehearsal.lockDatabase")
    String lockDatabase;

    /**
     * Judge the findings by production's table sizes in this statistics file (JSON, as {@code rehearsal stats}
     * writes it), so that a rehearsal on a small or empty database shows production's severities.
     */
    @Parameter(property = "rehearsal.productionSizes")
    File productionSizes;

    /**
     * Plan the queries the target's {@code pg_stat_statements} shows on the branch before and after the migrations
     * ({@code EXPLAIN} only, never run): one that no longer plans blocks, one whose plan lost an index warns. Skipped,
     * said at INFO, where the extension is not created in the target database. Default true.
     */
    @Parameter(property = "rehearsal.runningQueries", defaultValue = "true")
    boolean runningQueries = true;

    /**
     * Check these queries too: SQL statements, a PostgreSQL log with statements logged, or {@code pg_stat_statements}
     * exported as JSON ({@code [{"query": ..., "calls": ...}]}).
     */
    @Parameter(property = "rehearsal.queriesFile")
    File queriesFile;

    /**
     * Or read production's table sizes from this database's catalog (production, or a read-only replica of it), once
     * per run, in a read-only transaction. User and password from the settings.xml server
     * {@code <productionServerId>} (default {@code rehearsal-production}), else the password from the environment
     * variable {@code REHEARSAL_PRODUCTION_PASSWORD}.
     */
    @Parameter(property = "rehearsal.productionUrl")
    String productionUrl;

    /** The id of the settings.xml {@code <server>} holding the user and password of {@code <productionUrl>}. */
    @Parameter(property = "rehearsal.productionServerId")
    String productionServerId;

    /** Runs the rehearsal this goal stands for. */
    abstract Outcome execute(Rehearsal rehearsal);

    /** The production source of {@code <productionUrl>}, with the credentials of its settings.xml server. */
    private DatabaseLocation production() {
        requireNoPasswordFromCommandLine("<productionUrl>", productionUrl, "<productionServerId>, default '"
                + PRODUCTION_SERVER_ID + "'", PRODUCTION_PASSWORD_VARIABLE);
        Server server = server(productionServerId, PRODUCTION_SERVER_ID, "productionServerId");
        String password = server != null && server.getPassword() != null ? server.getPassword()
                : first(System.getenv(PRODUCTION_PASSWORD_VARIABLE));
        try {
            return DatabaseLocation.of(productionUrl.trim(), server == null ? null : server.getUsername(), password);
        } catch (ConfigurationException e) {
            throw new ConfigurationException(Setting.PRODUCTION_URL.spelled() + ": " + e.getMessage(), e);
        }
    }

    /** Whether a blocked verdict fails the build (only {@code rehearse} can make it a warning). */
    boolean failOnFindings() {
        return true;
    }

    @Override
    final void run() throws MojoExecutionException, MojoFailureException {
        Path json = reportDirectory.toPath().resolve("report.json");
        Path markdown = reportDirectory.toPath().resolve("report.md");
        Path html = reportDirectory.toPath().resolve("report.html");
        Reports.requireWritable(json, "<reportDirectory>");
        Reports.requireWritable(markdown, "<reportDirectory>");
        Reports.requireWritable(html, "<reportDirectory>");
        try (URLClassLoader classes = projectClassLoader()) {
            Rehearsal.Builder builder = Rehearsal.configure().target(target()).engine(engine(classes))
                    .branchProvider(provider()).reportTo(json).markdownReportTo(markdown)
                    .htmlReportTo(html);
            Policy policy = policy();
            if (policy != null) {
                builder.policy(policy);
            }
            if (assertions != null) {
                builder.check(SqlAssertions.fromDirectory(resolve(assertions)));
            }
            if (lockRetries != null) {
                builder.lockRetries(lockRetries);
            }
            builder.set(Setting.LOCK_TIMEOUT, lockTimeout).set(Setting.STATEMENT_TIMEOUT, statementTimeout).set(Setting.KEEP_FAILED_BRANCH, keepFailedBranch)
                    .set(Setting.WAIT_FOR_OTHER_RUNNERS, waitForOtherRunners).set(Setting.RETRY_BACKOFF, retryBackoff)
                    .set(Setting.BRANCH_EXPIRY, branchExpiry).set(Setting.LOCK_DATABASE, lockDatabase);
            if (productionSizes != null) {
                builder.productionSizes(resolve(productionSizes));
            }
            if (productionUrl != null) {
                builder.productionSizesFrom(production());
            }
            builder.runningQueries(runningQueries);
            if (queriesFile != null) {
                builder.runningQueriesFrom(resolve(queriesFile));
            }
            report(execute(builder.load()));
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot close the project's class loader: " + e.getMessage(), e);
        }
    }

    /** The summary itself is logged by the run (through SLF4J, which Maven prints); this adds the build's verdict. */
    private void report(Outcome outcome) throws MojoFailureException {
        if (outcome.reportFailures().isEmpty()) {
            getLog().info("Rehearsal reports: " + reportDirectory.toPath().resolve("report.json") + ", "
                    + reportDirectory.toPath().resolve("report.md") + ", "
                    + reportDirectory.toPath().resolve("report.html"));
        } else {
            // logged at ERROR by the run already; the build's result is still the verdict's
            getLog().warn("Rehearsal " + outcome.verdict() + ", but " + outcome.reportFailures().size()
                    + " report(s) were not written: the verdict, not the reports, decides the build");
        }
        if (outcome.verdict().isSuccess()) {
            return;
        }
        if (outcome.verdict() == Verdict.BLOCKED && !failOnFindings()) {
            getLog().warn("Rehearsal BLOCKED, but failOnFindings is false: the build goes on");
            return;
        }
        StringJoiner message = new StringJoiner("\n  ", "Rehearsal " + outcome.verdict() + ":\n  ", "");
        outcome.reasons().forEach(message::add);
        throw new MojoFailureException(message(new IllegalStateException(message.toString())));
    }

    /**
     * The engine: Liquibase when a changelog is configured (by the plugin, its {@code <propertyFile>}, or, when
     * nothing asks for Flyway, {@code LIQUIBASE_COMMAND_CHANGELOG_FILE}), else Flyway.
     */
    final MigrationEngine engine(ClassLoader classes) {
        LiquibaseSettings liquibase = liquibaseSettings();
        String changelog = first(changeLogFile, liquibase.changelogFile());
        boolean liquibaseAsked = changeLogFile != null || propertyFile != null;
        boolean flywayAsked = locations != null && !locations.isEmpty() || configFiles != null
                && !configFiles.isEmpty();
        if (changelog != null && liquibaseAsked && flywayAsked) {
            throw new ConfigurationException("Both Flyway (<locations>/<configFiles>) and Liquibase "
                    + "(<changeLogFile>/<propertyFile>) are configured: keep the one the project uses");
        }
        return changelog != null && (liquibaseAsked || !flywayAsked) ? liquibase(liquibase, classes)
                : flyway(classes);
    }

    /**
     * Flyway's settings as flyway-maven-plugin takes them: the configuration files, then the POM, then the
     * {@code FLYWAY_*} environment variables, then Maven's command line ({@code -Drehearsal.outOfOrder=true}).
     */
    private MigrationEngine flyway(ClassLoader classes) {
        FlywaySettings.Builder settings = flywaySettings().defaultLocations(DEFAULT_LOCATION);
        flywayParameters().forEach((name, value) -> {
            if (session != null && session.getUserProperties().containsKey("rehearsal." + name)) {
                settings.commandLine(name, value);
            } else {
                settings.configured(name, value);
            }
        });
        if (placeholders != null) {
            placeholders.forEach((name, value) -> settings.configured("placeholders." + name,
                    value == null ? "" : value));
        }
        FlywaySettings loaded = settings.load();
        getLog().debug("Rehearsal: " + loaded);
        return loaded.engine(classes);
    }

    /** The plugin's Flyway parameters by Flyway's names, as Flyway reads them (lists comma-separated). */
    private Map<String, String> flywayParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("locations", joined(locations));
        parameters.put("schemas", joined(schemas));
        parameters.put("defaultSchema", defaultSchema);
        parameters.put("table", table);
        parameters.put("target", target);
        parameters.put("outOfOrder", text(outOfOrder));
        parameters.put("ignoreMigrationPatterns", joined(ignoreMigrationPatterns));
        parameters.put("validateOnMigrate", text(validateOnMigrate));
        parameters.put("validateMigrationNaming", text(validateMigrationNaming));
        parameters.put("baselineOnMigrate", text(baselineOnMigrate));
        parameters.put("baselineVersion", baselineVersion);
        parameters.put("baselineDescription", baselineDescription);
        parameters.put("group", text(group));
        parameters.put("mixed", text(mixed));
        parameters.put("encoding", encoding);
        parameters.put("sqlMigrationPrefix", sqlMigrationPrefix);
        parameters.put("repeatableSqlMigrationPrefix", repeatableSqlMigrationPrefix);
        parameters.put("sqlMigrationSeparator", sqlMigrationSeparator);
        parameters.put("sqlMigrationSuffixes", joined(sqlMigrationSuffixes));
        parameters.put("callbacks", joined(callbacks));
        parameters.put("skipDefaultCallbacks", text(skipDefaultCallbacks));
        parameters.put("placeholderReplacement", text(placeholderReplacement));
        parameters.put("placeholderPrefix", placeholderPrefix);
        parameters.put("placeholderSuffix", placeholderSuffix);
        parameters.put("placeholderSeparator", placeholderSeparator);
        parameters.put("installedBy", installedBy);
        parameters.put("createSchemas", text(createSchemas));
        return parameters;
    }

    private static String joined(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    private static String text(Boolean value) {
        return value == null ? null : value.toString();
    }

    /**
     * Liquibase, configured as liquibase-maven-plugin is: the plugin's parameters (or their {@code -D} properties)
     * win over Liquibase's {@code LIQUIBASE_*} variables, which win over the {@code <propertyFile>}.
     */
    private MigrationEngine liquibase(LiquibaseSettings file, ClassLoader classes) {
        LiquibaseSettings settings = file.with(LiquibaseSettings.CHANGELOG_FILE, changeLogFile)
                .with(LiquibaseSettings.CONTEXTS, contexts)
                .with(LiquibaseSettings.LABELS, labels)
                .with(LiquibaseSettings.SEARCH_PATH, searchPath == null || searchPath.isEmpty() ? null
                        : String.join(",", searchPath))
                .with(LiquibaseSettings.DEFAULT_SCHEMA_NAME, first(defaultSchemaName, defaultSchema))
                .with(LiquibaseSettings.LIQUIBASE_SCHEMA_NAME, liquibaseSchemaName)
                .with(LiquibaseSettings.DATABASE_CHANGELOG_TABLE_NAME, databaseChangeLogTableName)
                .with(LiquibaseSettings.DATABASE_CHANGELOG_LOCK_TABLE_NAME, databaseChangeLogLockTableName)
                .withParameters(changelogParameters == null ? Map.of() : changelogParameters);
        LiquibaseEngine.Builder builder = settings.configure(LiquibaseEngine.configure()).classLoader(classes);
        if (settings.searchPath().isEmpty()) {
            List<String> defaults = new ArrayList<>(resourceDirectories());
            defaults.add(project.getBasedir().getAbsolutePath());
            builder.searchPath(defaults.toArray(String[]::new));
        }
        return builder.load();
    }

    private Policy policy() {
        Policy.Builder policy = Policy.builder();
        if (severities != null) {
            severities.forEach((kind, severity) -> {
                String value = severity == null ? "" : severity.trim().toUpperCase(Locale.ROOT);
                switch (value) {
                    case "IGNORE" -> policy.ignore(kind);
                    case "BLOCKING", "WARNING", "INFO" -> policy.severity(kind, Severity.valueOf(value));
                    default -> throw new ConfigurationException("<severities><" + kind + ">" + severity + "</" + kind
                            + "> is not a severity: use blocking, warning, info or ignore");
                }
            });
        }
        return policy.set(Policy.MIN_ROWS, minRows).set(Policy.LOCK_THRESHOLD, lockThreshold)
                .set(Policy.ROWS_UNDER_LOCK, rowsUnderLock).set(Policy.BACKFILL_ROWS, backfillRows)
                .set(Policy.DELETE_FRACTION, deleteFraction).build();
    }

    /** The project's resource directories that exist, absolute. */
    private List<String> resourceDirectories() {
        List<String> directories = new ArrayList<>();
        for (Resource resource : project.getResources()) {
            Path directory = resolve(new File(resource.getDirectory()));
            if (Files.isDirectory(directory)) {
                directories.add(directory.toString());
            }
        }
        return directories;
    }

    /**
     * The project's resources, classes and runtime dependencies, for {@code classpath:} locations, Java migrations
     * and Liquibase's class path resources. Resources come first: the goals may run before they are copied.
     */
    private URLClassLoader projectClassLoader() throws MojoExecutionException {
        Set<String> elements = new LinkedHashSet<>(resourceDirectories());
        try {
            elements.addAll(project.getRuntimeClasspathElements());
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("Cannot resolve the project's runtime class path: " + e.getMessage(), e);
        }
        List<URL> urls = new ArrayList<>();
        for (String element : elements) {
            File file = new File(element);
            if (file.exists()) {
                try {
                    urls.add(file.toURI().toURL());
                } catch (MalformedURLException e) {
                    throw new MojoExecutionException("Not a class path element: " + element, e);
                }
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), getClass().getClassLoader());
    }
}
