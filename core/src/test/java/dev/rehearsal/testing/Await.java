package dev.rehearsal.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition that another thread, process or server session makes true, failing the test after a minute. */
public final class Await {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private Await() {
    }

    /** Returns when {@code condition} holds; {@code what} names it in the failure. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + PATIENCE.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
