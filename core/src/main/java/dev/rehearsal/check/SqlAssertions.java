package dev.rehearsal.check;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.check.Finding.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Checks written as SQL files: each {@code *.sql} file holds one query that must return no rows on the migrated
 * branch. Rows returned are the violations; the check reports how many and the first few.
 *
 * <pre>{@code
 * -- Every order still has its customer.
 * -- rehearsal:severity warning
 * SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL
 * }</pre>
 *
 * <p>The first comment line is the assertion's description; {@code -- rehearsal:severity info|warning|blocking}
 * sets its severity (blocking by default). Queries run in a read-only transaction that is rolled back, so an
 * assertion cannot change the branch.
 */
public final class SqlAssertions implements Check {
    /** A directory of SQL assertions, e.g. {@code --assertions src/test/assertions} in the CLI. */
    public static final Setting DIRECTORY = Setting.rehearsal("assertions", "check(SqlAssertions.fromDirectory(...))");
    private static final int SAMPLE_ROWS = 5;

    /** One assertion file. */
    public record Assertion(String name, String description, Severity severity, String sql) {
    }

    private final List<Assertion> assertions;

    private SqlAssertions(List<Assertion> assertions) {
        this.assertions = List.copyOf(assertions);
    }

    /** The {@code *.sql} files of a directory, in name order. */
    public static SqlAssertions fromDirectory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new ConfigurationException(DIRECTORY.spelled(directory.toString()) + ": " + directory.toAbsolutePath()
                    + (Files.exists(directory) ? " is not a directory" : " does not exist") + ": give the directory "
                    + "that holds your *.sql assertions");
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Assertion> assertions = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().toList()) {
                assertions.add(parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
            }
            return new SqlAssertions(assertions);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read SQL assertions in " + directory, e);
        }
    }

    /** The {@code *.sql} files of a class path location, e.g. {@code "db/assertions"}. */
    public static SqlAssertions fromClasspath(String location) {
        Objects.requireNonNull(location, "location");
        String path = location.replaceFirst("^classpath:", "").replaceAll("^/+|/+$", "");
        URL url = Thread.currentThread().getContextClassLoader() == null ? null
                : Thread.currentThread().getContextClassLoader().getResource(path);
        if (url == null) {
            url = SqlAssertions.class.getClassLoader().getResource(path);
        }
        if (url == null) {
            throw new ConfigurationException("SQL assertion location classpath:" + path + " does not exist: check "
                    + "the path (relative to the class path root, e.g. db/assertions)");
        }
        try {
            if (url.getProtocol().equals("jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(url.toURI(), Map.of())) {
                    return fromDirectory(jar.getPath(path));
                }
            }
            return fromDirectory(Path.of(url.toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read SQL assertions at classpath:" + path, e);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("Cannot read SQL assertions at classpath:" + path + ": " + e.getMessage());
        }
    }

    /** Assertions given in code: name to SQL. */
    public static SqlAssertions of(Map<String, String> namedQueries) {
        List<Assertion> assertions = new ArrayList<>();
        namedQueries.forEach((name, sql) -> assertions.add(parse(name, sql)));
        return new SqlAssertions(assertions);
    }

    public List<Assertion> assertions() {
        return assertions;
    }

    static Assertion parse(String name, String text) {
        String description = null;
        Severity severity = Severity.BLOCKING;
        for (String line : text.lines().map(String::strip).toList()) {
            if (!line.startsWith("--")) {
                continue;
            }
            String comment = line.substring(2).strip();
            if (comment.startsWith("rehearsal:severity")) {
                String value = comment.substring("rehearsal:severity".length()).strip().toUpperCase(Locale.ROOT);
                try {
                    severity = Severity.valueOf(value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("SQL assertion " + name + ": unknown severity '" + value
                            + "': use info, warning or blocking");
                }
            } else if (description == null && !comment.isEmpty()) {
                description = comment;
            }
        }
        String sql = text.strip().replaceAll(";\\s*$", "");
        if (sql.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("--"))) {
            throw new ConfigurationException("SQL assertion " + name + " holds no query: write a SELECT that returns "
                    + "the rows that violate the assertion");
        }
        return new Assertion(name, description, severity, sql);
    }

    @Override
    public String name() {
        return "SQL assertions";
    }

    @Override
    public List<Finding> evaluate(CheckContext context) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (Connection connection = context.branch().getConnection()) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            for (Assertion assertion : assertions) {
                findings.addAll(run(connection, assertion));
                connection.rollback();
            }
        }
        return findings;
    }

    private static List<Finding> run(Connection connection, Assertion assertion) {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                assertion.sql())) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> sample = new ArrayList<>();
            long count = 0;
            while (rows.next()) {
                count++;
                if (sample.size() < SAMPLE_ROWS) {
                    StringBuilder row = new StringBuilder();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        row.append(c > 1 ? ", " : "").append(meta.getColumnLabel(c)).append('=')
                                .append(rows.getString(c));
                    }
                    sample.add(row.toString());
                }
            }
            if (count == 0) {
                return List.of();
            }
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("assertion", assertion.name());
            evidence.put("rows", count);
            evidence.put("sample", sample);
            return List.of(new Finding(FindingKinds.ASSERTION_FAILED, assertion.severity(), null, assertion.sql(),
                    (assertion.description() == null ? assertion.name() : assertion.name() + " (" + assertion
                            .description() + ")") + " returned " + count + " row(s)", evidence, null));
        } catch (SQLException e) {
            return List.of(new Finding(FindingKinds.CHECK_ERROR, Severity.BLOCKING, null, assertion.sql(),
                    "SQL assertion " + assertion.name() + " could not run: " + e.getMessage(),
                    Map.of("sqlState", String.valueOf(e.getSQLState())), "fix the query"));
        }
    }
}
