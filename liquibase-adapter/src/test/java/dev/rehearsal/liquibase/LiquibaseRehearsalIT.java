package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
import static dev.rehearsal.liquibase.Shop.changeset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The rehearsal pipeline end to end with what only Liquibase's changelogs have. The rest, the same for every engine,
 * is the engine contract: {@link LiquibaseEngineContractIT}.
 */
class LiquibaseRehearsalIT {
    private static Rehearsal.Builder rehearsal(String database, String changelog) {
        return Rehearsal.configure().target(POSTGRES.location(database)).engine(LiquibaseEngine.of(changelog));
    }

    @Test
    void honoursAnAcknowledgementWrittenInAFormattedSqlChangesetThatKeepsItsComments() {
        String target = Shop.production("acknowledged");

        Outcome outcome = rehearsal(target, "db/changelog/acknowledged.yaml").load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.findings()).filteredOn(f -> f.kind().equals("data-loss")).singleElement()
                .satisfies(finding -> {
                    assertThat(finding.migration())
                            .isEqualTo(changeset("db/changelog/sql/acknowledged.sql", "drop-customer-created-at"));
                    assertThat(finding.acknowledgement()).contains("kept in the CRM");
                });
    }
}
