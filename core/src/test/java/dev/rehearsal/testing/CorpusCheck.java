package dev.rehearsal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.report.Reports;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What every engine's corpus run asserts of a scenario's outcome: its verdict, the kinds found at WARNING or
 * BLOCKING, the kinds acknowledged, the SQLSTATE of a data-dependent failure, and that no branch is left. A mismatch
 * in a scenario marked {@code knownIssue} is reported as aborted with the reason instead of failing.
 */
public final class CorpusCheck {
    private CorpusCheck() {
    }

    /** A copy of the seed database, made by file copy: much faster than migrating the seed again. */
    public static String copyOfSeed(TestPostgres postgres, String seed, String prefix, Corpus.Scenario scenario) {
        String target = prefix + scenario.name().substring(0, 2) + "_" + ProcessHandle.current().pid();
        postgres.execute("postgres", "CREATE DATABASE " + TestPostgres.quoteIdentifier(target) + " TEMPLATE "
                + TestPostgres.quoteIdentifier(seed) + " STRATEGY FILE_COPY");
        return target;
    }

    /**
     * Asserts the outcome of rehearsing {@code scenario} on {@code target}.
     *
     * @param extra further soft assertions of the engine's own, given the failure-message suffix to use
     */
    public static void verify(Corpus.Scenario scenario, Outcome outcome, TestPostgres postgres, String target,
                              BiConsumer<SoftAssertions, String> extra) {
        String summary = "\n" + scenario.name() + ": " + scenario.description() + "\n" + Reports.summary(outcome);
        SoftAssertions softly = new SoftAssertions();
        extra.accept(softly, summary);
        softly.assertThat(outcome.verdict()).as("verdict" + summary).isEqualTo(scenario.verdict());
        softly.assertThat(kinds(outcome, false)).as("kinds found at WARNING or BLOCKING" + summary)
                .isEqualTo(new TreeSet<>(scenario.findings()));
        softly.assertThat(kinds(outcome, true)).as("kinds acknowledged" + summary)
                .isEqualTo(new TreeSet<>(scenario.acknowledged()));
        if (scenario.sqlState() != null) {
            softly.assertThat(outcome.failure()).as("failure" + summary).isNotNull();
            if (outcome.failure() != null) {
                softly.assertThat(outcome.failure().sqlState()).as("SQLSTATE" + summary).isEqualTo(scenario.sqlState());
            }
        }
        assertThat(postgres.branchesOf(target)).as("branches left" + summary).isEmpty();
        try {
            softly.assertAll();
        } catch (AssertionError mismatch) {
            if (scenario.knownIssue() == null) {
                throw mismatch;
            }
            Assumptions.abort("Known issue: " + scenario.knownIssue() + "\n" + mismatch.getMessage());
        }
    }

    private static Set<String> kinds(Outcome outcome, boolean acknowledged) {
        return outcome.findings().stream()
                .filter(finding -> finding.severity().compareTo(Severity.WARNING) >= 0)
                .filter(finding -> !acknowledged || finding.acknowledgement() != null)
                .map(Finding::kind)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
