package io.eddy.sketches;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.HoppingWindows;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.SessionWindows;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The approximate operators in pipelines, on the in-memory driver: windowed sketches emitted
 * FINAL, keyed sketches emitted on update, session merges, membership filters and the merge of
 * per-key sketches into one global answer. Every windowed run is repeated with a restart (all
 * stores restored from their changelogs) after every batch, and must give the same sketch bytes.
 */
class ApproxDriverTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    private static final Serde<Windowed<String>> WINDOWED = WindowedSerde.of(Serdes.string());

    /** Visits: key = page, value = visitor id, over three minutes; returns the exact distinct visitors per (page, minute). */
    private static Map<String, Set<String>> visits(TestDriver driver, long seed) {
        TestInputTopic<String, String> in = driver.input("visits", Serdes.string(), Serdes.string());
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Set<String>> exact = new TreeMap<>();
        for (int minute = 0; minute < 3; minute++) {
            for (int i = 0; i < 6_000; i++) {
                String page = "/p" + random.nextInt(3);
                String visitor = "v" + random.nextInt(minute == 1 ? 40 : 20_000);   // minute 1: few visitors (exact mode)
                Instant at = T0.plusSeconds(60L * minute + random.nextInt(60));
                in.pipe(page, visitor, at);
                exact.computeIfAbsent(page + "@" + minute, k -> new HashSet<>()).add(visitor);
                if (i % 2_000 == 1_999) {
                    driver.runBatch();
                }
            }
        }
        for (int p = 0; p < 3; p++) {
            in.pipe("/p" + p, "closer", T0.plusSeconds(600));   // moves every window past its end
        }
        driver.runUntilIdle();
        return exact;
    }

    private static Map<Windowed<String>, byte[]> runWindowedDistinctCount(boolean restartAfterEveryBatch,
                                                                         Map<String, Set<String>> exactOut) {
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> Approx.aggregate(
                                p.kafka("visits", Consumed.with(Serdes.string(), Serdes.string()))
                                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                                        .window(TumblingWindows.of(Duration.ofMinutes(1)).grace(Duration.ZERO)),
                                Sketches.<String>distinctCount(v -> v), Named.as("visitors"))
                        .emit(OutputMode.FINAL)
                        .toKafka("visitors-per-minute", Produced.with(WINDOWED, DistinctCount.serde())))
                .defaultPartitions(1)
                .restartAfterEveryBatch(restartAfterEveryBatch)
                .startTime(T0)
                .build()) {
            exactOut.putAll(visits(driver, 42));
            Map<Windowed<String>, byte[]> out = new LinkedHashMap<>();
            for (KeyValue<Windowed<String>, byte[]> kv
                    : driver.output("visitors-per-minute", WINDOWED, Serdes.bytes()).readKeyValues()) {
                assertThat(out.put(kv.key(), kv.value())).as("FINAL: %s once", kv.key()).isNull();
            }
            return out;
        }
    }

    @Test
    void windowedDistinctCountsAreFinalWithinTheirBoundAndIdenticalAcrossRestarts() {
        Map<String, Set<String>> exact = new HashMap<>();
        Map<Windowed<String>, byte[]> plain = runWindowedDistinctCount(false, exact);
        Map<Windowed<String>, byte[]> restarted = runWindowedDistinctCount(true, new HashMap<>());

        assertThat(plain).hasSize(9);   // 3 pages x 3 minutes (the closers' windows stay open)
        assertThat(restarted.keySet()).isEqualTo(plain.keySet());
        plain.forEach((window, bytes) -> {
            assertThat(restarted.get(window)).as("bytes of %s after restarts", window).isEqualTo(bytes);
            DistinctCount count = DistinctCount.fromByteArray(bytes);
            int minute = (int) ((window.start() - T0.toEpochMilli()) / 60_000);
            int truth = exact.get(window.key() + "@" + minute).size();
            if (minute == 1) {
                assertThat(count.estimate()).as("%s: few items are counted exactly", window)
                        .isCloseTo(truth, org.assertj.core.data.Offset.offset(0.01));
            } else {
                assertThat(Math.abs(count.estimate() - truth) / truth).as("%s", window)
                        .isLessThanOrEqualTo(3 * count.relativeStandardError());
                assertThat(truth).isBetween((int) count.lowerBound(3), (int) Math.ceil(count.upperBound(3)));
            }
        });
    }

    @Test
    void perKeySketchesMergeIntoOneGlobalAnswerPerWindowWithinOneSketchsBound() {
        // visitors are keyed by page over 4 partitions; the global distinct count per minute is the
        // union of the pages' FINAL sketches, re-aggregated on the window start through a repartition
        SketchAggregation<String, DistinctCount> hll = Sketches.distinctCount(v -> v);
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> Approx.merge(
                                Approx.aggregate(p.kafka("visits", Consumed.with(Serdes.string(), Serdes.string()))
                                                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                                                .window(TumblingWindows.of(Duration.ofMinutes(1)).grace(Duration.ZERO)),
                                        hll, Named.as("visitors"))
                                        .emit(OutputMode.FINAL),
                                (window, sketch) -> window.start(), Serdes.longs(), hll, Named.as("all-visitors"))
                        .toStream()
                        .toKafka("all-visitors", Produced.with(Serdes.longs(), DistinctCount.serde())))
                .defaultPartitions(4)
                .startTime(T0)
                .build()) {
            Map<String, Set<String>> exact = visits(driver, 7);
            driver.advanceTime(Duration.ofMinutes(1));   // partitions with no page go idle
            driver.runUntilIdle();
            Map<Long, DistinctCount> latest = new TreeMap<>();
            driver.output("all-visitors", Serdes.longs(), DistinctCount.serde()).readKeyValues()
                    .forEach(kv -> latest.put(kv.key(), kv.value()));
            latest.remove(T0.plusSeconds(600).toEpochMilli());   // the closers' window, closed by the idle clock
            assertThat(latest).hasSize(3);
            latest.forEach((start, merged) -> {
                int minute = (int) ((start - T0.toEpochMilli()) / 60_000);
                Set<String> all = new HashSet<>();
                exact.forEach((pageMinute, visitors) -> {
                    if (pageMinute.endsWith("@" + minute)) {
                        all.addAll(visitors);
                    }
                });
                assertThat(Math.abs(merged.estimate() - all.size()) / all.size()).as("minute %d", minute)
                        .isLessThanOrEqualTo(3 * merged.relativeStandardError());
            });
        }
    }

    @Test
    void keyedQuantilesAndFrequentItemsEmitOnUpdate() {
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> {
                    var grouped = p.kafka("latencies", Consumed.with(Serdes.string(), Serdes.doubles()))
                            .groupByKey(Grouped.with(Serdes.string(), Serdes.doubles()));
                    Approx.aggregate(grouped, Sketches.<Double>quantiles(v -> v), Named.as("latency"))
                            .toStream().toKafka("latency-quantiles", Produced.with(Serdes.string(), Quantiles.serde()));
                })
                .restartAfterEveryBatch(true)
                .build()) {
            TestInputTopic<String, Double> in = driver.input("latencies", Serdes.string(), Serdes.doubles());
            for (int i = 1; i <= 1_000; i++) {
                in.pipe("checkout", (double) i);
                if (i % 250 == 0) {
                    driver.runBatch();
                }
            }
            List<Quantiles> updates = driver.output("latency-quantiles", Serdes.string(), Quantiles.serde()).readValues();
            assertThat(updates).hasSize(4);   // one per batch: the key changed in each
            Quantiles last = updates.get(3);
            assertThat(last.count()).isEqualTo(1_000);
            assertThat(last.quantile(0.5)).isCloseTo(500, org.assertj.core.data.Offset.offset(1_000 * last.normalizedRankError()));
            assertThat(last.quantile(0.99)).isCloseTo(990, org.assertj.core.data.Offset.offset(1_000 * last.normalizedRankError()));
        }
    }

    @Test
    void sessionWindowsMergeTheirSketchesWhenARecordBridgesTwoSessions() {
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> Approx.aggregate(
                                p.kafka("clicks", Consumed.with(Serdes.string(), Serdes.string()))
                                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                                        .window(SessionWindows.withGap(Duration.ofMinutes(5)).grace(Duration.ofMinutes(10))),
                                Sketches.<String>frequentItems(v -> v), Named.as("pages-per-session"))
                        .emit(OutputMode.FINAL)
                        .toKafka("sessions", Produced.with(WINDOWED, FrequentItems.serde())))
                .defaultPartitions(1)
                .startTime(T0)
                .build()) {
            TestInputTopic<String, String> in = driver.input("clicks", Serdes.string(), Serdes.string());
            in.pipe("alice", "/home", T0);
            in.pipe("alice", "/cart", T0.plusSeconds(480));        // a second session (8 min later)
            driver.runBatch();
            in.pipe("alice", "/home", T0.plusSeconds(240));        // within 5 min of both: one session
            in.pipe("alice", "/later", T0.plusSeconds(3_600));     // closes it
            driver.runUntilIdle();
            List<KeyValue<Windowed<String>, FrequentItems>> sessions =
                    driver.output("sessions", WINDOWED, FrequentItems.serde()).readKeyValues();
            assertThat(sessions).hasSize(1);
            FrequentItems pages = sessions.get(0).value();
            assertThat(pages.streamLength()).isEqualTo(3);
            assertThat(pages.estimate("/home")).isEqualTo(2);
            assertThat(pages.estimate("/cart")).isEqualTo(1);
        }
    }

    @Test
    void filterNotSeenDropsRepeatsAndFilterSeenKeepsOnlyThem() {
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> {
                    var grouped = p.kafka("events", Consumed.with(Serdes.string(), Serdes.string()))
                            .groupByKey(Grouped.with(Serdes.string(), Serdes.string()));
                    Approx.filterNotSeen(grouped, v -> v, 10_000, 0.001, Named.as("first-seen"))
                            .toKafka("first", Produced.with(Serdes.string(), Serdes.string()));
                    Approx.filterSeen(grouped, v -> v, 10_000, 0.001, Named.as("seen-before"))
                            .toKafka("repeats", Produced.with(Serdes.string(), Serdes.string()));
                })
                .restartAfterEveryBatch(true)
                .build()) {
            TestInputTopic<String, String> in = driver.input("events", Serdes.string(), Serdes.string());
            List<String> firsts = new ArrayList<>();
            List<String> repeats = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < 2_000; i++) {
                String event = "e" + random.nextInt(800);
                in.pipe("tenant", event);
                (seen.add(event) ? firsts : repeats).add(event);
                if (i % 500 == 499) {
                    driver.runBatch();
                }
            }
            driver.runUntilIdle();
            assertThat(driver.output("first", Serdes.string(), Serdes.string()).readValues())
                    .as("800 items at fpp 0.001 into a filter sized for 10,000: no false positive with this seed")
                    .isEqualTo(firsts);
            assertThat(driver.output("repeats", Serdes.string(), Serdes.string()).readValues()).isEqualTo(repeats);
        }
    }

    @Test
    void hoppingWindowsKeepOneSketchPerWindowEqualToFoldingItsRecords() {
        SketchAggregation<String, CountMin> counts = Sketches.countMin(v -> v, 0.01, 0.01);
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> Approx.aggregate(
                                p.kafka("clicks", Consumed.with(Serdes.string(), Serdes.string()))
                                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                                        .window(HoppingWindows.of(Duration.ofMinutes(2), Duration.ofMinutes(1))
                                                .grace(Duration.ZERO)),
                                counts, Named.as("pages-per-2-minutes"))
                        .emit(OutputMode.FINAL)
                        .toKafka("counts", Produced.with(WINDOWED, CountMin.serde())))
                .defaultPartitions(1)
                .restartAfterEveryBatch(true)
                .startTime(T0)
                .build()) {
            TestInputTopic<String, String> in = driver.input("clicks", Serdes.string(), Serdes.string());
            SplittableRandom random = new SplittableRandom(9);
            Map<Long, CountMin> expected = new TreeMap<>();
            for (int i = 0; i < 3_000; i++) {
                long at = T0.toEpochMilli() + i * 60L;   // 3 minutes, in order
                String page = "/p" + random.nextInt(50);
                in.pipe("site", page, Instant.ofEpochMilli(at));
                long lastStart = at - Math.floorMod(at, 60_000L);
                for (long start = lastStart; start > at - 120_000; start -= 60_000) {
                    expected.computeIfAbsent(start, s -> counts.initializer().get()).add(page);
                }
                if (i % 700 == 699) {
                    driver.runBatch();
                }
            }
            in.pipe("site", "closer", T0.plusSeconds(3_600));
            driver.runUntilIdle();
            Map<Long, byte[]> out = new TreeMap<>();
            driver.output("counts", WINDOWED, Serdes.bytes()).readKeyValues()
                    .forEach(kv -> out.put(kv.key().start(), kv.value()));
            assertThat(out.keySet()).isEqualTo(expected.keySet());
            expected.forEach((start, sketch) ->
                    assertThat(out.get(start)).as("window at %d", start).isEqualTo(sketch.toByteArray()));
        }
    }

    @Test
    void aBadAccuracyParameterFailsWhenThePipelineIsDefinedNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sketches.distinctCount(v -> v, 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lgK").hasMessageContaining("30");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sketches.membership(v -> v, 100, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fpp");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sketches.frequentItems(v -> "x", 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
    }
}
