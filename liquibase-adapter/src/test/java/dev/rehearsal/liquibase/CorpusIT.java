package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Policy;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.testing.Corpus;
import dev.rehearsal.testing.Corpus.Scenario;
import dev.rehearsal.testing.CorpusCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rehearses every scenario of the shared {@link Corpus} with Liquibase and compares the verdict and the kinds of
 * finding with the scenario's expectation — the same expectations the Flyway adapter meets.
 *
 * <p>Each scenario becomes a Liquibase changelog generated from the corpus: {@code <scenario>.xml} includes
 * {@code seed.xml} and has one {@code sqlFile} changeset per migration script (id = the script's name, e.g.
 * {@code V3__index_orders_by_customer}), with {@code runInTransaction="false"} where the script's {@code .sql.conf}
 * says {@code executeInTransaction=false} (CONCURRENTLY, VACUUM). The seed is migrated once by plain Liquibase into
 * a template; each scenario's target is a copy of it. Two scenarios are rehearsed at a time (see
 * junit-platform.properties). A mismatch in a scenario with a known issue of Rehearsal ({@code knownIssue=}) is
 * reported as aborted, with the issue.
 */
class CorpusIT {
    private static final String SEED_CHANGELOG = "seed.xml";
    private static final String SCENARIOS = "rehearsal.test.corpus.scenarios";

    @TempDir
    static Path changelogs;
    private static String seed;

    @BeforeAll
    static void migrateTheSeedOnce() throws IOException {
        Map<String, String> seedFiles = Corpus.seedFiles();
        write(Corpus.SEED, seedFiles);
        writeChangelog(SEED_CHANGELOG, null, Corpus.SEED, scripts(seedFiles),
                script -> runsInTransaction(seedFiles, script));
        for (Scenario scenario : Corpus.scenarios()) {
            write(scenario.name(), scenario.files());
            writeChangelog(scenario.name() + ".xml", SEED_CHANGELOG, scenario.name(), scenario.scripts(),
                    scenario::runsInTransaction);
        }
        seed = POSTGRES.createDatabase("corpus_seed");
        Shop.liquibaseUpdate(seed, SEED_CHANGELOG, null, null, Map.of(), new DirectoryResourceAccessor(changelogs));
    }

    @AfterAll
    static void dropTheSeed() {
        if (seed != null) {
            POSTGRES.dropDatabase(seed);
        }
    }

    /**
     * Every scenario, or those whose number the system property {@value #SCENARIOS} lists (e.g. {@code 02,14,31}):
     * the build's second run, on Liquibase 5.x, rehearses a sample that covers what differs between changelogs (see
     * pom.xml), to keep the build short.
     */
    static Stream<Named<Scenario>> scenarios() {
        String only = System.getProperty(SCENARIOS, "");
        Set<String> numbers = Stream.of(only.split(",")).map(String::strip).filter(n -> !n.isEmpty())
                .collect(Collectors.toSet());
        return Corpus.scenarios().stream()
                .filter(s -> numbers.isEmpty() || numbers.contains(s.name().substring(0, 2)))
                .map(s -> Named.of(s.description() + " [" + s.name() + "]", s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @Execution(ExecutionMode.CONCURRENT)
    void givesEveryScenarioItsExpectedVerdictAndFindings(Scenario scenario) {
        String target = CorpusCheck.copyOfSeed(POSTGRES, seed, "t_lbcorpus_", scenario);
        try {
            Outcome outcome = Rehearsal.configure()
                    .target(POSTGRES.location(target))
                    .engine(LiquibaseEngine.configure()
                            .changelog(scenario.name() + ".xml")
                            .searchPath(changelogs.toString())
                            .load())
                    .policy(Policy.defaults())
                    .load()
                    .rehearse();

            CorpusCheck.verify(scenario, outcome, POSTGRES, target, (softly, summary) -> softly.assertThat(outcome.migrations())
                    .as("changesets rehearsed" + summary)
                    .extracting(m -> m.id().split("::")[1])
                    .containsExactlyElementsOf(scenario.scripts().stream().map(CorpusIT::changesetId).toList()));
        } finally {
            POSTGRES.dropDatabase(target);
        }
    }


    /** {@code V3__index_orders_by_customer.sql} becomes changeset {@code V3__index_orders_by_customer}. */
    private static String changesetId(String script) {
        return script.substring(0, script.length() - ".sql".length());
    }

    private static void write(String directory, Map<String, String> files) throws IOException {
        Path dir = Files.createDirectories(changelogs.resolve(directory));
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (!file.getKey().equals("expected.properties")) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
        }
    }

    /** One {@code sqlFile} changeset per script, after an optional include. */
    private static void writeChangelog(String name, String include, String directory, List<String> scripts,
                                       java.util.function.Predicate<String> inTransaction) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                                   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                                   xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                                       http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
                """);
        if (include != null) {
            xml.append("    <include file=\"").append(include).append("\"/>\n");
        }
        for (String script : scripts) {
            xml.append("    <changeSet id=\"").append(changesetId(script)).append("\" author=\"corpus\"")
                    .append(inTransaction.test(script) ? "" : " runInTransaction=\"false\"").append(">\n")
                    .append("        <sqlFile path=\"").append(directory).append('/').append(script)
                    .append("\" encoding=\"UTF-8\"/>\n")
                    .append("    </changeSet>\n");
        }
        xml.append("</databaseChangeLog>\n");
        try {
            Files.writeString(changelogs.resolve(name), xml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed's scripts in version order (V2 before V2_1 before V10). */
    private static List<String> scripts(Map<String, String> files) {
        return files.keySet().stream().filter(file -> file.endsWith(".sql")).sorted(Comparator.comparing(
                CorpusIT::version, CorpusIT::compareVersions)).toList();
    }

    private static int[] version(String script) {
        return Stream.of(script.substring(1, script.indexOf("__")).split("_")).mapToInt(Integer::parseInt).toArray();
    }

    private static int compareVersions(int[] a, int[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static boolean runsInTransaction(Map<String, String> files, String script) {
        String conf = files.get(script + ".conf");
        return conf == null || conf.lines().map(line -> line.replace(" ", ""))
                .noneMatch(line -> line.equalsIgnoreCase("executeInTransaction=false"));
    }
}
