package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Outcome;
import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Policy;
import dev.rehearsal.check.Severity;
import dev.rehearsal.report.ConsoleSummary;
import dev.rehearsal.testing.Corpus;
import dev.rehearsal.testing.Corpus.Scenario;
import dev.rehearsal.testing.TestPostgres;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rehearses every scenario of the shared {@link Corpus} with Flyway and compares the verdict and the kinds of finding
 * with the scenario's expectation. The seed is migrated once, into a template; each scenario's target is a copy of
 * it, and two scenarios are rehearsed at a time (see junit-platform.properties): the expectations rest on row counts,
 * not on timings. A mismatch in a scenario with a known issue of Rehearsal ({@code knownIssue=}) is reported as
 * aborted, with the issue.
 */
class CorpusIT {
    private static String seed;

    @BeforeAll
    static void migrateTheSeedOnce() {
        seed = POSTGRES.createDatabase("corpus_seed");
        Flyway.configure().dataSource(POSTGRES.jdbcUrl(seed), "postgres", null).locations(Corpus.seedLocation())
                .load().migrate();
    }

    @AfterAll
    static void dropTheSeed() {
        if (seed != null) {
            POSTGRES.dropDatabase(seed);
        }
    }

    static Stream<Named<Scenario>> scenarios() {
        return Corpus.scenarios().stream().map(s -> Named.of(s.description() + " [" + s.name() + "]", s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @Execution(ExecutionMode.CONCURRENT)
    void givesEveryScenarioItsExpectedVerdictAndFindings(Scenario scenario) {
        String target = copyOfSeed(scenario);
        try {
            Outcome outcome = Rehearsal.configure()
                    .target(POSTGRES.location(target))
                    .engine(FlywayEngine.of(Flyway.configure()
                            .dataSource(POSTGRES.jdbcUrl(target), "postgres", null)
                            .locations(Corpus.seedLocation(), scenario.location())))
                    .policy(Policy.defaults())
                    .load()
                    .rehearse();

            String summary = "\n" + scenario.name() + ": " + scenario.description() + "\n"
                    + ConsoleSummary.render(outcome);
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(outcome.verdict()).as("verdict" + summary).isEqualTo(scenario.verdict());
            softly.assertThat(kinds(outcome, false)).as("kinds found at WARNING or BLOCKING" + summary)
                    .isEqualTo(new TreeSet<>(scenario.findings()));
            softly.assertThat(kinds(outcome, true)).as("kinds acknowledged" + summary)
                    .isEqualTo(new TreeSet<>(scenario.acknowledged()));
            if (scenario.sqlState() != null) {
                softly.assertThat(outcome.failure()).as("failure" + summary).isNotNull();
                if (outcome.failure() != null) {
                    softly.assertThat(outcome.failure().sqlState()).as("SQLSTATE" + summary)
                            .isEqualTo(scenario.sqlState());
                }
            }
            assertThat(POSTGRES.branchesOf(target)).as("branches left" + summary).isEmpty();
            try {
                softly.assertAll();
            } catch (AssertionError mismatch) {
                if (scenario.knownIssue() == null) {
                    throw mismatch;
                }
                Assumptions.abort("Known issue: " + scenario.knownIssue() + "\n" + mismatch.getMessage());
            }
        } finally {
            POSTGRES.dropDatabase(target);
        }
    }

    /** A copy of the seed, as a file copy: much faster than migrating 400 000 rows again. */
    private static String copyOfSeed(Scenario scenario) {
        String target = "t_corpus_" + scenario.name().substring(0, 2) + "_" + ProcessHandle.current().pid();
        POSTGRES.execute("postgres", "CREATE DATABASE " + TestPostgres.quoteIdentifier(target) + " TEMPLATE "
                + TestPostgres.quoteIdentifier(seed) + " STRATEGY FILE_COPY");
        return target;
    }

    private static Set<String> kinds(Outcome outcome, boolean acknowledged) {
        return outcome.findings().stream()
                .filter(finding -> finding.severity().compareTo(Severity.WARNING) >= 0)
                .filter(finding -> !acknowledged || finding.acknowledgement() != null)
                .map(Finding::kind)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
