package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.KeyValue;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.sketches.Quantiles;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The latency pipeline on the driver, restarted after every batch: percentiles per service and minute within KLL's rank bound. */
class LatencyQuantilesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    @Test
    void writesP50P95P99PerServiceAndMinuteWithinTheRankBound() {
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> LatencyQuantiles.pipeline(p, "request-latencies", "latency-percentiles", "latency-sketches"))
                .defaultPartitions(1)
                .restartAfterEveryBatch(true)
                .startTime(T0)
                .build()) {
            TestInputTopic<String, Double> in = driver.input("request-latencies", Serdes.string(), Serdes.doubles());
            SplittableRandom random = new SplittableRandom(5);
            Map<String, List<Double>> exact = new HashMap<>();
            for (int i = 0; i < 20_000; i++) {
                String service = i % 2 == 0 ? "checkout" : "search";
                double ms = service.equals("checkout") ? -Math.log(1 - random.nextDouble()) * 40 : 5 + random.nextDouble() * 20;
                int minute = i / 10_000;
                in.pipe(service, ms, T0.plusSeconds(60L * minute + random.nextInt(60)));
                exact.computeIfAbsent(service + "@" + minute, k -> new ArrayList<>()).add(ms);
                if (i % 4_000 == 3_999) {
                    driver.runBatch();
                }
            }
            in.pipe("checkout", 1.0, T0.plusSeconds(600));
            in.pipe("search", 1.0, T0.plusSeconds(600));
            driver.runUntilIdle();

            List<KeyValue<Windowed<String>, Quantiles>> sketches =
                    driver.output("latency-sketches", WindowedSerde.of(Serdes.string()), Quantiles.serde()).readKeyValues();
            assertThat(sketches).hasSize(4);
            for (KeyValue<Windowed<String>, Quantiles> kv : sketches) {
                int minute = (int) ((kv.key().start() - T0.toEpochMilli()) / 60_000);
                double[] sorted = exact.get(kv.key().key() + "@" + minute).stream().mapToDouble(d -> d).sorted().toArray();
                Quantiles q = kv.value();
                assertThat(q.count()).isEqualTo(sorted.length);
                for (double rank : new double[] {0.5, 0.95, 0.99}) {
                    double trueRank = (double) countAtOrBelow(sorted, q.quantile(rank)) / sorted.length;
                    assertThat(Math.abs(trueRank - rank)).as("%s p%.0f", kv.key(), rank * 100)
                            .isLessThanOrEqualTo(q.normalizedRankError());
                }
            }
            List<String> text = driver.output("latency-percentiles", WindowedSerde.of(Serdes.string()), Serdes.string())
                    .readValues();
            assertThat(text).hasSize(4).allMatch(s -> s.matches("p50=\\d+\\.\\d p95=\\d+\\.\\d p99=\\d+\\.\\d n=5000"));
        }
    }

    private static int countAtOrBelow(double[] sorted, double value) {
        int i = Arrays.binarySearch(sorted, value);
        int at = i < 0 ? -i - 1 : i;
        while (at < sorted.length && sorted[at] <= value) {
            at++;
        }
        return at;
    }
}
