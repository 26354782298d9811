package dev.rehearsal.internal.pipeline;

import dev.rehearsal.api.DatabaseException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The waits between attempts that gave way to a lock: doubling from the first up to 30 s, each one between half and
 * all of its interval, so that runners that collided do not collide again.
 */
final class Backoff {
    private static final Duration MAX = Duration.ofSeconds(30);
    private Duration interval;

    Backoff(Duration first) {
        this.interval = first;
    }

    /** The next wait in milliseconds; the interval doubles for the one after. */
    long next() {
        long millis = Math.max(1, interval.toMillis());
        Duration twice = interval.multipliedBy(2);
        interval = twice.compareTo(MAX) > 0 ? MAX : twice;
        return millis / 2 + ThreadLocalRandom.current().nextLong(millis - millis / 2 + 1);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("Interrupted while waiting to retry the promotion; the target has the "
                    + "migrations the outcome lists as applied", e);
        }
    }
}
