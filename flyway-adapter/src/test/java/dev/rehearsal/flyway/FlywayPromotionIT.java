package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Outcome;
import dev.rehearsal.Promotion;
import dev.rehearsal.Rehearsal;
import dev.rehearsal.Verdict;
import dev.rehearsal.testing.HeldLock;
import dev.rehearsal.testing.RunnerProcesses;
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
                    HeldLock report = HeldLock.hold(POSTGRES, target, "nightly-report",
                            "SELECT count(*) FROM customers");
                    released.set(CompletableFuture.runAsync(() -> endOnceThePromotionGaveWay(report, target)));
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

    /**
     * Ends the report's transaction once the promotion has waited for its lock and given way at least once (its
     * lock timeout expired while the lock was still held), however long the promotion took to start: a slower Flyway
     * or a busy machine would otherwise find the lock already gone.
     */
    private static void endOnceThePromotionGaveWay(HeldLock report, String target) {
        try (report) {
            RunnerProcesses.await("the promotion to wait for the report's lock", () -> !POSTGRES.query(target,
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND application_name = 'rehearsal' AND wait_event_type = 'Lock'").isEmpty());
            Thread.sleep(LOCK_TIMEOUT.multipliedBy(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
