package dev.rehearsal.api;

import java.util.Objects;

/**
 * A setting a user can change to fix what a message reports, named by the front end the user is in: a message
 * says {@code --lock-timeout 1h} to a CLI user, {@code <lockTimeout>1h</lockTimeout>} to a Maven user and
 * {@code lockTimeout(Duration.ofHours(1))} to a caller of the builder. Messages spell a setting with
 * {@link #spelled()} or {@link #spelled(String)}; the front end in use is chosen with {@link SettingNames#using}.
 *
 * @param scope whose setting it is: Rehearsal's own, a branch provider's option, Flyway's or Liquibase's
 * @param name the setting's name in its own scope, as its owner spells it ({@code lockTimeout},
 *        {@code pg-dump}, {@code ignoreMigrationPatterns}, {@code contexts})
 * @param builderWords how a caller of the Java API changes it, e.g. {@code lockTimeout(...)}
 */
public record Setting(Scope scope, String name, String builderWords) {
    /** Whose setting it is; front ends name each scope's settings by their own rule. */
    public enum Scope {
        /** A setting of Rehearsal itself ({@link dev.rehearsal.Rehearsal.Builder}). */
        REHEARSAL,
        /** An option of a branch provider, as {@code --branch-option name=value} and {@code <branchOptions>}. */
        BRANCH_OPTION,
        /** A Flyway setting, by Flyway's own name. */
        FLYWAY,
        /** A Liquibase setting, by Liquibase's own name. */
        LIQUIBASE
    }

    public static final Setting TARGET = rehearsal("url", "target(jdbcUrl, user, password) or target(dataSource)");
    public static final Setting USER = rehearsal("user", "target(jdbcUrl, user, password)");
    public static final Setting PASSWORD = rehearsal("password", "target(jdbcUrl, user, password)");
    public static final Setting ENGINE = rehearsal("engine", "engine(...)");
    public static final Setting BRANCH_PROVIDER = rehearsal("branchProvider", "branchProvider(...)");
    public static final Setting REPORT = rehearsal("report", "reportTo(...)");
    public static final Setting MARKDOWN_REPORT = rehearsal("markdownReport", "markdownReportTo(...)");
    public static final Setting HTML_REPORT = rehearsal("htmlReport", "htmlReportTo(...)");
    public static final Setting LOCK_TIMEOUT = rehearsal("lockTimeout", "lockTimeout(...)");
    public static final Setting LOCK_RETRIES = rehearsal("lockRetries", "lockRetries(...)");
    public static final Setting RETRY_BACKOFF = rehearsal("retryBackoff", "retryBackoff(...)");
    public static final Setting STATEMENT_TIMEOUT = rehearsal("statementTimeout", "statementTimeout(...)");
    public static final Setting KEEP_FAILED_BRANCH = rehearsal("keepFailedBranch", "keepFailedBranch(...)");
    public static final Setting BRANCH_EXPIRY = rehearsal("branchExpiry", "branchExpiry(...)");
    public static final Setting WAIT_FOR_OTHER_RUNNERS = rehearsal("waitForOtherRunners", "waitForOtherRunners(...)");
    public static final Setting LOCK_DATABASE = rehearsal("lockDatabase", "lockDatabase(...)");
    public static final Setting PRODUCTION_SIZES = rehearsal("productionSizes", "productionSizes(...)");
    public static final Setting PRODUCTION_URL = rehearsal("productionUrl", "productionSizesFrom(...)");
    public static final Setting RUNNING_QUERIES = rehearsal("runningQueries", "runningQueries(...)");
    public static final Setting QUERIES_FILE = rehearsal("queriesFile", "runningQueriesFrom(...)");

    public Setting {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(builderWords, "builderWords");
    }

    /** One of Rehearsal's own settings. */
    public static Setting rehearsal(String name, String builderWords) {
        return new Setting(Scope.REHEARSAL, name, builderWords);
    }

    /** An option of a branch provider, e.g. {@code branchOption("pg-dump", "SnapshotCopyBranchProvider...")}. */
    public static Setting branchOption(String name, String builderWords) {
        return new Setting(Scope.BRANCH_OPTION, name, builderWords);
    }

    /** A Flyway setting by Flyway's name, e.g. {@code flyway("outOfOrder")}. */
    public static Setting flyway(String name) {
        return new Setting(Scope.FLYWAY, name, "Flyway.configure()." + name + "(...)");
    }

    /** A Liquibase setting by the name of the Liquibase engine's builder method, e.g. {@code liquibase("contexts")}. */
    public static Setting liquibase(String name) {
        return new Setting(Scope.LIQUIBASE, name, "LiquibaseEngine.configure()." + name + "(...)");
    }

    /** The setting as the front end in use names it, e.g. {@code --lock-timeout}. */
    public String spelled() {
        return SettingNames.current().name(this);
    }

    /** The setting given this value, as the front end in use writes it, e.g. {@code --lock-timeout 5s}. */
    public String spelled(String value) {
        return SettingNames.current().assignment(this, value);
    }
}
