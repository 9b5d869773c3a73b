package io.eddy.testkit.driver.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.processor.GroupState;
import io.eddy.processor.SideOutput;
import io.eddy.processor.StateTimeout;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mapWithState, flatMapWithState and updateStateByKey, and the stateless record and value
 * processors; each stateful test with and without a restart after every batch.
 */
class ConvenienceFormsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Consumed<String, Long> IN = Consumed.with(Serdes.string(), Serdes.longs());
    private static final Grouped<String, Long> GROUPED = Grouped.with(Serdes.string(), Serdes.longs());
    private static final Produced<String, String> STRINGS = Produced.with(Serdes.string(), Serdes.string());

    private static TestDriver driver(boolean restarts, Consumer<Pipeline> pipeline) {
        return TestDriver.builder().pipeline(pipeline).defaultPartitions(2).startTime(T0)
                .restartAfterEveryBatch(restarts).build();
    }

    /** Running sum per key, closed with a report when the key is silent past its event-time timeout. */
    private static String sumUntilSilent(String key, Long value, GroupState<Long> state) {
        if (state.hasTimedOut()) {
            long total = state.get();
            state.remove();
            return "closed " + key + "=" + total;
        }
        long sum = state.exists() ? state.get() + value : value;
        state.update(sum);
        state.setTimeoutTimestamp(state.timestamp() + 10_000);
        return key + "=" + sum;
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void mapWithStateTimesOutInEventTime(boolean restarts) {
        try (TestDriver d = driver(restarts, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .mapWithState(ConvenienceFormsTest::sumUntilSilent, Serdes.longs(), StateTimeout.EVENT_TIME,
                        Named.as("sums")).toKafka("out", STRINGS))) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            TestOutputTopic<String, String> out = d.output("out", Serdes.string(), Serdes.string());
            in.pipe(0, "a", 1L, T0, new RecordHeaders());
            in.pipe(0, "a", 2L, T0.plusSeconds(5), new RecordHeaders());
            in.pipe(0, "b", 4L, T0.plusSeconds(6), new RecordHeaders());
            d.runUntilIdle();
            assertThat(out.readValues()).containsExactly("a=1", "a=3", "b=4");
            in.pipe(0, "b", 1L, T0.plusSeconds(15), new RecordHeaders());   // a's timeout (15 s) reached
            d.runUntilIdle();
            assertThat(out.readValues()).containsExactly("b=5", "closed a=3");
            in.pipe(0, "a", 9L, T0.plusSeconds(16), new RecordHeaders());   // a new state for a
            in.pipe(0, "c", 0L, T0.plusSeconds(40), new RecordHeaders());
            d.runUntilIdle();
            assertThat(out.readValues()).containsExactlyInAnyOrder("a=9", "c=0", "closed b=5", "closed a=9");
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void flatMapWithStateTimesOutInProcessingTime(boolean restarts) {
        try (TestDriver d = driver(restarts, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .flatMapWithState((String key, Long value, GroupState<Long> state) -> {
                    if (state.hasTimedOut()) {
                        state.remove();
                        return List.of("expired " + key);
                    }
                    long n = state.exists() ? state.get() + 1 : 1;
                    state.update(n);
                    state.setTimeoutDuration(Duration.ofMinutes(1));
                    List<String> out = new ArrayList<>();
                    for (long i = 0; i < n; i++) {
                        out.add(key + n);
                    }
                    return out;
                }, Serdes.longs(), StateTimeout.PROCESSING_TIME, Named.as("counts")).toKafka("out", STRINGS))) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            TestOutputTopic<String, String> out = d.output("out", Serdes.string(), Serdes.string());
            in.pipe("k", 0L);
            d.runBatch();
            d.advanceTime(Duration.ofSeconds(50));
            in.pipe("k", 0L);   // pushes the timeout to 50 s + 1 min
            d.runBatch();
            d.advanceTime(Duration.ofSeconds(30));
            d.runBatch();
            assertThat(out.readValues()).containsExactly("k1", "k2", "k2");
            d.advanceTime(Duration.ofSeconds(31));
            d.runBatch();
            assertThat(out.readValues()).containsExactly("expired k");
            d.advanceTime(Duration.ofMinutes(5));
            d.runBatch();
            assertThat(out.readValues()).isEmpty();
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void updateStateByKeyRemovesKeysWithADeletion(boolean restarts) {
        try (TestDriver d = driver(restarts, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .updateStateByKey((String key, Long value, Long state) -> {
                    long next = (state == null ? 0 : state) + value;
                    return next == 0 ? null : next;   // a balance back to zero closes the account
                }, Serdes.longs(), Named.as("balances"))
                .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            in.pipe("a", 5L);
            in.pipe("b", 1L);
            d.runBatch();
            in.pipe("a", -5L);
            d.runBatch();
            in.pipe("a", 2L);
            d.runBatch();
            assertThat(out.readKeyValues()).containsExactly(KeyValue.of("a", 5L), KeyValue.of("b", 1L),
                    KeyValue.of("a", null), KeyValue.of("a", 2L));
        }
    }

    private static final SideOutput<String, Long> NEGATIVE = SideOutput.named("negative");

    @Test
    void processValuesKeepsTheKeySoGroupByKeyDoesNotRepartition() {
        try (TestDriver d = driver(false, p -> {
            var positive = p.kafka("in", IN).processValues(() -> (String key, Long value, io.eddy.processor.ValueProcessor.ValueContext<Long> ctx) -> {
                if (value < 0) {
                    ctx.forward(NEGATIVE, key, value);
                } else {
                    ctx.forward(value * 2);
                    ctx.forward(value * 2 + 1, ctx.timestamp() + 5);
                }
            }, Named.as("split-signs"));
            positive.groupByKey(GROUPED).count(Named.as("n")).toStream()
                    .toKafka("counts", Produced.with(Serdes.string(), Serdes.longs()));
            positive.sideOutput(NEGATIVE).toKafka("negative", Produced.with(Serdes.string(), Serdes.longs()));
        })) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            in.pipe("a", 1L);
            in.pipe("a", -1L);
            in.pipe("b", 3L);
            d.runBatch();
            assertThat(d.output("counts", Serdes.string(), Serdes.longs()).readKeyValues())
                    .containsExactlyInAnyOrder(KeyValue.of("a", 2L), KeyValue.of("b", 2L));
            assertThat(d.output("negative", Serdes.string(), Serdes.longs()).readKeyValues())
                    .containsExactly(KeyValue.of("a", -1L));
            assertThat(d.describe().toString()).doesNotContain("repartition");
        }
    }

    @Test
    void processMayChangeTheKeySoGroupByKeyRepartitions() {
        try (TestDriver d = driver(false, p -> p.kafka("in", IN)
                .process(() -> (String key, Long value, io.eddy.processor.OutputContext<String, Long> ctx) -> {
                    for (long i = 0; i < value; i++) {
                        ctx.forward(key + i, 1L);
                    }
                }, Named.as("fan-out"))
                .groupByKey(GROUPED, Named.as("by-new-key")).count(Named.as("n")).toStream()
                .toKafka("counts", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            in.pipe("a", 3L);
            in.pipe("b", 1L);
            d.runUntilIdle();
            assertThat(d.output("counts", Serdes.string(), Serdes.longs()).readKeyValues())
                    .containsExactlyInAnyOrder(KeyValue.of("a0", 1L), KeyValue.of("a1", 1L), KeyValue.of("a2", 1L),
                            KeyValue.of("b0", 1L));
            assertThat(d.internalTopicValues("test-app-by-new-key-repartition")).hasSize(4);
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void anUpdateStateByKeyTableRegroupsWithRetractions(boolean restarts) {
        // accounts (key) move between regions (value); the count per region never double counts
        try (TestDriver d = driver(restarts, p -> p.kafka("moves", Consumed.with(Serdes.string(), Serdes.string()))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .updateStateByKey((String account, String region, String old) -> region.isEmpty() ? null : region,
                        Serdes.string(), Named.as("where"))
                .groupBy((account, region) -> KeyValue.of(region, account),
                        Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-region"))
                .count(Named.as("per-region"))
                .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, String> in = d.input("moves", Serdes.string(), Serdes.string());
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            java.util.Map<String, Long> counts = new java.util.TreeMap<>();
            in.pipe("a1", "north");
            in.pipe("a2", "north");
            d.runUntilIdle();
            in.pipe("a1", "south");   // moves: north loses it
            d.runUntilIdle();
            in.pipe("a2", "");        // closed: removed from the table, so from north
            d.runUntilIdle();
            out.readKeyValues().forEach(kv -> {
                if (kv.value() == null) {
                    counts.remove(kv.key());
                } else {
                    counts.put(kv.key(), kv.value());
                }
            });
            assertThat(counts).containsExactly(java.util.Map.entry("south", 1L));
        }
    }
}
