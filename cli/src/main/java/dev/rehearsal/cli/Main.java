package dev.rehearsal.cli;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchProviderFactory;
import dev.rehearsal.check.ProductionSizes;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.internal.Durations;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.report.Reports;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * configuration error, 70 an unexpected error (a bug). With {@code --format json} or {@code markdown}, an error
 * that ends a command without a verdict is printed on standard output in that format too (see {@link CommandError}).
 */
@Command(name = "rehearsal", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Rehearses PostgreSQL migrations on a branch of the target before they touch it.",
        subcommands = {Main.RehearseCommand.class, Main.MigrateCommand.class, Main.BranchCommand.class,
                Main.StatsCommand.class, ServerCommand.class, DemoCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success (passed, promoted or nothing pending)", "  1  blocked by findings",
                "  2  a migration failed on the branch", "  3  promotion failed", "  4  branch error",
                "  5  database unreachable", "  6  another runner kept the target", "  7  the target changed",
                "  8  the target diverged from the branch", " 64  usage or configuration error",
                " 70  an unexpected error (a bug)", "",
                "With --format json or markdown, a command that ends without a verdict prints",
                "its error on standard output as well, e.g.",
                "{\"error\": {\"code\": \"DATABASE\", \"exitCode\": 5, \"message\": \"...\"}}"})
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
        // the demo's help names the version of PostgreSQL it looks for, which the build writes in
        command.getSubcommands().get("demo").getCommandSpec().usageMessage().footer(DemoPostgres.help());
        // the branch providers found, with their options: the built-in ones and any on the CLI's class path
        for (String name : List.of("rehearse", "migrate", "branch")) {
            command.getSubcommands().get(name).getCommandSpec().usageMessage()
                    .footerHeading("%nBranch providers (--branch-provider):%n").footer(ProviderOptions.help());
        }
        command.setOut(out);
        command.setErr(err);
        Format format = Format.requested(args);
        command.setParameterExceptionHandler((e, arguments) -> {
            CommandLine failed = e.getCommandLine();
            Usage usage = Usage.of(e);
            fail(failed, format, CommandError.configuration(usage.message()));
            if (usage.showHelp()) {
                failed.usage(failed.getErr());
            }
            return ErrorCode.CONFIGURATION.exitCode();
        });
        command.setExecutionExceptionHandler((e, failed, parseResult) -> fail(failed, format, CommandError.of(e)));
        // every message names a setting as this CLI's option, e.g. --lock-timeout, not lockTimeout(...)
        return SettingNames.using(OptionNames.INSTANCE, () -> command.execute(args));
    }

    /** Reports a command that ended without a verdict: on standard error, and on standard output as asked. */
    private static int fail(CommandLine failed, Format format, CommandError error) {
        failed.getErr().println("rehearsal: " + error.message());
        String rendered = error.render(format);
        if (!rendered.isEmpty()) {
            failed.getOut().println(rendered);
        }
        failed.getOut().flush();
        return error.exitCode();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the target is and how to log in; the password never on the command line. */
    static final class TargetOptions {
        /** The variable holding the password unless --password-env names another. */
        static final String PASSWORD_VARIABLE = "REHEARSAL_PASSWORD";

        @Option(names = "--url", description = "JDBC URL of the target, e.g. jdbc:postgresql://db:5432/shop "
                + "(rehearse and migrate: else the url of flyway.toml's environment or of liquibase.properties)")
        String url;

        @Option(names = "--user", description = "database user (default: user= in the URL, else PGUSER, else the "
                + "operating system user, as psql)")
        String user;

        @Option(names = "--password-env", defaultValue = PASSWORD_VARIABLE, description = "environment variable "
                + "holding the password (default: ${DEFAULT-VALUE}; when it is not set, PGPASSWORD, then ~/.pgpass "
                + "or PGPASSFILE, as psql); passwords are never taken as arguments")
        String passwordEnv = PASSWORD_VARIABLE;

        /** The user and password, from the options, the environment and the password file. */
        Credentials credentials() {
            Credentials.refuseIn("--url", url, PASSWORD_VARIABLE, ", or in another variable named with "
                    + "--password-env");
            DatabaseLocation.of(url, user, null); // a malformed URL is said as such, before the password is looked up
            return Credentials.find(url, user, passwordEnv, System.getenv());
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

        @Mixin
        PolicyOptions policy;

        @Mixin
        ProductionOptions production;

        @Mixin
        RunningQueryOptions runningQueries;

        @Option(names = "--format", defaultValue = "text", description = "what to print: text, json or markdown "
                + "(default: ${DEFAULT-VALUE})")
        Format format;

        @Option(names = "--report", description = "also write the JSON report to this file")
        Path report;

        @Option(names = "--markdown-report", description = "also write the Markdown report (for a pull-request "
                + "comment) to this file")
        Path markdownReport;

        @Option(names = "--html-report", description = "also write the HTML report (one self-contained page to "
                + "open in a browser) to this file")
        Path htmlReport;

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

        /** The migration engine of the chosen tool. */
        private MigrationEngine engine() {
            return liquibaseChosen() ? liquibase.engine(classPath) : flyway.engine(classPath.classLoader());
        }

        /** The target the chosen tool's configuration names (its files or variables), for want of {@code --url}. */
        private TargetOptions targetOfTheTool() {
            TargetOptions files = new TargetOptions();
            files.url = liquibaseChosen() ? liquibase.url() : flyway.url();
            files.user = liquibaseChosen() ? liquibase.user() : flyway.user();
            return files;
        }

        /** Liquibase when its options are given, else Flyway when configured, else Liquibase when configured. */
        private boolean liquibaseChosen() {
            if (liquibase.given() && flyway.given()) {
                throw new ConfigurationException("Give the migrations of one tool: Flyway (--locations) or "
                        + "Liquibase (--changelog), not both");
            }
            if (liquibase.given()) {
                return true;
            }
            if (flyway.configured()) {
                return false;
            }
            if (liquibase.configured()) { // a changelog from LIQUIBASE_* or liquibase.properties
                return true;
            }
            throw new ConfigurationException("Give the migrations: --locations (Flyway), e.g. "
                    + "--locations filesystem:src/main/resources/db/migration, or --changelog (Liquibase), e.g. "
                    + "--changelog db/changelog/main.yaml");
        }

        @Override
        public Integer call() {
            if (report != null) {
                Reports.requireWritable(report, "--report");
            }
            if (markdownReport != null) {
                Reports.requireWritable(markdownReport, "--markdown-report");
            }
            if (htmlReport != null) {
                Reports.requireWritable(htmlReport, "--html-report");
            }
            ProgressLine progress = branches.progress(spec.commandLine().getErr());
            Outcome outcome;
            try {
                outcome = target.run(targetOfTheTool(), location -> rehearsal(location, progress));
            } finally {
                progress.end();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(switch (format) {
                case text -> Reports.summary(outcome);
                case json -> Reports.json(outcome);
                case markdown -> Reports.markdown(outcome);
            });
            // the verdict stands (the target may have been migrated): a report that could not be written is said
            outcome.reportFailures().forEach(failure -> spec.commandLine().getErr().println("rehearsal: " + failure));
            return outcome.verdict().exitCode();
        }

        /** The run on {@code location}, configured by the options. */
        private Outcome rehearsal(DatabaseLocation location, ProgressLine progress) {
            Rehearsal.Builder builder = Rehearsal.configure().target(location).engine(engine())
                    .branchProvider(branches.provider(classPath, progress)).policy(policy.policy())
                    .checks(policy.checks());
            if (report != null) {
                builder.reportTo(report);
            }
            if (markdownReport != null) {
                builder.markdownReportTo(markdownReport);
            }
            if (htmlReport != null) {
                builder.htmlReportTo(htmlReport);
            }
            production.configure(builder);
            runningQueries.configure(builder);
            builder.set(Setting.LOCK_TIMEOUT, lockTimeout).set(Setting.KEEP_FAILED_BRANCH, keepFailedBranch)
                    .set(Setting.WAIT_FOR_OTHER_RUNNERS, waitForOtherRunners)
                    .set(Setting.LOCK_RETRIES, lockRetries).set(Setting.RETRY_BACKOFF, retryBackoff)
                    .set(Setting.STATEMENT_TIMEOUT, statementTimeout).set(Setting.BRANCH_EXPIRY, branchExpiry)
                    .set(Setting.LOCK_DATABASE, lockDatabase);
            return execute(builder.load());
        }
    }

    /** How branches are made: the provider and its options. */
    static final class ProviderOptions {
        @Option(names = "--branch-provider", defaultValue = BranchProvider.DEFAULT, description = "how branches "
                + "are made: one of the branch providers listed below, or one in a jar on --classpath (default: "
                + "${DEFAULT-VALUE})")
        String provider;

        @Option(names = "--branch-option", description = "an option of the branch provider, e.g. jobs=4 "
                + "(snapshot-copy) or project=autumn-disk-484331 (neon; key from NEON_API_KEY)")
        Map<String, String> options = new LinkedHashMap<>();

        @Option(names = "--no-progress", description = "show no progress of a long branch copy (snapshot-copy) on "
                + "standard error; shown by default: one line rewritten in place on a terminal, else a line at each "
                + "phase and every 10s")
        boolean noProgress;

        /** Where a long copy's progress goes: {@code err}, unless {@code --no-progress}. */
        ProgressLine progress(PrintWriter err) {
            return noProgress ? ProgressLine.NONE : ProgressLine.on(err);
        }

        /**
         * The provider, found among the CLI's own and those in the jars of {@code --classpath}; one that reports a
         * copy's progress reports it to {@code progress}.
         */
        BranchProvider provider(ClassPathOption classPath, ProgressLine progress) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(classPath.classLoader());
            try {
                return BranchProvider.named(provider, options, List.of(progress));
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        /**
         * The help's list of the branch providers the CLI has, with their options; a provider of a jar on
         * {@code --classpath} is not listed, as the help is made before the options are read.
         */
        static String[] help() {
            List<String> lines = new ArrayList<>();
            for (BranchProviderFactory factory : BranchProviderFactory.all()) {
                wrap(lines, factory.name(), factory.description());
                wrap(lines, "", "options: " + factory.options().stream().map(Setting::name)
                        .collect(Collectors.joining(", ")));
            }
            lines.add("A provider of your own: its jar, which lists its factory in");
            lines.add("META-INF/services/" + BranchProviderFactory.class.getName() + ", on");
            lines.add("--classpath, e.g. --classpath zfs-provider.jar --branch-provider zfs");
            return lines.toArray(String[]::new);
        }

        /** {@code text} beside {@code name}, in lines that fit the help's 80 columns (picocli wraps none of them). */
        private static void wrap(List<String> lines, String name, String text) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-15s", name));
            int start = line.length();
            for (String word : text.split(" ")) {
                if (line.length() > start && line.length() + 1 + word.length() > 79) {
                    lines.add(line.toString());
                    line = new StringBuilder(" ".repeat(start));
                }
                line.append(line.length() > start ? " " : "").append(word);
            }
            lines.add(line.toString());
        }
    }

    /** The target options as a picocli mixin. */
    static final class TargetMixin {
        @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "Target:%n")
        TargetOptions options;

        /** Runs {@code work} on the target of {@code --url}. */
        <T> T run(Function<DatabaseLocation, T> work) {
            return run(null, work);
        }

        /**
         * Runs {@code work} on the target; a failed login is explained with what was tried (see Credentials).
         *
         * @param files the url and user the migration tool's configuration names, used where the options say none;
         *              null for a command without a migration tool
         */
        <T> T run(TargetOptions files, Function<DatabaseLocation, T> work) {
            TargetOptions given = options == null ? new TargetOptions() : options;
            if (given.url == null) {
                if (files == null || files.url == null) {
                    throw new ConfigurationException("No target database: give " + Setting.TARGET.spelled(
                            "jdbc:postgresql://host:5432/database") + (files == null ? "" : " (or a url in "
                            + "flyway.toml's environment or liquibase.properties)"));
                }
                given.url = files.url;
                given.user = given.user != null ? given.user : files.user;
            }
            TargetOptions options = given;
            Credentials credentials = options.credentials();
            try {
                return work.apply(credentials.location(options.url));
            } catch (RehearsalException e) {
                throw credentials.explained(e);
            }
        }
    }

    /** What a command prints on standard output: its result, or the error that ended it. */
    enum Format {
        text, json, markdown;

        /**
         * The format the command line asks for, read from the arguments themselves, so that an error found while
         * they are parsed is printed in it as well; text when none is given or the value is none of the formats.
         */
        static Format requested(String[] args) {
            Format requested = text;
            for (int i = 0; i < args.length; i++) {
                String value = args[i].equals("--format") && i + 1 < args.length ? args[i + 1]
                        : args[i].startsWith("--format=") ? args[i].substring("--format=".length()) : null;
                for (Format format : values()) {
                    if (format.name().equals(value)) {
                        requested = format;
                    }
                }
            }
            return requested;
        }
    }

    @Command(name = "rehearse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Branch the target, apply the pending "
            + "migrations to the branch, check the evidence, drop the branch. Never changes the target.")
    static final class RehearseCommand extends RunCommand {
        @Override
        Outcome execute(Rehearsal rehearsal) {
            return rehearsal.rehearse();
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Rehearse, then apply exactly the "
            + "rehearsed migrations to the target when nothing blocks.")
    static final class MigrateCommand extends RunCommand {
        @Override
        Outcome execute(Rehearsal rehearsal) {
            return rehearsal.run();
        }
    }

    @Command(name = "branch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Named branches of the target for "
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

        @Mixin
        ClassPathOption classPath;

        @Option(names = "--expires", defaultValue = "7d", description = "how long a created branch lives "
                + "(default: ${DEFAULT-VALUE})")
        String expires;

        @Option(names = "--format", defaultValue = "text", description = "what to print: text or json (default: "
                + "${DEFAULT-VALUE})")
        BranchFormat format;

        /** What branch prints: a line per branch, or JSON for scripts. */
        enum BranchFormat { text, json }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ProgressLine progress = provider.progress(spec.commandLine().getErr());
            try {
                target.run(location -> {
                    BranchManager branches = BranchManager.of(provider.provider(classPath, progress), location);
                    switch (action) {
                        case "list" -> print(out, location.database(), branches.list());
                        case "create" -> print(out, branches.create(required(), Durations.parse(expires,
                                "--expires")));
                        case "reset" -> print(out, branches.reset(required()));
                        case "delete" -> {
                            branches.delete(required());
                            out.println(format == BranchFormat.json ? Json.text(Json.object().put("deleted", name))
                                    : "deleted " + name);
                        }
                        case "url" -> {
                            String url = branches.location(required()).redactedUrl();
                            out.println(format == BranchFormat.json ? Json.text(Json.object().put("name", name)
                                    .put("url", url)) : url);
                        }
                        default -> throw new CommandLine.ParameterException(spec.commandLine(), "Unknown branch "
                                + "action '" + action + "': use create, list, reset, delete or url");
                    }
                    return null;
                });
            } finally {
                progress.end();
            }
            return 0;
        }

        /** The branches of {@code parent} as a table, or as a JSON array. */
        private void print(PrintWriter out, String parent, List<BranchInfo> branches) {
            if (format == BranchFormat.json) {
                out.println(branches.isEmpty() ? "[]" : Json.text(branches.stream().map(BranchTable::json).toList()));
            } else if (branches.isEmpty()) {
                out.println("no branches of " + parent);
            } else {
                printTable(out, branches);
            }
        }

        /** A branch made or reset: the table of one, or a JSON object of the shape a listed branch has. */
        private void print(PrintWriter out, BranchInfo branch) {
            if (format == BranchFormat.json) {
                out.println(Json.text(BranchTable.json(branch)));
            } else {
                printTable(out, List.of(branch));
            }
        }

        private static void printTable(PrintWriter out, List<BranchInfo> branches) {
            out.print(BranchTable.text(branches, Instant.now(), ZoneId.systemDefault()));
            out.flush(); // the writer flushes by itself only at println
        }

        private String required() {
            if (name == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "branch " + action + " needs the "
                        + "branch name, e.g. rehearsal branch " + action + " dev-alice --url ...");
            }
            return name;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Print the table sizes of a database (production, or a read-only replica of it) as a "
            + "statistics file for --production-sizes: rows, bytes and each column's share of NULLs, from its "
            + "catalog only, in a read-only transaction. E.g. rehearsal stats --url jdbc:postgresql://replica/shop "
            + "> production-stats.json")
    static final class StatsCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        TargetMixin target;

        @Override
        public Integer call() {
            String statistics = target.run(location -> ProductionSizes.read(location).toJson());
            spec.commandLine().getOut().println(statistics);
            return 0;
        }
    }

    /**
     * Rehearsal's version, written into a resource by the build (so that it is right however the CLI runs: the
     * shaded jar, the module's classes, a test), and the versions of the tools it carries.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties versions = properties();
            return new String[] {"rehearsal " + versions.getProperty("rehearsal"),
                    "Flyway " + versions.getProperty("flyway") + ", Liquibase " + versions.getProperty("liquibase")
                            + ", PostgreSQL JDBC " + versions.getProperty("pgjdbc"),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }

        /** The versions the build wrote in: of Rehearsal, of the tools the jar carries and of the demo's PostgreSQL. */
        static Properties properties() {
            Properties versions = new Properties();
            try (InputStream resource = Main.class.getResourceAsStream("version.properties")) {
                if (resource == null) {
                    throw new IllegalStateException("version.properties is missing: the CLI was not built by Maven");
                }
                versions.load(resource);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return versions;
        }
    }
}
