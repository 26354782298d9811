package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Policy;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.testing.Corpus;
import dev.rehearsal.testing.Corpus.Scenario;
import dev.rehearsal.testing.CorpusCheck;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
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
        String target = CorpusCheck.copyOfSeed(POSTGRES, seed, "t_corpus_", scenario);
        try {
            Outcome outcome = Rehearsal.configure()
                    .target(POSTGRES.location(target))
                    .engine(FlywayEngine.of(Flyway.configure()
                            .dataSource(POSTGRES.jdbcUrl(target), "postgres", null)
                            .locations(Corpus.seedLocation(), scenario.location())))
                    .policy(Policy.defaults())
                    .load()
                    .rehearse();

            CorpusCheck.verify(scenario, outcome, POSTGRES, target, (softly, summary) -> { });
        } finally {
            POSTGRES.dropDatabase(target);
        }
    }
}
