package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.Promotion;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.HeldLock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Safe promotion with Flyway itself: a Flyway migration that gives way to a lock is rolled back by Flyway, left out
 * of its history, and retried; Flyway's history ends up as plain {@code flyway migrate} would have written it.
 */
class FlywayPromotionIT {
    private static final Duration LOCK_TIMEOUT = Duration.ofMillis(250);

    @Test
    void aFlywayMigrationBlockedByALongTransactionIsRetriedAndRecordedOnce() throws Exception {
        String target = Shop.production("flyway_lock_retry");
        AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>();

        Outcome outcome = Rehearsal.configure().target(POSTGRES.jdbcUrl(target), "postgres", null)
                .engine(FlywayEngine.of(Shop.flyway(target, "db/base", "db/safe")))
                .check(context -> {
                    // after the branch was made, the application starts a long transaction reading customers
                    released.set(HeldLock.hold(POSTGRES, target, "nightly-report", "SELECT count(*) FROM customers")
                            .releaseAfterBlocking(Duration.ofSeconds(1)));
                    return List.of();
                })
                .lockTimeout(LOCK_TIMEOUT).retryBackoff(Duration.ofMillis(300)).lockRetries(20)
                .load().run();

        released.get().get(10, TimeUnit.SECONDS);
        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        Promotion promotion = outcome.promotion();
        assertThat(promotion.retries()).isNotEmpty().allSatisfy(retry -> {
            assertThat(retry.migration()).isEqualTo("3");
            assertThat(retry.message()).contains("lock timeout");
        });
        assertThat(promotion.verified()).isTrue();
        assertThat(Shop.history(target)).extracting(row -> row.split("\\|")[1] + "|" + row.split("\\|")[7])
                .containsExactly("1|t", "2|t", "3|t", "4|t");
    }

    @Test
    void aDatabaseFlywayNeverMigratedTakesAMigrationOutsideATransactionFromTheFirstVersion() {
        // Flyway refuses a schema that holds tables but no history: Rehearsal's record of the promotion must not
        // be the table it finds there
        String target = POSTGRES.createDatabase("flyway_first_run");

        Outcome outcome = Rehearsal.configure().target(POSTGRES.jdbcUrl(target), "postgres", null)
                .engine(FlywayEngine.of(Shop.flyway(target, "db/base", "db/concurrent")))
                .load().run();

        assertThat(outcome.verdict()).as(String.valueOf(outcome.failure())).isEqualTo(Verdict.PROMOTED);
        assertThat(Shop.history(target)).extracting(row -> row.split("\\|")[1]).containsExactly("1", "2", "3");
        assertThat(POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_name_idx'::regclass")).containsExactly("t");
        assertThat(POSTGRES.query(target, "SELECT to_regclass('rehearsal_intent') IS NULL")).containsExactly("t");
    }
}
