package dev.rehearsal.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code rehearsal.*} properties: how the migrations Spring Boot runs at start-up are rehearsed. Durations are
 * written as the CLI and the Maven plugin take them: {@code 500ms}, {@code 5s}, {@code 10m}, {@code 8h}, {@code 7d}.
 *
 * <pre>
 * rehearsal.lock-timeout=2s
 * rehearsal.keep-failed-branch=8h
 * rehearsal.severities.rows-deleted=blocking
 * rehearsal.report.json=build/rehearsal/report.json
 * </pre>
 */
@ConfigurationProperties("rehearsal")
public class RehearsalProperties {
    /**
     * Whether the migrations Spring Boot runs at start-up (Flyway's, Liquibase's) are rehearsed on a branch of the
     * database first. Off: Boot migrates as it would without Rehearsal.
     */
    private boolean enabled = true;

    /**
     * run: rehearse on a branch, then migrate the database when nothing failed or blocked; rehearse: only rehearse,
     * never change the database. Either way a migration that fails or is blocked stops start-up.
     */
    private Mode mode = Mode.RUN;

    /** How branches are made. */
    private final Branch branch = new Branch();

    /**
     * Keep the branch of a failed or blocked rehearsal this long to look into it, e.g. 8h (at most 30d). Default: it
     * is dropped at once.
     */
    private String keepFailedBranch;

    /** How long a branch left behind (a killed process) lives before a later run drops it. Default 6h. */
    private String branchExpiry;

    /**
     * How long each of the database's migration transactions may wait for a lock while migrating it (lock_timeout);
     * a migration that waits longer is rolled back and retried. Default 5s; 0s for none.
     */
    private String lockTimeout;

    /** How often a migration that gave way to a lock is retried. Default 5. */
    private Integer lockRetries;

    /** The wait before the first retry; it doubles at each retry, up to 30s. Default 2s. */
    private String retryBackoff;

    /** A statement_timeout for every statement of the migration of the database. Default: none. */
    private String statementTimeout;

    /**
     * How long an instance waits for another instance migrating the same database (they take turns); past it,
     * start-up fails having changed nothing. Default 15m; 0s not to wait.
     */
    private String waitForOtherRunners;

    /** The database of the same server where instances take turns (an advisory lock). Default postgres. */
    private String lockDatabase;

    /** Whether each run first drops the branches earlier, interrupted runs left behind. */
    private boolean reapOrphans = true;

    /** Where the reports of each run are written. */
    private final Report report = new Report();

    /** The check of the application's JPA entities against the migrated branch. */
    private final Entities entities = new Entities();

    /**
     * The severity of a kind of finding: blocking, warning, info or ignore, e.g.
     * rehearsal.severities.rows-deleted=blocking.
     */
    private Map<String, SeverityLevel> severities = new LinkedHashMap<>();

    /** A table has data from this many rows on; locks on smaller tables are no findings. Default 1. */
    private String minRows;

    /**
     * A lock that blocks reads or writes of a table with data is a finding when held this long, e.g. 200ms. Default
     * 1s.
     */
    private String lockThreshold;

    /** Such a lock is a finding, however short, when its statement scanned or rewrote this many rows. Default 100000. */
    private String rowsUnderLock;

    /** One transaction writing this many rows is a large backfill. Default 100000. */
    private String backfillRows;

    /**
     * A migration deleting this share of a table with data (or backfill-rows of its rows) loses data: 0.05 or 5%.
     * Default 0.05.
     */
    private String deleteFraction;

    /**
     * Judge the findings by production's table sizes in this statistics file (JSON, as rehearsal stats writes it), so
     * that a rehearsal on a small or empty database shows production's severities. Default: the database's own sizes.
     */
    private String productionSizes;

    /**
     * Plan the queries the database's pg_stat_statements shows on the branch before and after the migrations (EXPLAIN
     * only, never run): one that no longer plans stops start-up, one whose plan lost an index warns. Skipped, said at
     * INFO, where the extension is not created in the database.
     */
    private boolean runningQueries = true;

    /**
     * Check these queries too: a file of SQL statements, a PostgreSQL log with statements logged, or
     * pg_stat_statements exported as JSON ([{"query": ..., "calls": ...}]).
     */
    private String queriesFile;

    /**
     * Or read production's table sizes from this database's catalog (production, or a read-only replica of it), once
     * per run, in a read-only transaction: a JDBC URL.
     */
    private String productionUrl;

    /** The user for rehearsal.production-url. */
    private String productionUsername;

    /** The password for rehearsal.production-url. */
    private String productionPassword;

    /**
     * Locations of SQL assertions (*.sql files, each a query that must return no rows on the migrated branch):
     * classpath:db/assertions, or a directory.
     */
    private List<String> assertions = new ArrayList<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public Branch getBranch() {
        return branch;
    }

    public String getKeepFailedBranch() {
        return keepFailedBranch;
    }

    public void setKeepFailedBranch(String keepFailedBranch) {
        this.keepFailedBranch = keepFailedBranch;
    }

    public String getBranchExpiry() {
        return branchExpiry;
    }

    public void setBranchExpiry(String branchExpiry) {
        this.branchExpiry = branchExpiry;
    }

    public String getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(String lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public Integer getLockRetries() {
        return lockRetries;
    }

    public void setLockRetries(Integer lockRetries) {
        this.lockRetries = lockRetries;
    }

    public String getRetryBackoff() {
        return retryBackoff;
    }

    public void setRetryBackoff(String retryBackoff) {
        this.retryBackoff = retryBackoff;
    }

    public String getStatementTimeout() {
        return statementTimeout;
    }

    public void setStatementTimeout(String statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    public String getWaitForOtherRunners() {
        return waitForOtherRunners;
    }

    public void setWaitForOtherRunners(String waitForOtherRunners) {
        this.waitForOtherRunners = waitForOtherRunners;
    }

    public String getLockDatabase() {
        return lockDatabase;
    }

    public void setLockDatabase(String lockDatabase) {
        this.lockDatabase = lockDatabase;
    }

    public boolean isReapOrphans() {
        return reapOrphans;
    }

    public void setReapOrphans(boolean reapOrphans) {
        this.reapOrphans = reapOrphans;
    }

    public Report getReport() {
        return report;
    }

    public Entities getEntities() {
        return entities;
    }

    public Map<String, SeverityLevel> getSeverities() {
        return severities;
    }

    public void setSeverities(Map<String, SeverityLevel> severities) {
        this.severities = severities;
    }

    public String getMinRows() {
        return minRows;
    }

    public void setMinRows(String minRows) {
        this.minRows = minRows;
    }

    public String getLockThreshold() {
        return lockThreshold;
    }

    public void setLockThreshold(String lockThreshold) {
        this.lockThreshold = lockThreshold;
    }

    public String getRowsUnderLock() {
        return rowsUnderLock;
    }

    public void setRowsUnderLock(String rowsUnderLock) {
        this.rowsUnderLock = rowsUnderLock;
    }

    public String getBackfillRows() {
        return backfillRows;
    }

    public void setBackfillRows(String backfillRows) {
        this.backfillRows = backfillRows;
    }

    public String getProductionSizes() {
        return productionSizes;
    }

    public void setProductionSizes(String productionSizes) {
        this.productionSizes = productionSizes;
    }

    public boolean isRunningQueries() {
        return runningQueries;
    }

    public void setRunningQueries(boolean runningQueries) {
        this.runningQueries = runningQueries;
    }

    public String getQueriesFile() {
        return queriesFile;
    }

    public void setQueriesFile(String queriesFile) {
        this.queriesFile = queriesFile;
    }

    public String getProductionUrl() {
        return productionUrl;
    }

    public void setProductionUrl(String productionUrl) {
        this.productionUrl = productionUrl;
    }

    public String getProductionUsername() {
        return productionUsername;
    }

    public void setProductionUsername(String productionUsername) {
        this.productionUsername = productionUsername;
    }

    public String getProductionPassword() {
        return productionPassword;
    }

    public void setProductionPassword(String productionPassword) {
        this.productionPassword = productionPassword;
    }

    public String getDeleteFraction() {
        return deleteFraction;
    }

    public void setDeleteFraction(String deleteFraction) {
        this.deleteFraction = deleteFraction;
    }

    public List<String> getAssertions() {
        return assertions;
    }

    public void setAssertions(List<String> assertions) {
        this.assertions = assertions;
    }

    /** What a start-up does with the pending migrations. */
    public enum Mode {
        /** Rehearse them on a branch, then migrate the database when nothing failed or blocked. */
        RUN,
        /** Only rehearse them; the database is never changed. */
        REHEARSE
    }

    /** The severity a kind of finding is given. */
    public enum SeverityLevel {
        /** Stops the migration (and start-up). */
        BLOCKING,
        /** Reported; does not stop anything. */
        WARNING,
        /** Reported as information. */
        INFO,
        /** Left out of the outcome. */
        IGNORE
    }

    /** {@code rehearsal.branch.*}: how branches are made. */
    public static class Branch {
        /**
         * template (CREATE DATABASE ... TEMPLATE on the same server; needs the database free of other sessions),
         * snapshot-copy (pg_dump/pg_restore of one snapshot; works while the database is in use), neon, auto
         * (template while the database is free; while it is in use, the branch server named by the option server,
         * else snapshot-copy), or a provider of one's own on the application's class path, by its name. Default
         * template.
         */
        private String provider;

        /**
         * The provider's options, e.g. rehearsal.branch.options.jobs=4 (snapshot-copy) or
         * rehearsal.branch.options.project=... (neon).
         */
        private Map<String, String> options = new LinkedHashMap<>();

        public String getProvider() {
            return provider;
        }

        public void setProvider(String provider) {
            this.provider = provider;
        }

        public Map<String, String> getOptions() {
            return options;
        }

        public void setOptions(Map<String, String> options) {
            this.options = options;
        }
    }

    /**
     * {@code rehearsal.entities.*}: the application's JPA entities, as Spring Boot's JPA finds them, checked against
     * the migrated branch by Hibernate's schema validation, with the naming strategies and
     * {@code spring.jpa.properties.*} Boot gives Hibernate: a table or column they map that the migrations renamed or
     * dropped, or of a type Hibernate does not accept, blocks (entity-mismatch), as the application's new version
     * would fail on it.
     */
    public static class Entities {
        /**
         * Whether the application's JPA entities are checked against the migrated branch, where Hibernate and Spring
         * Boot's JPA are on the class path.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** {@code rehearsal.report.*}: where the reports of each run are written. */
    public static class Report {
        /** The JSON report of each run, e.g. build/rehearsal/report.json. Default: none. */
        private String json;

        /** The Markdown report of each run (for a pull-request comment). Default: none. */
        private String markdown;

        /** The HTML report of each run (one self-contained page to open in a browser). Default: none. */
        private String html;

        public String getJson() {
            return json;
        }

        public void setJson(String json) {
            this.json = json;
        }

        public String getMarkdown() {
            return markdown;
        }

        public void setMarkdown(String markdown) {
            this.markdown = markdown;
        }

        public String getHtml() {
            return html;
        }

        public void setHtml(String html) {
            this.html = html;
        }
    }
}
