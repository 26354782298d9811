package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
import static dev.rehearsal.liquibase.Shop.changeset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.RehearsalFailedException;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.HeldLock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The rehearsal pipeline end to end with Liquibase, on the embedded PostgreSQL. */
class LiquibaseRehearsalIT {
    private static final String SAFE = "db/changelog/safe.yaml";
    private static final String DUPLICATES = "db/changelog/duplicates.xml";
    private static final String THREE = "db/changelog/sql/three.sql";

    private static Rehearsal.Builder rehearsal(String database, String changelog) {
        return Rehearsal.configure().target(POSTGRES.location(database)).engine(LiquibaseEngine.of(changelog));
    }

    @Test
    void promotesASafeChangelogWithTheHistoryPlainLiquibaseWouldHaveWritten() {
        String target = Shop.production("promote");
        String reference = Shop.twin(target);
        Shop.liquibaseUpdate(reference, SAFE);

        Outcome outcome = rehearsal(target, SAFE).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.engine()).startsWith("Liquibase ");
        assertThat(outcome.migrations()).extracting(MigrationStatus::id, MigrationStatus::branch, MigrationStatus::target)
                .containsExactly(tuple(changeset(SAFE, "add-loyalty-points"), State.APPLIED, State.APPLIED),
                        tuple(changeset(SAFE, "create-orders"), State.APPLIED, State.APPLIED));
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM orders")).containsExactly("3333");
        assertThat(Shop.history(target)).hasSize(4).isEqualTo(Shop.history(reference));
        assertThat(Shop.describeWithoutHistoryTimes(target)).isEqualTo(Shop.describeWithoutHistoryTimes(reference));
        assertThat(Shop.lock(target)).as("Liquibase's lock, released").isEqualTo("f|<null>");
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void aChangesetBlockedByALongTransactionOnTheTargetIsRetriedAndRecordedOnce() throws Exception {
        String target = Shop.production("lock_retry");
        String reference = Shop.twin(target);
        Shop.liquibaseUpdate(reference, SAFE);
        AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>();

        Outcome outcome = rehearsal(target, SAFE).check(context -> {
            // after the branch was made, the application starts a long transaction reading customers
            released.set(HeldLock.hold(POSTGRES, target, "nightly-report", "SELECT count(*) FROM customers")
                    .releaseAfterBlocking(Duration.ofSeconds(1)));
            return List.of();
        }).lockTimeout(Duration.ofMillis(250)).retryBackoff(Duration.ofMillis(300))
                .lockRetries(20).load().run();

        released.get().get(10, TimeUnit.SECONDS);
        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.promotion().retries()).isNotEmpty().allSatisfy(retry ->
                assertThat(retry.migration()).isEqualTo(changeset(SAFE, "add-loyalty-points")));
        assertThat(outcome.promotion().verified()).isTrue();
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
        assertThat(Shop.lock(target)).as("Liquibase's lock, released").isEqualTo("f|<null>");
    }

    @Test
    void blocksAChangesetThatFailsOnTheTargetsDataAndLeavesTheTargetUnchanged() {
        String target = Shop.production("duplicates");
        String before = POSTGRES.describe(target);

        Outcome outcome = rehearsal(target, DUPLICATES).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().database()).isEqualTo("branch");
        assertThat(outcome.failure().migration()).isEqualTo(changeset(DUPLICATES, "unique-customer-email"));
        assertThat(outcome.failure().sqlState()).isEqualTo("23505");
        assertThat(outcome.failure().statement()).contains("CREATE UNIQUE INDEX customers_email_key");
        assertThat(outcome.failure().message()).contains("could not create unique index");
        assertThat(outcome.failure().detail()).contains("is duplicated");
        assertThat(outcome.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("failed-on-data");
            assertThat(finding.migration()).isEqualTo(changeset(DUPLICATES, "unique-customer-email"));
        });
        assertThat(outcome.migrations()).singleElement().satisfies(m -> {
            assertThat(m.branch()).isEqualTo(State.FAILED);
            assertThat(m.target()).isEqualTo(State.NOT_RUN);
        });
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
        assertThat(catchThrowable(outcome::orThrow)).isInstanceOf(RehearsalFailedException.class)
                .hasMessageContaining("23505").hasMessageContaining("unique-customer-email");
    }

    @Test
    void letsNothingOfAThreeChangesetSetReachTheTargetWhenTheSecondFails() {
        String target = Shop.production("three");
        String before = POSTGRES.describe(target);

        Outcome outcome = rehearsal(target, "db/changelog/three.yaml").load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.migrations()).extracting(MigrationStatus::id, MigrationStatus::branch, MigrationStatus::target)
                .containsExactly(tuple(changeset(THREE, "add-country"), State.APPLIED, State.NOT_RUN),
                        tuple(changeset(THREE, "require-email"), State.FAILED, State.NOT_RUN),
                        tuple(changeset(THREE, "index-country"), State.NOT_RUN, State.NOT_RUN));
        assertThat(outcome.failure().sqlState()).isEqualTo("23502");
        assertThat(outcome.failure().statement()).contains("SET NOT NULL");
        assertThat(POSTGRES.describe(target)).as("schema, data, DATABASECHANGELOG and lock").isEqualTo(before);
        assertThat(Shop.historyIds(target)).containsExactly("create-customers", "seed-customers");
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void tracesEveryStatementOfTheRehearsalAndAttributesItToItsChangeset() {
        String target = Shop.production("trace");

        Outcome outcome = rehearsal(target, SAFE).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo(changeset(SAFE, "add-loyalty-points"));
            assertThat(s.sql()).contains("ADD loyalty_points");
            assertThat(s.inTransaction()).isTrue();
        });
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo(changeset(SAFE, "create-orders"));
            assertThat(s.sql()).contains("INSERT INTO orders");
            assertThat(s.rowsAffected()).isEqualTo(3333L);
        });
        assertThat(outcome.statements()).as("the changeset's own row in DATABASECHANGELOG, in its transaction, "
                        + "recorded as Liquibase's bookkeeping rather than as the changeset's statement")
                .filteredOn(s -> s.sql().toUpperCase(Locale.ROOT).contains("INSERT INTO PUBLIC.DATABASECHANGELOG"))
                .hasSize(2)
                .allSatisfy(s -> {
                    assertThat(s.migration()).isNull();
                    assertThat(s.inTransaction()).isTrue();
                });
        assertThat(Shop.historyIds(target)).hasSize(2);
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

    @Test
    void makesNoBranchWhenNothingIsPending() {
        String target = Shop.production("uptodate");
        String before = POSTGRES.describe(target);
        var databasesBefore = POSTGRES.databasesStartingWith(TemplateBranchProvider.DEFAULT_PREFIX);

        Outcome outcome = rehearsal(target, Shop.BASE).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.NOTHING_PENDING);
        assertThat(outcome.branch()).isNull();
        assertThat(POSTGRES.databasesStartingWith(TemplateBranchProvider.DEFAULT_PREFIX)).isEqualTo(databasesBefore);
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
    }

    @Test
    void reportsAPromotionThatFailsOnTheTargetWithTheServersWordsAndReleasesTheLock() {
        String target = Shop.production("targetonly");
        String failing = changeset("db/changelog/sql/targetonly.sql", "fails-only-outside-a-branch");

        Outcome outcome = rehearsal(target, "db/changelog/targetonly.json").load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTION_FAILED);
        assertThat(outcome.migrations()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(failing);
            assertThat(m.branch()).isEqualTo(State.APPLIED);
            assertThat(m.target()).isEqualTo(State.FAILED);
        });
        assertThat(outcome.failure().database()).isEqualTo("target");
        assertThat(outcome.failure().migration()).isEqualTo(failing);
        assertThat(outcome.failure().sqlState()).isEqualTo("P0001");
        assertThat(outcome.failure().message()).contains("refuses to run on " + target);
        assertThat(outcome.failure().statement()).as("Liquibase's failed SQL").contains("RAISE EXCEPTION");
        assertThat(Shop.historyIds(target)).hasSize(2);
        assertThat(Shop.lock(target)).isEqualTo("f|<null>");
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }
}
