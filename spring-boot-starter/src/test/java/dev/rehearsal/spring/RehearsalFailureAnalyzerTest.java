package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.Timings;
import dev.rehearsal.outcome.RehearsalFailedException;
import dev.rehearsal.outcome.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A start-up Rehearsal stopped says why in one screen, and what to do, in Spring's words. */
class RehearsalFailureAnalyzerTest {
    private final RehearsalFailureAnalyzer analyzer = new RehearsalFailureAnalyzer();

    @Test
    void showsTheOutcomesSummaryOfABlockedStartUp() {
        Outcome blocked = new Outcome(Verdict.BLOCKED, "jdbc:postgresql://db:5432/shop", "Flyway 11.14.1",
                List.of(new MigrationStatus("3", "drop legacy code", "V3__drop_legacy_code.sql",
                        MigrationStatus.State.APPLIED, MigrationStatus.State.NOT_RUN)), null, null,
                List.of(new Finding(FindingKinds.DATA_LOSS, Severity.BLOCKING, "3", "ALTER TABLE customers DROP "
                        + "COLUMN legacy_code", "column public.customers.legacy_code was dropped with 1000 values",
                        Map.of(), "copy the values elsewhere first")), List.of(), List.of(),
                Instant.parse("2026-11-29T12:00:00Z"), new Timings(1, 2, 3, 4, 5, 6, 0, 21), null, List.of());

        FailureAnalysis analysis = analyzer.analyze(new BeanCreationException("flywayInitializer",
                "Invocation of init method failed", outcomeThrown(blocked)));

        assertThat(analysis.getDescription()).contains("Flyway 11.14.1: BLOCKED", "[data-loss]",
                "legacy_code was dropped with 1000 values", "safer: copy the values elsewhere first");
        assertThat(analysis.getAction()).contains("Nothing was applied", "-- rehearsal:allow <kind>: <reason>",
                "rehearsal.severities.<kind>=warning");
    }

    @Test
    void showsTheMessageOfAConfigurationError() {
        FailureAnalysis analysis = analyzer.analyze(new BeanCreationException("liquibase", "failed",
                new ConfigurationException("rehearsal.lock-timeout=2h is out of range")));

        assertThat(analysis.getDescription()).contains("rehearsal.lock-timeout=2h is out of range");
        assertThat(analysis.getAction()).contains("rehearsal.enabled=false");
    }

    @Test
    void leavesOtherFailuresToBoot() {
        assertThat(analyzer.analyze(new BeanCreationException("other", "failed",
                new IllegalStateException("not ours")))).isNull();
    }

    private static RehearsalFailedException outcomeThrown(Outcome outcome) {
        try {
            outcome.orThrow();
            throw new AssertionError("a blocked outcome throws");
        } catch (RehearsalFailedException e) {
            return e;
        }
    }
}
