package dev.rehearsal.testing;

import dev.rehearsal.outcome.Verdict;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The corpus of migration scenarios that every engine adapter must judge alike, kept as plain SQL and expectations on
 * the class path (in core's test jar) under {@code corpus/}:
 *
 * <ul>
 *   <li>{@code corpus/seed/}: the target's migrations ({@code V1__schema.sql}, {@code V2__data.sql}, ...): a shop
 *       whose tables hold at least 100 000 rows where the scenarios touch them, with flawed data (case-duplicate
 *       emails, missing phones, non-numeric legacy codes, dangling referrers);
 *   <li>{@code corpus/<NN-name>/}: one scenario: the migrations that follow the seed ({@code V3__...sql}, maybe
 *       {@code V4}, {@code V5}), each run in a transaction of its own unless a {@code .sql.conf} beside it says
 *       {@code executeInTransaction=false} (Flyway's script configuration; every script that cannot run in a
 *       transaction has one, so that no tool has to guess), and {@code expected.properties}:
 *       <pre>{@code
 * # one line: the test's name
 * description=CREATE INDEX without CONCURRENTLY blocks writes to orders (200 000 rows) while it scans them
 * # PASSED, BLOCKED or FAILED_ON_BRANCH, as rehearse() gives it
 * verdict=BLOCKED
 * # the exact set of kinds found at WARNING or BLOCKING, comma-separated (INFO is ignored)
 * findings=blocking-lock
 * # optional: which of them the migrations acknowledge
 * acknowledged=
 * # optional: the SQLSTATE of the failure of a FAILED_ON_BRANCH scenario
 * sqlState=
 * # optional: the known problem of Rehearsal that may make it get this one wrong for now (see below)
 * knownIssue=
 *       }</pre>
 * </ul>
 *
 * <p>An adapter's corpus test migrates one template database with the seed, copies it for each scenario, rehearses
 * the scenario's migrations on the copy under {@code Policy.defaults()} and compares the outcome with the
 * expectation.
 *
 * <p>The expectation is always what a careful PostgreSQL engineer expects. Where a known problem of Rehearsal itself
 * (not of its checks) makes the outcome differ, {@code knownIssue=} says which: the corpus test then reports a
 * mismatch as aborted, with the issue, rather than as a failure — and a match as a pass, so the line can go once the
 * problem is fixed.
 */
public final class Corpus {
    /** The corpus's directory on the class path. */
    public static final String ROOT = "corpus";
    /** The seed's directory under {@link #ROOT}. */
    public static final String SEED = "seed";

    private static final String EXPECTED = "expected.properties";
    private static final Set<String> KEYS = Set.of("description", "verdict", "findings", "acknowledged", "sqlState",
            "knownIssue");
    private static final Set<Verdict> VERDICTS = Set.of(Verdict.PASSED, Verdict.BLOCKED, Verdict.FAILED_ON_BRANCH);
    private static final Pattern NAME = Pattern.compile("\\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*");
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]+)*");
    private static final Pattern MIGRATION = Pattern.compile("V\\d+(?:_\\d+)*__\\w+\\.sql(?:\\.conf)?");
    /** V2 before V2_1 before V10, as Flyway orders versions. */
    private static final Comparator<String> BY_VERSION = (a, b) -> {
        int[] x = version(a);
        int[] y = version(b);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return Integer.compare(x.length, y.length);
    };

    /**
     * One scenario.
     *
     * @param name         its directory, e.g. {@code 01-create-index-without-concurrently}
     * @param description  what it shows, in one sentence: the test's name
     * @param verdict      the verdict {@code rehearse()} must give
     * @param findings     the kinds of the findings at WARNING or BLOCKING, acknowledged or not
     * @param acknowledged the kinds among {@code findings} that the migrations acknowledge
     * @param sqlState     the SQLSTATE of the failure of a {@link Verdict#FAILED_ON_BRANCH} scenario, or null
     * @param knownIssue   the known problem of Rehearsal that may make the outcome differ from the expectation, or null
     * @param files        its migration files (scripts and their {@code .conf}), name to content, in name order
     */
    public record Scenario(String name, String description, Verdict verdict, Set<String> findings,
                           Set<String> acknowledged, String sqlState, String knownIssue,
                           Map<String, String> files) {
        public Scenario {
            findings = Set.copyOf(findings);
            acknowledged = Set.copyOf(acknowledged);
            files = Collections.unmodifiableMap(new TreeMap<>(files));
        }

        /** Its SQL scripts, in version order. */
        public List<String> scripts() {
            return files.keySet().stream().filter(file -> file.endsWith(".sql")).sorted(BY_VERSION).toList();
        }

        /** False for a script whose {@code .sql.conf} says {@code executeInTransaction=false}. */
        public boolean runsInTransaction(String script) {
            String conf = files.get(script + ".conf");
            return conf == null || conf.lines().map(String::strip)
                    .noneMatch(line -> line.replace(" ", "").equalsIgnoreCase("executeInTransaction=false"));
        }

        /** Its migrations' location, e.g. for Flyway: {@code classpath:corpus/01-create-index-without-concurrently}. */
        public String location() {
            return "classpath:" + ROOT + "/" + name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Corpus() {
    }

    /** The seed's location, {@code classpath:corpus/seed}. */
    public static String seedLocation() {
        return "classpath:" + ROOT + "/" + SEED;
    }

    /** Every scenario, in name order. */
    public static List<Scenario> scenarios() {
        return onClassPath(root -> {
            List<Scenario> scenarios = new ArrayList<>();
            try (Stream<Path> directories = Files.list(root)) {
                for (Path directory : directories.filter(Files::isDirectory).sorted().toList()) {
                    String name = directory.getFileName().toString().replaceAll("/$", "");
                    if (!name.equals(SEED)) {
                        scenarios.add(scenario(name, directory));
                    }
                }
            }
            return List.copyOf(scenarios);
        });
    }

    /** The seed's migration files (scripts and their {@code .conf}), name to content, for tools that need the text. */
    public static Map<String, String> seedFiles() {
        return onClassPath(root -> {
            Map<String, String> files = contents(root.resolve(SEED));
            files.keySet().forEach(file -> requireMigration(SEED, file));
            return Collections.unmodifiableMap(files);
        });
    }

    private interface CorpusReader<T> {
        T read(Path root) throws IOException;
    }

    /** Reads the corpus from the directory or the jar that holds it. */
    private static <T> T onClassPath(CorpusReader<T> reader) {
        URL seed = Corpus.class.getClassLoader().getResource(ROOT + "/" + SEED + "/V1__schema.sql");
        if (seed == null) {
            throw new IllegalStateException("No corpus on the class path (" + ROOT + "/" + SEED + "/V1__schema.sql): "
                    + "add rehearsal-core's test jar as a test dependency");
        }
        try {
            URI uri = seed.toURI();
            if (!uri.getScheme().equals("jar")) {
                return reader.read(Path.of(uri).getParent().getParent());
            }
            FileSystem jar;
            boolean opened = true;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
                opened = false;
            }
            try {
                return reader.read(jar.getPath("/" + ROOT));
            } finally {
                if (opened) {
                    jar.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the corpus at " + seed, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot read the corpus at " + seed, e);
        }
    }

    /** Every file of a directory, name to content, in name order. */
    private static Map<String, String> contents(Path directory) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path file : entries.filter(Files::isRegularFile).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static void requireMigration(String directory, String file) {
        if (!MIGRATION.matcher(file).matches()) {
            throw invalid(directory, "unexpected file " + file + ": it holds V<n>__<name>.sql migrations (each with "
                    + "an optional .sql.conf)" + (directory.equals(SEED) ? "" : " and " + EXPECTED));
        }
    }

    private static Scenario scenario(String name, Path directory) throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw invalid(name, "its directory name must be two digits and kebab-case words, e.g. 01-create-index");
        }
        Map<String, String> files = contents(directory);
        String properties = files.remove(EXPECTED);
        if (properties == null) {
            throw invalid(name, "it has no " + EXPECTED);
        }
        files.keySet().forEach(file -> requireMigration(name, file));
        if (files.keySet().stream().noneMatch(file -> file.endsWith(".sql"))) {
            throw invalid(name, "it has no migration");
        }
        Properties expected = new Properties();
        expected.load(new StringReader(properties));
        for (String key : expected.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw invalid(name, "unknown key '" + key + "' in " + EXPECTED + ": use " + KEYS);
            }
        }
        String description = expected.getProperty("description", "").strip();
        if (description.isEmpty()) {
            throw invalid(name, "description= is missing");
        }
        Verdict verdict;
        try {
            verdict = Verdict.valueOf(expected.getProperty("verdict", "").strip());
        } catch (IllegalArgumentException e) {
            throw invalid(name, "verdict= must be one of " + VERDICTS);
        }
        if (!VERDICTS.contains(verdict)) {
            throw invalid(name, "verdict= must be one of " + VERDICTS + " (scenarios are rehearsed, never promoted)");
        }
        Set<String> findings = kinds(name, expected.getProperty("findings"));
        Set<String> acknowledged = kinds(name, expected.getProperty("acknowledged"));
        if (!findings.containsAll(acknowledged)) {
            throw invalid(name, "acknowledged= names kinds that findings= does not list");
        }
        String sqlState = expected.getProperty("sqlState", "").strip();
        if (!sqlState.isEmpty() && verdict != Verdict.FAILED_ON_BRANCH) {
            throw invalid(name, "sqlState= is for FAILED_ON_BRANCH scenarios only");
        }
        String knownIssue = expected.getProperty("knownIssue", "").strip();
        return new Scenario(name, description, verdict, findings, acknowledged, sqlState.isEmpty() ? null : sqlState,
                knownIssue.isEmpty() ? null : knownIssue, files);
    }

    private static Set<String> kinds(String scenario, String list) {
        if (list == null) {
            return Set.of();
        }
        if (list.isBlank()) {
            return Set.of();
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (String kind : Arrays.stream(list.split(",")).map(String::strip).toList()) {
            if (!KIND.matcher(kind).matches()) {
                throw invalid(scenario, "'" + kind + "' is not a finding kind: list kebab-case kinds separated by "
                        + "commas, e.g. findings=data-loss,breaking-change");
            }
            kinds.add(kind);
        }
        return kinds;
    }

    private static int[] version(String script) {
        return Arrays.stream(script.substring(1, script.indexOf("__")).split("_")).mapToInt(Integer::parseInt)
                .toArray();
    }

    private static IllegalStateException invalid(String scenario, String problem) {
        return new IllegalStateException("Corpus scenario " + scenario + " is invalid: " + problem);
    }
}
