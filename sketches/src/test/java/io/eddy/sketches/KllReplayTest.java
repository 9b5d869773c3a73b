package io.eddy.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * KLL sketches are reproducible: their compaction coins depend on the sketch and its input only
 * ({@code KllCoins}), so a sketch restored from its bytes and fed the same values, as a replayed
 * batch does, ends with the bytes of an uninterrupted one.
 */
class KllReplayTest {

    @Test
    void theLibrarysGeneratorIsReachable() {
        assertThat(KllCoins.available()).as("DataSketches' KllSketch.random, seeded per update").isTrue();
    }

    @Test
    void twoSketchesOfTheSameValuesHaveTheSameBytesAndARestoredOneToo() {
        SplittableRandom random = new SplittableRandom(5);
        double[] values = new double[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 1_000;
        }
        Quantiles one = Quantiles.empty(200);
        Quantiles two = Quantiles.empty(200);
        Quantiles restored = Quantiles.empty(200);
        for (int i = 0; i < values.length; i++) {
            one.add(values[i]);
            two.add(values[i]);
            restored.add(values[i]);
            if (i % 9_999 == 0) {   // a restart: the sketch comes back from its stored bytes
                restored = Quantiles.fromByteArray(restored.toByteArray());
            }
        }
        assertThat(one.count()).isEqualTo(100_000);
        assertThat(two.toByteArray()).isEqualTo(one.toByteArray());
        assertThat(restored.toByteArray()).isEqualTo(one.toByteArray());
        assertThat(Quantiles.merge(one, two).toByteArray()).isEqualTo(Quantiles.merge(one, two).toByteArray());
        assertThat(Math.abs(one.rank(500) - 0.5)).isLessThan(one.normalizedRankError());
    }

    @Test
    void windowedQuantilesHaveTheSameBytesWithAndWithoutARestartAfterEveryBatch() {
        assertThat(run(true)).isEqualTo(run(false));
    }

    private static Map<String, String> run(boolean restarts) {
        Instant t0 = Instant.parse("2026-01-01T12:00:00Z");
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> Approx.aggregate(p.kafka("latencies", Consumed.with(Serdes.string(), Serdes.doubles()))
                                        .groupByKey(Grouped.with(Serdes.string(), Serdes.doubles()))
                                        .window(TumblingWindows.of(Duration.ofMinutes(1)).grace(Duration.ZERO)),
                                Sketches.<Double>quantiles(v -> v), Named.as("latency"))
                        .emit(OutputMode.FINAL)
                        .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Quantiles.serde())))
                .defaultPartitions(2)
                .restartAfterEveryBatch(restarts)
                .startTime(t0)
                .build()) {
            TestInputTopic<String, Double> in = driver.input("latencies", Serdes.string(), Serdes.doubles());
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < 20_000; i++) {
                in.pipe("svc" + random.nextInt(2), random.nextDouble() * 100, t0.plusMillis(i * 6L));
                if (i % 1_500 == 1_499) {
                    driver.runBatch();
                }
            }
            in.pipe("svc0", 0.0, t0.plusSeconds(3_600));
            in.pipe("svc1", 0.0, t0.plusSeconds(3_600));
            driver.runUntilIdle();
            Map<String, String> out = new LinkedHashMap<>();
            for (KeyValue<Windowed<String>, byte[]> kv
                    : driver.output("out", WindowedSerde.of(Serdes.string()), Serdes.bytes()).readKeyValues()) {
                out.put(kv.key().toString(), java.util.HexFormat.of().formatHex(kv.value()));
            }
            assertThat(out).hasSize(4);   // 2 services x 2 minutes
            return out;
        }
    }
}
