package io.eddy.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code filterNotSeen} / {@code filterSeen} with {@code rememberFor}: two rotating Bloom filters
 * per key. A repeat within {@code rememberFor} of the last sighting is always caught, one
 * {@code 2 × rememberFor} or more later always passes as new (barring false positives), and the
 * false-positive rate stays within about twice the configured one.
 */
class ExpiringMembershipTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long REMEMBER_MS = 60_000;

    @Test
    void repeatsWithinTheHorizonAreDroppedAndOnesPastTwiceTheHorizonPassAcrossRestarts() {
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> {
                    var grouped = p.kafka("events", Consumed.with(Serdes.string(), Serdes.string()))
                            .groupByKey(Grouped.with(Serdes.string(), Serdes.string()));
                    Approx.filterNotSeen(grouped, ExpiringMembershipTest::item, 10_000, 0.0001, Duration.ofMillis(REMEMBER_MS),
                                    Named.as("new-events"))
                            .toKafka("new", Produced.with(Serdes.string(), Serdes.string()));
                    Approx.filterSeen(grouped, ExpiringMembershipTest::item, 10_000, 0.0001, Duration.ofMillis(REMEMBER_MS),
                                    Named.as("repeated-events"))
                            .toKafka("repeats", Produced.with(Serdes.string(), Serdes.string()));
                })
                .restartAfterEveryBatch(true)
                .build()) {
            TestInputTopic<String, String> in = driver.input("events", Serdes.string(), Serdes.string());
            SplittableRandom random = new SplittableRandom(3);
            Map<String, Long> lastSeen = new HashMap<>();
            List<String> mustPass = new ArrayList<>();
            List<String> mustDrop = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            long t = T0.toEpochMilli();
            for (int i = 0; i < 3_000; i++) {
                t += random.nextInt(200);   // ten minutes of record time, in order
                String event = "e" + random.nextInt(300);
                Long last = lastSeen.put(event, t);
                String tagged = event + "@" + i;
                if (last == null || t - last >= 2 * REMEMBER_MS) {
                    mustPass.add(tagged);
                } else if (t - last < REMEMBER_MS) {
                    mustDrop.add(tagged);
                }
                sent.add(tagged);
                in.pipe("tenant", tagged, Instant.ofEpochMilli(t));
                if (i % 400 == 399) {
                    driver.runBatch();
                }
            }
            driver.runUntilIdle();
            List<String> passed = driver.output("new", Serdes.string(), Serdes.string()).readValues();
            List<String> repeats = driver.output("repeats", Serdes.string(), Serdes.string()).readValues();
            assertThat(passed).containsAll(mustPass).doesNotContainAnyElementsOf(mustDrop);
            assertThat(repeats).containsAll(mustDrop).doesNotContainAnyElementsOf(mustPass);
            assertThat(passed.size() + repeats.size()).isEqualTo(sent.size());
            assertThat(mustPass.size()).as("items come back after being forgotten").isGreaterThan(300);
            assertThat(mustDrop).isNotEmpty();
        }
    }

    /** A record {@code e17@42} (item e17, record 42): the tag makes every record traceable in the outputs. */
    private static String item(String record) {
        return record.substring(0, record.indexOf('@'));
    }

    @Test
    void theFalsePositiveRateIsWithinAboutTwiceTheConfiguredOneWithBothGenerationsFull() {
        double fpp = 0.01;
        int expected = 5_000;
        int trials = 0;
        int falsePositives = 0;
        for (int seed = 0; seed < 10; seed++) {
            RotatingMembership filter = RotatingMembership.create(expected, fpp, 0);
            for (int i = 0; i < expected; i++) {
                filter.addAndCheck("old-" + seed + "-" + i, 10, REMEMBER_MS);   // the previous generation, full
            }
            for (int i = 0; i < expected; i++) {
                filter.addAndCheck("new-" + seed + "-" + i, REMEMBER_MS + 10, REMEMBER_MS);   // the current one, full
            }
            assertThat(filter.generation()).isEqualTo(REMEMBER_MS);
            for (int i = 0; i < 2_000; i++) {
                trials++;
                if (filter.mightContain("fresh-" + seed + "-" + i)) {
                    falsePositives++;
                }
            }
        }
        double rate = (double) falsePositives / trials;
        assertThat(rate).as("two full filters at fpp %s", fpp).isLessThanOrEqualTo(1.5 * 2 * fpp);
    }

    @Test
    void aGenerationSkippedDropsBothFiltersAndTheStateRoundTrips() {
        RotatingMembership filter = RotatingMembership.create(100, 0.001, 0);
        assertThat(filter.addAndCheck("a", 0, REMEMBER_MS)).isFalse();
        assertThat(filter.addAndCheck("a", REMEMBER_MS + 1, REMEMBER_MS)).as("in the previous generation").isTrue();
        RotatingMembership copy = RotatingMembership.serde().deserialize("t",
                RotatingMembership.serde().serialize("t", filter));
        assertThat(copy.addAndCheck("a", 3 * REMEMBER_MS + 1, REMEMBER_MS)).as("two generations on: forgotten").isFalse();
        assertThat(copy.addAndCheck("a", 3 * REMEMBER_MS + 2, REMEMBER_MS)).isTrue();
    }

    @Test
    void aBadHorizonFailsWhenThePipelineIsDefined() {
        assertThatThrownBy(() -> TestDriver.builder().pipeline(p -> Approx.filterNotSeen(
                        p.kafka("e", Consumed.with(Serdes.string(), Serdes.string()))
                                .groupByKey(Grouped.with(Serdes.string(), Serdes.string())),
                        v -> v, 100, 0.01, Duration.ZERO, Named.as("x"))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rememberFor");
    }
}
