package dev.rehearsal.branch.copy;

import static dev.rehearsal.branch.copy.SnapshotCopyBranchProvider.PG_DUMP;
import static dev.rehearsal.branch.copy.SnapshotCopyBranchProvider.PG_RESTORE;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.internal.Sql;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL's client programs {@code pg_dump} and {@code pg_restore}: found (a configured path, else {@code PATH},
 * else Debian's {@code /usr/lib/postgresql/<major>/bin}), checked against the server's major version, and run with
 * the password in their environment only — never on a command line, in a log or in a message.
 *
 * <p>They die with the JVM, however it dies: each runs under a watchdog ({@link #WATCHDOG}, a few lines of bash)
 * that starts it in a process group of its own and kills that whole group — the program and the parallel workers it
 * forked — as soon as the watchdog's standard input ends. The JVM holds the only writing end of that pipe, and the
 * operating system closes it when the JVM ends, by SIGKILL too, when no shutdown hook runs. (Linux's
 * {@code PR_SET_PDEATHSIG}, e.g. through {@code setpriv --pdeathsig}, is no substitute: it fires when the
 * <em>thread</em> that started the child ends, not the JVM; it is not inherited by the workers pg_dump forks; and it
 * is Linux's only.) Where there is no bash (Windows, a bare Alpine), the programs run without a watchdog: a killed
 * JVM's copy then runs to its end, and its dump is removed by the next run ({@link DumpDirectory}).
 */
final class PgClients {
    /** Where Debian and Ubuntu install each major version's client programs side by side. */
    static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
    /** JDBC URL parameters with the same meaning for libpq, under libpq's name. */
    private static final Map<String, String> LIBPQ_PARAMETERS = Map.of("sslmode", "sslmode", "sslrootcert",
            "sslrootcert", "sslcert", "sslcert", "sslkey", "sslkey", "connectTimeout", "connect_timeout",
            "options", "options", "gssEncMode", "gssencmode");
    private static final int ERROR_LINES = 20;
    /**
     * Runs {@code "$@"} in a process group of its own ({@code set -m}), with the watchdog's standard input moved to
     * descriptor 3 for a background loop that reads it to its end and then kills the program's group; ends with the
     * program's exit status, after stopping that loop. Job messages ("Killed") go to /dev/null, the program's own
     * output to the JVM.
     */
    static final String WATCHDOG = """
            exec 3<&0 0</dev/null
            set -m
            "$@" 3<&- &
            program=$!
            set +m
            exec 2>/dev/null
            { while read -r -u 3 _; do :; done; kill -KILL -- "-$program"; } &
            watchdog=$!
            exec 3<&-
            wait "$program"
            status=$?
            kill "$watchdog"
            exit "$status"
            """;
    /** The bash that runs the watchdog, or null. */
    private static final Path BASH = onPath("bash");

    /** A client program and the version it reports, e.g. 15.18. */
    record Program(Path path, int major, String version) {
        @Override
        public String toString() {
            return path.getFileName() + " " + version + " (" + path + ")";
        }
    }

    private final Path pgDumpPath;
    private final Path pgRestorePath;
    private final Path debianRoot;
    private final Map<Path, Program> versions = new ConcurrentHashMap<>();

    PgClients(Path pgDumpPath, Path pgRestorePath, Path debianRoot) {
        this.pgDumpPath = pgDumpPath;
        this.pgRestorePath = pgRestorePath;
        this.debianRoot = debianRoot;
    }

    /** Checks, without running anything, that configured programs exist and can be run. */
    void validate() {
        for (Path configured : new Path[] {pgDumpPath, pgRestorePath}) {
            if (configured != null && !Files.isExecutable(configured)) {
                throw new ConfigurationException("There is no executable at " + configured + ": point "
                        + PG_DUMP.spelled() + " and " + PG_RESTORE.spelled()
                        + " at the pg_dump and pg_restore of a PostgreSQL client installation, "
                        + "or leave them unset to use the ones on PATH or in /usr/lib/postgresql/<major>/bin");
            }
        }
    }

    /**
     * The {@code pg_dump} to dump a server of {@code serverVersionNum} (e.g. 180001) with: pg_dump refuses servers of
     * a newer major version than its own, so one at least as new is required.
     *
     * @throws BranchException naming the versions found, the server's and the fix when there is none
     */
    Program pgDump(int serverVersionNum) {
        int serverMajor = serverVersionNum / 10000;
        String server = "PostgreSQL " + serverMajor + "." + serverVersionNum % 10000;
        String fix = "Install a client of version " + serverMajor + " or later (on Debian or Ubuntu: apt-get install "
                + "postgresql-client-" + serverMajor + ") or point " + PG_DUMP.spelled() + " at its "
                + "pg_dump";
        List<Program> found = new ArrayList<>();
        for (Path candidate : candidates("pg_dump")) {
            Program program = program(candidate);
            if (program.major() >= serverMajor) {
                return program;
            }
            found.add(program);
        }
        if (found.isEmpty()) {
            throw new BranchException("No pg_dump was found (looked " + (pgDumpPath != null ? "at " + pgDumpPath
                    : "on PATH and in " + debianRoot + "/<major>/bin") + "); copying a database of " + server
                    + " needs pg_dump " + serverMajor + " or later. " + fix);
        }
        throw new BranchException("The pg_dump found is too old for the source server: " + found.stream()
                .map(Program::toString).collect(Collectors.joining(", ")) + " cannot dump " + server + ", since "
                + "pg_dump must be of the server's major version (" + serverMajor + ") or later. " + fix);
    }

    /** The {@code pg_restore} that goes with {@code pgDump}: configured, else the one beside it. */
    Path pgRestore(Program pgDump) {
        Path restore = pgRestorePath != null ? pgRestorePath : pgDump.path().resolveSibling("pg_restore");
        if (!Files.isExecutable(restore)) {
            throw new BranchException("There is no pg_restore at " + restore + " beside " + pgDump + ": install the "
                    + "whole PostgreSQL client package, or point " + PG_RESTORE.spelled()
                    + " at a pg_restore of version " + pgDump.major() + " or later");
        }
        return restore;
    }

    private List<Path> candidates(String name) {
        if (pgDumpPath != null) {
            return Files.isExecutable(pgDumpPath) ? List.of(pgDumpPath) : List.of();
        }
        List<Path> candidates = new ArrayList<>();
        Path onPath = onPath(name);
        if (onPath != null) {
            candidates.add(onPath);
        }
        List<Path> debian = new ArrayList<>();
        if (Files.isDirectory(debianRoot)) {
            try (DirectoryStream<Path> majors = Files.newDirectoryStream(debianRoot, "[0-9]*")) {
                for (Path major : majors) {
                    if (Files.isExecutable(major.resolve("bin").resolve(name))) {
                        debian.add(major.resolve("bin").resolve(name));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + debianRoot, e);
            }
        }
        // The newest first: it dumps every server up to its own version.
        debian.sort((a, b) -> Integer.compare(majorOf(b), majorOf(a)));
        candidates.addAll(debian);
        return candidates;
    }

    /** The first executable {@code name} on {@code PATH}, or null. */
    private static Path onPath(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name))) {
                return Path.of(directory, name);
            }
        }
        return null;
    }

    private static int majorOf(Path debianProgram) {
        try {
            return Integer.parseInt(debianProgram.getParent().getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code program --version}, once per path. */
    private Program program(Path path) {
        return versions.computeIfAbsent(path, p -> {
            List<String> output = new ArrayList<>();
            run(List.of(p.toString(), "--version"), Map.of(), output::add, p.getFileName() + " --version", null);
            Matcher version = VERSION.matcher(String.join("\n", output));
            if (!version.find()) {
                throw new BranchException(p + " --version printed no PostgreSQL version (" + String.join(" ", output)
                        + "): point " + PG_DUMP.spelled() + " at PostgreSQL's pg_dump");
            }
            int major = Integer.parseInt(version.group(1));
            return new Program(p, major, version.group(1) + (version.group(2) == null ? "" : "." + version.group(2)));
        });
    }

    /**
     * The libpq connection string of {@code location}, without its password: host(s), port(s), database, user,
     * {@code application_name=rehearsal} (so that the programs' sessions are recognisable as Rehearsal's), and the
     * URL's SSL and timeout parameters.
     */
    static String conninfo(DatabaseLocation location) {
        Properties url = Driver.parseURL(location.redactedUrl(), new Properties());
        StringBuilder conninfo = new StringBuilder();
        append(conninfo, "host", url.getProperty("PGHOST"));
        append(conninfo, "port", url.getProperty("PGPORT"));
        append(conninfo, "dbname", location.database());
        append(conninfo, "user", location.user());
        append(conninfo, "application_name", Sql.APPLICATION_NAME);
        for (Map.Entry<String, String> parameter : LIBPQ_PARAMETERS.entrySet()) {
            append(conninfo, parameter.getValue(), url.getProperty(parameter.getKey()));
        }
        return conninfo.toString().trim();
    }

    private static void append(StringBuilder conninfo, String key, String value) {
        if (value != null && !value.isEmpty()) {
            conninfo.append(key).append("='").append(value.replace("\\", "\\\\").replace("'", "\\'")).append("' ");
        }
    }

    /** The environment that gives {@code location}'s password to a client program, if it has one. */
    static Map<String, String> passwordEnvironment(DatabaseLocation location) {
        String password = password(location);
        return password == null ? Map.of() : Map.of("PGPASSWORD", password);
    }

    /**
     * The password of {@code location}. DatabaseLocation keeps it out of every text it renders; its DataSource is
     * the one place it is handed on, to the driver — and here to libpq, through the environment only.
     */
    static String password(DatabaseLocation location) {
        try {
            String password = location.dataSource(Sql.APPLICATION_NAME).unwrap(PGSimpleDataSource.class)
                    .getPassword();
            return password == null || password.isEmpty() ? null : password;
        } catch (SQLException e) {
            throw new IllegalStateException("DatabaseLocation gave no pgjdbc DataSource", e);
        }
    }

    /**
     * Runs a client program to its end, handing each line it writes (standard output and error) to {@code lines} on this
     * thread, and fails with the last error lines it wrote when it exits with another status than 0.
     *
     * @param environment added to this process's environment, e.g. the password
     * @param what        what is being done, for the message, e.g. "pg_dump of shop"
     * @param secret      a text to mask in what the program wrote (the password), or null
     */
    static void run(List<String> command, Map<String, String> environment, Consumer<String> lines, String what,
                    String secret) {
        // With --file, the programs write nothing but messages (and --version) to standard output.
        ProcessBuilder builder = new ProcessBuilder(watched(command)).redirectErrorStream(true);
        builder.environment().remove("PGPASSWORD");
        builder.environment().putAll(environment);
        Deque<String> errors = new ArrayDeque<>();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BranchException("Could not start " + command.get(0) + " for the " + what + ": " + e.getMessage()
                    + ". Check that it is a PostgreSQL client program this user may run", e);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String masked = secret == null ? line : line.replace(secret, "***");
                lines.accept(masked);
                if (isError(masked)) {
                    errors.addLast(masked);
                    if (errors.size() > ERROR_LINES) {
                        errors.removeFirst();
                    }
                }
            }
            int status = process.waitFor();
            if (BASH != null && (status == 126 || status == 127)) {
                throw new BranchException("Could not start " + command.get(0) + " for the " + what + ": "
                        + String.join(" ", errors) + ". Check that it is a PostgreSQL client program this user may "
                        + "run");
            }
            if (status != 0) {
                throw new BranchException("The " + what + " failed (" + command.get(0) + " exited with status "
                        + status + ")" + (errors.isEmpty() ? "" : ":\n  " + String.join("\n  ", errors)));
            }
        } catch (IOException e) {
            throw new BranchException("Could not read what " + command.get(0) + " wrote during the " + what + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BranchException("The " + what + " was interrupted", e);
        } finally {
            try {
                process.getOutputStream().close(); // the watchdog's pipe: the program has ended or is killed below
            } catch (IOException e) {
                // nothing to do: the pipe is gone with the process
            }
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** {@code command} under the watchdog, or as it is where there is no bash. */
    static List<String> watched(List<String> command) {
        if (BASH == null) {
            return command;
        }
        List<String> watched = new ArrayList<>(List.of(BASH.toString(), "-c", WATCHDOG, "rehearsal-watchdog"));
        watched.addAll(command);
        return watched;
    }

    /** Lines of pg_dump/pg_restore that tell what went wrong, as opposed to their --verbose progress. */
    private static boolean isError(String line) {
        return line.contains("error:") || line.contains("ERROR:") || line.contains("FATAL:")
                || line.contains("detail:") || line.contains("DETAIL:") || line.contains("hint:")
                || line.contains("HINT:") || line.contains("Command was:") || line.contains("warning:")
                || !line.matches("^(pg_dump|pg_restore): .*");
    }
}
