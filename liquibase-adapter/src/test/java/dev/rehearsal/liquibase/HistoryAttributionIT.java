package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
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
 * A shop's release as a Liquibase changelog: typed changes (rename, type change, drop column, NOT NULL, a table with
 * a foreign key, deletes), a function, and a {@code runOnChange} changeset that re-creates the reporting views over
 * the columns the others renamed, retyped and dropped, on 20 000 customers and 40 000 orders. Every finding must
 * name the changeset that made its change — never the views changeset, nor the function's, nor Liquibase's own
 * DATABASECHANGELOG rows. Both changelogs have the logical path {@code shop/changelog.xml}: the release is the next
 * version of the same file.
 */
class HistoryAttributionIT {
    private static String target;

    @BeforeAll
    static void releasedShop() {
        target = POSTGRES.createDatabase("history");
        Shop.liquibaseUpdate(target, "history/released/changelog.xml");
    }

    @AfterAll
    static void drop() {
        POSTGRES.dropDatabase(target);
    }

    @Test
    void namesTheChangesetThatMadeEachChange() {
        Outcome outcome = Rehearsal.configure()
                .target(POSTGRES.location(target))
                .engine(LiquibaseEngine.configure()
                        .changelog("history/next/changelog.xml")
                        .load())
                .policy(Policy.builder().rowsUnderLock(5_000).backfillRows(5_000).build())
                .load()
                .rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        AttributionCheck.expect()
                .subject("cancelled", "shop/changelog.xml::purge-cancelled-orders::carla")
                .subject("email", "shop/changelog.xml::rename-email::anna")
                .subject("price", "shop/changelog.xml::prices-as-bigint::anna")
                .subject("phone", "shop/changelog.xml::drop-phone::ben")
                .subject("status", "shop/changelog.xml::order-status-required::carla")
                .subject("invoices", "shop/changelog.xml::invoices::carla")
                .verify(outcome, "databasechangelog");
        assertThat(outcome.findings()).filteredOn(f -> f.kind().equals(FindingKinds.DATA_LOSS)
                        && f.message().contains("phone"))
                .singleElement().satisfies(f -> assertThat(f.acknowledgement()).contains("CRM import"))
                .extracting(Finding::isBlocking).isEqualTo(false);
    }
}
