package dev.rehearsal.junit;

/**
 * How many clones the pool keeps ready or in the making, from what it observes: the tests that start while one clone
 * is being made (Little's law: the rate at which tests take clones × how long a clone takes to make), doubled for
 * bursts, on top of the minimum, and never more than the maximum. The rate is that of the last few acquisitions, so
 * the target follows a suite that speeds up within a few tests, and a pause lowers it at once. Not thread-safe: the
 * pool calls it under its lock; times are {@link System#nanoTime()} values.
 */
final class RefillTarget {
    /**
     * How many of the latest acquisitions give the rate: enough that two parallel tests starting at the same moment
     * are not taken for a flood, few enough to follow a change of pace at once.
     */
    private static final int WINDOW = 8;
    /** Weight of the newest clone's time in their moving average. */
    private static final double WEIGHT = 0.25;
    /** Headroom over the clones taken while one is made: tests do not arrive evenly. */
    private static final double BURST = 2.0;

    private final int minimum;
    private final int maximum;
    /** The times of the latest acquisitions, a ring of {@link #WINDOW}. */
    private final long[] acquisitions = new long[WINDOW];
    private long acquired;
    /** Mean nanoseconds to make a clone; 0 until one was made. */
    private double meanClone;

    RefillTarget(int minimum, int maximum) {
        if (minimum < 1 || maximum < minimum) {
            throw new IllegalArgumentException("need 1 <= minimum <= maximum, not " + minimum + ", " + maximum);
        }
        this.minimum = minimum;
        this.maximum = maximum;
    }

    /** A test took a clone at {@code now}. */
    void acquired(long now) {
        acquisitions[(int) (acquired++ % WINDOW)] = now;
    }

    /** A clone took {@code nanos} to make. */
    void cloned(long nanos) {
        meanClone = meanClone == 0 ? nanos : meanClone + WEIGHT * (nanos - meanClone);
    }

    /** How many clones should be ready or in the making at {@code now}. */
    int target(long now) {
        if (acquired < WINDOW || meanClone == 0) {
            return minimum;
        }
        long newest = acquisitions[(int) ((acquired - 1) % WINDOW)];
        long oldest = acquisitions[(int) (acquired % WINDOW)];
        double gap = Math.max(1, newest - oldest) / (double) (WINDOW - 1);
        // a pause longer than the usual gap means the suite slowed down: do not keep making clones for a burst gone
        gap = Math.max(gap, now - newest);
        double takenWhileOneIsMade = meanClone / gap;
        return (int) Math.min(maximum, minimum + Math.ceil(BURST * takenWhileOneIsMade));
    }

    int maximum() {
        return maximum;
    }
}
