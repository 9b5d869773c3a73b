package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test
    void startsFullAndRefillsWithTheClockUpToItsCapacity() {
        TokenBucket b = new TokenBucket(1000, 100, 0);
        assertThat(b.available(0)).isEqualTo(100);
        b.take(100);
        assertThat(b.available(0)).isEqualTo(0);
        assertThat(b.available(50)).isEqualTo(50);
        assertThat(b.available(10_000)).isEqualTo(100);
    }

    @Test
    void anOverdraftIsRepaidBeforeAnythingElseIsAvailable() {
        TokenBucket b = new TokenBucket(1000, 100, 0);
        b.take(300);   // one item bigger than the whole bucket still passes
        assertThat(b.available(0)).isEqualTo(-200);
        assertThat(b.millisUntil(1, 0)).isEqualTo(201);
        assertThat(b.available(200)).isEqualTo(0);
    }

    @Test
    void millisUntilCapsTheLevelAtTheCapacity() {
        TokenBucket b = new TokenBucket(10, 5, 0);
        b.take(5);
        assertThat(b.millisUntil(1_000, 0)).isEqualTo(500);
        assertThat(b.millisUntil(1, 0)).isEqualTo(100);
        assertThat(b.millisUntil(1, 100)).isZero();
    }

    @Test
    void aClockGoingBackAddsNothing() {
        TokenBucket b = new TokenBucket(1000, 100, 1_000);
        b.take(100);
        assertThat(b.available(500)).isEqualTo(0);
        assertThat(b.available(1_010)).isEqualTo(10);
    }

    @Test
    void resetKeepsTheBalanceWithinTheNewCapacity() {
        TokenBucket b = new TokenBucket(1000, 100, 0);
        b.reset(100, 10, 0);
        assertThat(b.available(0)).isEqualTo(10);
        assertThat(b.rate()).isEqualTo(100);
        b.take(10);
        assertThat(b.available(100)).isEqualTo(10);
    }

    @Test
    void takenOverAMinuteTheRateHolds() {
        TokenBucket b = new TokenBucket(250, 25, 0);
        long granted = 0;
        for (long t = 0; t <= 60_000; t += 7) {
            double a = b.available(t);
            if (a >= 1) {
                long n = (long) a;
                b.take(n);
                granted += n;
            }
        }
        // the initial capacity plus 60 s at 250/s
        assertThat(granted).isBetween(15_000L, 15_025L);
    }

    @Test
    void refusesANonPositiveRateOrCapacity() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
