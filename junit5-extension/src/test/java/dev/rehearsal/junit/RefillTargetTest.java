package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RefillTargetTest {
    private static final long MS = 1_000_000;

    @Test
    void keepsTheMinimumUntilItHasSeenTestsTakeClones() {
        RefillTarget target = new RefillTarget(4, 32);

        assertThat(target.target(0)).isEqualTo(4);
        long now = takeEvery(target, MS / 10, 100 * MS, 7);

        assertThat(target.target(now)).as("two parallel tests starting at once are no flood yet").isEqualTo(4);
        now += MS / 10;
        target.acquired(now);
        assertThat(target.target(now)).isEqualTo(32);
    }

    @Test
    void keepsTwiceTheClonesTakenWhileOneIsMadeOnTopOfTheMinimum() {
        RefillTarget target = new RefillTarget(4, 32);

        long now = takeEvery(target, 10 * MS, 100 * MS, 20);

        // 100 ms per clone, a test every 10 ms: 10 are taken while one is made
        assertThat(target.target(now)).isEqualTo(4 + 20);
    }

    @Test
    void neverExceedsTheMaximumHoweverFastTestsTakeClones() {
        RefillTarget target = new RefillTarget(4, 32);

        long now = takeEvery(target, MS / 10, 500 * MS, 50);

        assertThat(target.target(now)).isEqualTo(32);
    }

    @Test
    void slowTestsNeedNoMoreThanTheMinimumAndOneSpare() {
        RefillTarget target = new RefillTarget(4, 32);

        long now = takeEvery(target, 1000 * MS, 50 * MS, 10);

        assertThat(target.target(now)).isEqualTo(5);
    }

    @Test
    void aPauseBringsTheTargetDownBeforeTheNextTestArrives() {
        RefillTarget target = new RefillTarget(4, 32);
        long now = takeEvery(target, 10 * MS, 100 * MS, 20);

        assertThat(target.target(now + 10_000 * MS)).isEqualTo(5);
    }

    @Test
    void followsASuiteThatSpeedsUpWithinAFewTests() {
        RefillTarget target = new RefillTarget(2, 32);
        long now = takeEvery(target, 1000 * MS, 100 * MS, 10);
        int slow = target.target(now);

        for (int i = 0; i < 10; i++) {
            now += 10 * MS;
            target.acquired(now);
        }

        assertThat(slow).isEqualTo(3);
        assertThat(target.target(now)).isGreaterThan(15);
    }

    @Test
    void refusesBoundsThatLeaveNoPool() {
        assertThatThrownBy(() -> new RefillTarget(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RefillTarget(8, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    /** {@code tests} acquisitions {@code gap} apart, each clone taking {@code clone} to make; returns the last time. */
    private static long takeEvery(RefillTarget target, long gap, long clone, int tests) {
        long now = 0;
        for (int i = 0; i < tests; i++) {
            now += gap;
            target.acquired(now);
            target.cloned(clone);
        }
        return now;
    }
}
