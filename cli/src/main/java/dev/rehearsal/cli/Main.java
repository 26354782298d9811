package dev.rehearsal.cli;

import dev.rehearsal.ConfigurationException;
import dev.rehearsal.DatabaseLocation;
import dev.rehearsal.Durations;
import dev.rehearsal.ErrorCode;
import dev.rehearsal.Outcome;
import dev.rehearsal.Rehearsal;
import dev.rehearsal.Setting;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.SettingNames;
import dev.rehearsal.branch.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchProviders;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.report.ConsoleSummary;
import dev.rehearsal.report.JsonReport;
import dev.rehearsal.report.MarkdownReport;
import dev.rehearsal.report.ReportFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar rehearsal.jar <command>}: rehearse or migrate a database, manage branches, or run the demo.
 * Exit codes: 0 success, 1 blocked by findings, 2 failed on the branch, 3 promotion failed, 4 branch error,
 * 5 database unreachable, 6 another runner kept the target, 7 target changed, 8 target diverged, 64 usage or
 * configuration error.
 */
@Command(name = "rehearsal", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Rehearses PostgreSQL migrations on a branch of the target before they touch it.",
        subcommands = {Main.RehearseCommand.class, Main.MigrateCommand.class, Main.BranchCommand.class,
                DemoCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success (passed, promoted or nothing pending)", "  1  blocked by findings",
                "  2  a migration failed on the branch", "  3  promotion failed", "  4  branch error",
                "  5  database unreachable", "  6  another runner kept the target", "  7  the target changed",
                "  8  the target diverged from the branch", " 64  usage or configuration error"})
public final class Main implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        CommandLine command = new CommandLine(new Main());
        command.setOut(out);
        command.setErr(err);
        command.setExitCodeExceptionMapper(e -> e instanceof RehearsalException r ? r.code().exitCode()
                : ErrorCode.CONFIGURATION.exitCode());
        command.setParameterExceptionHandler((e, arguments) -> {
            e.getCommandLine().getErr().println("rehearsal: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return ErrorCode.CONFIGURATION.exitCode();
        });
        command.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("rehearsal: " + DatabaseLocation.redact(String.valueOf(e.getMessage())));
            return e instanceof RehearsalException r ? r.code().exitCode() : 70;
        });
        // every message names a setting as this CLI's option, e.g. --lock-timeout, not lockTimeout(...)
        return SettingNames.using(OptionNames.INSTANCE, () -> command.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the target is and how to log in; the password never on the command line. */
    static final class TargetOptions {
        @Option(names = "--url", required = true, description = "JDBC URL of the target, e.g. "
                + "jdbc:postgresql://db:5432/shop")
        String url;

        @Option(names = "--user", description = "database user")
        String user;

        @Option(names = "--password-env", defaultValue = "REHEARSAL_PASSWORD", description = "environment variable "
                + "holding the password (default: ${DEFAULT-VALUE}); passwords are never taken as arguments")
        String passwordEnv;

        DatabaseLocation location() {
            List<String> credentials = DatabaseLocation.credentialsIn(url);
            if (!credentials.isEmpty()) {
                // the value is never repeated: it is in the process list already, it must not reach logs as well
                boolean keyPassphrase = credentials.contains("the sslpassword parameter");
                throw new ConfigurationException("--url carries a password (" + String.join(", ", credentials)
                        + "), which every user of this machine can read in the process list (ps) and shell history "
                        + "keeps: remove it from the URL and export the password as REHEARSAL_PASSWORD, or in "
                        + "another variable named with --password-env" + (keyPassphrase ? " (a client key's "
                        + "passphrase cannot be given to the command line: use a key without one, readable only by "
                        + "this user)" : ""));
            }
            String password = System.getenv(passwordEnv);
            return DatabaseLocation.of(url, user, password == null || password.isEmpty() ? null : password);
        }
    }

    /** What rehearse and migrate share. */
    abstract static class RunCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        TargetMixin target;

        @Mixin
        FlywayOptions flyway;

        @Mixin
        LiquibaseOptions liquibase;

        @Mixin
        ClassPathOption classPath;

        @Mixin
        ProviderOptions branches;

        @Option(names = "--format", defaultValue = "text", description = "what to print: text, json or markdown "
                + "(default: ${DEFAULT-VALUE})")
        Format format;

        @Option(names = "--report", description = "also write the JSON report to this file")
        Path report;

        @Option(names = "--markdown-report", description = "also write the Markdown report (for a pull-request "
                + "comment) to this file")
        Path markdownReport;

        @Option(names = "--lock-timeout", description = "lock_timeout on the target during promotion, e.g. 5s")
        String lockTimeout;

        @Option(names = "--keep-failed-branch", description = "keep the branch of a failed run this long, e.g. 8h")
        String keepFailedBranch;

        @Option(names = "--wait-for-other-runners", description = "how long to wait for another runner of the same "
                + "target, e.g. 0s (default 15m)")
        String waitForOtherRunners;

        @Option(names = "--lock-retries", description = "how often promotion retries a migration that gave way to "
                + "a lock (default 5)")
        String lockRetries;

        @Option(names = "--retry-backoff", description = "the wait before the first such retry; it doubles at each "
                + "one, up to 30s (default 2s)")
        String retryBackoff;

        @Option(names = "--statement-timeout", description = "statement_timeout of every statement of the promotion, "
                + "e.g. 10m (default none)")
        String statementTimeout;

        @Option(names = "--branch-expiry", description = "how long a branch left behind (a killed run) lives before "
                + "the next run drops it (default 6h)")
        String branchExpiry;

        @Option(names = "--lock-database", description = "the database of the target's server where runners take "
                + "turns (default postgres)")
        String lockDatabase;

        abstract Outcome execute(Rehearsal rehearsal);

        /** Liquibase when its options are given, else Flyway; both is an error. */
        private MigrationEngine engine() {
            if (liquibase.given() && flyway.given()) {
                throw new ConfigurationException("Give the migrations of one tool: Flyway (--locations) or "
                        + "Liquibase (--changelog), not both");
            }
            if (liquibase.given()) {
                return liquibase.engine(classPath.classLoader());
            }
            if (flyway.configured()) {
                return flyway.engine(classPath.classLoader());
            }
            throw new ConfigurationException("Give the migrations: --locations (Flyway), e.g. "
                    + "--locations filesystem:src/main/resources/db/migration, or --changelog (Liquibase), e.g. "
                    + "--changelog db/changelog/main.yaml");
        }

        @Override
        public Integer call() {
            if (report != null) {
                ReportFiles.requireWritable(report, "--report");
            }
            if (markdownReport != null) {
                ReportFiles.requireWritable(markdownReport, "--markdown-report");
            }
            Rehearsal.Builder builder = Rehearsal.configure().target(target.options.location())
                    .engine(engine()).branchProvider(branches.provider());
            if (report != null) {
                builder.reportTo(report);
            }
            if (markdownReport != null) {
                builder.markdownReportTo(markdownReport);
            }
            builder.set(Setting.LOCK_TIMEOUT, lockTimeout).set(Setting.KEEP_FAILED_BRANCH, keepFailedBranch)
                    .set(Setting.WAIT_FOR_OTHER_RUNNERS, waitForOtherRunners).set(Setting.LOCK_RETRIES, lockRetries)
                    .set(Setting.RETRY_BACKOFF, retryBackoff).set(Setting.STATEMENT_TIMEOUT, statementTimeout)
                    .set(Setting.BRANCH_EXPIRY, branchExpiry).set(Setting.LOCK_DATABASE, lockDatabase);
            Outcome outcome = execute(builder.load());
            PrintWriter out = spec.commandLine().getOut();
            out.println(switch (format) {
                case text -> ConsoleSummary.render(outcome);
                case json -> JsonReport.toJson(outcome);
                case markdown -> MarkdownReport.render(outcome);
            });
            // the verdict stands (the target may have been migrated): a report that could not be written is said
            outcome.reportFailures().forEach(failure -> spec.commandLine().getErr().println("rehearsal: " + failure));
            return outcome.verdict().exitCode();
        }
    }

    /** How branches are made: the provider and its options. */
    static final class ProviderOptions {
        @Option(names = "--branch-provider", defaultValue = "template", description = "how branches are made: "
                + "template (CREATE DATABASE ... TEMPLATE, needs the target without other sessions), snapshot-copy "
                + "(pg_dump/pg_restore of one snapshot, works while the target is in use) or neon (default: "
                + "${DEFAULT-VALUE})")
        String provider;

        @Option(names = "--branch-option", description = "an option of the branch provider, e.g. jobs=4 "
                + "(snapshot-copy) or project=autumn-disk-484331 (neon; key from NEON_API_KEY)")
        Map<String, String> options = new LinkedHashMap<>();

        BranchProvider provider() {
            return BranchProviders.named(provider, options);
        }
    }

    /** The target options as a picocli mixin. */
    static final class TargetMixin {
        @ArgGroup(exclusive = false, multiplicity = "1", heading = "Target:%n")
        TargetOptions options;
    }

    enum Format { text, json, markdown }

    @Command(name = "rehearse", mixinStandardHelpOptions = true, description = "Branch the target, apply the pending "
            + "migrations to the branch, check the evidence, drop the branch. Never changes the target.")
    static final class RehearseCommand extends RunCommand {
        @Override
        Outcome execute(Rehearsal rehearsal) {
            return rehearsal.rehearse();
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Rehearse, then apply exactly the "
            + "rehearsed migrations to the target when nothing blocks.")
    static final class MigrateCommand extends RunCommand {
        @Override
        Outcome execute(Rehearsal rehearsal) {
            return rehearsal.run();
        }
    }

    @Command(name = "branch", mixinStandardHelpOptions = true, description = "Named branches of the target for "
            + "people: create, list, reset to the parent's current state, delete.")
    static final class BranchCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(index = "0", description = "create, list, reset, delete or url")
        String action;

        @CommandLine.Parameters(index = "1", arity = "0..1", description = "the branch name, e.g. dev-alice")
        String name;

        @Mixin
        TargetMixin target;

        @Mixin
        ProviderOptions provider;

        @Option(names = "--expires", defaultValue = "7d", description = "how long a created branch lives "
                + "(default: ${DEFAULT-VALUE})")
        String expires;

        @Override
        public Integer call() {
            BranchManager branches = BranchManager.of(provider.provider(), target.options.location());
            PrintWriter out = spec.commandLine().getOut();
            switch (action) {
                case "list" -> branches.list().forEach(b -> out.println(line(b)));
                case "create" -> out.println(line(branches.create(required(), Durations.parse(expires, "--expires"))));
                case "reset" -> out.println(line(branches.reset(required())));
                case "delete" -> {
                    branches.delete(required());
                    out.println("deleted " + name);
                }
                case "url" -> out.println(branches.location(required()).redactedUrl());
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "Unknown branch action '"
                        + action + "': use create, list, reset, delete or url");
            }
            return 0;
        }

        private String required() {
            if (name == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "branch " + action + " needs the "
                        + "branch name, e.g. rehearsal branch " + action + " dev-alice --url ...");
            }
            return name;
        }

        private static String line(BranchInfo branch) {
            return String.format(Locale.ROOT, "%-30s parent %-20s created %s expires %s %s", branch.name(),
                    branch.parent(), branch.created(), branch.expires(), branch.url());
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rehearsal " + (version == null ? "(development build)" : version)};
        }
    }
}
