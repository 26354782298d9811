package dev.rehearsal.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition that another thread, process or server session makes true, failing the test after a minute.
 * The first polls follow each other closely and the later ones back off to {@value #LONGEST_PAUSE_MILLIS} ms:
 * most conditions read the server in a session of their own, which costs the server a process, and a test that
 * polled every few milliseconds for seconds would take the CPU from the runner it waits for.
 */
public final class Await {
    /**
     * How long a test waits for something before it gives up: only a failing test waits this long, so it is generous
     * — a child JVM that starts, branches and migrates took over 60 s on a 2-core machine at a load of 14.
     */
    public static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long LONGEST_PAUSE_MILLIS = 200;

    private Await() {
    }

    /** Returns when {@code condition} holds; {@code what} names it in the failure. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, PATIENCE, condition);
    }

    /** Returns when {@code condition} holds, failing after {@code patience}; {@code what} names it in the failure. */
    public static void until(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + patience.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
        }
    }
}
