package dev.rehearsal.outcome;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the migrations reached the target (present in an {@link Outcome} once promotion was attempted).
 *
 * @param lockTimeout      the {@code lock_timeout} each of the target's migration transactions ran with (zero: none)
 * @param statementTimeout the {@code statement_timeout} of the promotion's sessions, or null for none
 * @param attempts         how many times the migrations were applied: 1 when the first attempt went through
 * @param retries          each attempt that gave way to a lock held on the target, and how long it then waited
 * @param verified         true when the target's schema was found equal to the rehearsed branch's afterwards; false
 *                         when it differs ({@link Verdict#DIVERGED}) or was not compared (promotion failed)
 * @param fingerprint      the {@linkplain dev.rehearsal.catalog.SchemaFingerprint#digest() digest} of the target's
 *                         schema after promotion, or null when it was not read
 * @param differences      what differs between the target and the rehearsed branch after the same migrations, one
 *                         line each ({@code "only on the target: ..."}, {@code "only on the branch: ..."})
 */
public record Promotion(Duration lockTimeout, Duration statementTimeout, int attempts, List<Retry> retries,
                        boolean verified, String fingerprint, List<String> differences) {
    public Promotion {
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        retries = List.copyOf(retries);
        differences = List.copyOf(differences);
    }

    /**
     * An attempt that gave way: a migration could not get a lock within the lock timeout, its transaction was rolled
     * back, and promotion waited before trying again.
     *
     * @param attempt     which attempt gave way (1 for the first)
     * @param migration   the migration that waited for the lock
     * @param message     the server's message
     * @param waitedMillis how long promotion waited before the next attempt
     */
    public record Retry(int attempt, String migration, String message, long waitedMillis) {
    }
}
