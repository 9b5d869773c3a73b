package io.eddy.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.testkit.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Lives here because the testkit's tests of its public API share one package. */
class AwaitTest {

    @Test
    void returnsAsSoonAsTheConditionHolds() {
        AtomicInteger calls = new AtomicInteger();

        Await.until(Duration.ofSeconds(10), () -> calls.incrementAndGet() == 3, () -> "calls " + calls);

        assertThat(calls).hasValue(3);
    }

    @Test
    void failsWithTheDescribedStateWhenTheDeadlinePasses() {
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(100), () -> false, () -> "queue holds [a, b]"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("within 100 ms")
                .hasMessageContaining("queue holds [a, b]");
    }

    @Test
    void aThrowingConditionCountsAsNotYetAndBecomesTheCause() {
        AtomicInteger calls = new AtomicInteger();
        Await.until(Duration.ofSeconds(10), () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not up yet");
            }
            return true;
        }, () -> "never described");

        assertThatThrownBy(() -> Await.until(Duration.ZERO, () -> {
            throw new IllegalStateException("broker down");
        }, () -> "state"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("broker down")
                .hasCauseInstanceOf(IllegalStateException.class);
    }
}
