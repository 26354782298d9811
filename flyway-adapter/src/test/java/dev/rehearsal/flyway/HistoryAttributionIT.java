package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.check.Policy;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.AttributionCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A shop's release as a team writes it: seven versioned migrations and a repeatable migration that re-creates the
 * reporting views over the columns the versioned ones renamed, retyped and dropped, on 20 000 customers and 40 000
 * orders. Every finding must name the migration that made its change — never the view migration that mentions the
 * same columns afterwards, nor the function whose body does, nor Flyway's own statements.
 */
class HistoryAttributionIT {
    private static String target;

    @BeforeAll
    static void releasedShop() {
        target = POSTGRES.createDatabase("history");
        Shop.flyway(target, "history/shop", "history/released-views").load().migrate();
    }

    @AfterAll
    static void drop() {
        POSTGRES.dropDatabase(target);
    }

    @Test
    void namesTheMigrationThatMadeEachChange() {
        Outcome outcome = Rehearsal.configure()
                .target(POSTGRES.location(target))
                .engine(FlywayEngine.of(Shop.flyway(target, "history/shop", "history/next", "history/next-views")))
                .policy(Policy.builder().rowsUnderLock(5_000).backfillRows(5_000).build())
                .load()
                .rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        AttributionCheck.expect()
                .subject("cancelled", "8")
                .subject("email", "2")
                .subject("price", "3")
                .subject("phone", "4")
                .subject("status", "6")
                .subject("invoices", "7")
                .verify(outcome, "flyway_schema_history", "SELECT version()");
        // the acknowledgement in V4 applies where the column really was dropped
        assertThat(outcome.findings()).filteredOn(f -> f.kind().equals(FindingKinds.DATA_LOSS)
                        && f.message().contains("phone"))
                .singleElement().satisfies(f -> assertThat(f.acknowledgement()).contains("CRM import"))
                .extracting(Finding::isBlocking).isEqualTo(false);
    }
}
