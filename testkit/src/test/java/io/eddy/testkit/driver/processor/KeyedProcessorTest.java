package io.eddy.testkit.driver.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.ListState;
import io.eddy.processor.ListStateSpec;
import io.eddy.processor.MapStateSpec;
import io.eddy.processor.ProcessedStream;
import io.eddy.processor.SideOutput;
import io.eddy.processor.StateSpec;
import io.eddy.processor.TimeDomain;
import io.eddy.processor.Timer;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import io.eddy.testkit.driver.TestRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The keyed processor on the driver: state variables of each kind, timers in both domains, TTL,
 * side outputs, timestamps and headers. Every test runs twice: as is, and restarting (restoring
 * every store from its changelog) after every batch.
 */
class KeyedProcessorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Consumed<String, Long> IN = Consumed.with(Serdes.string(), Serdes.longs());
    private static final Grouped<String, Long> GROUPED = Grouped.with(Serdes.string(), Serdes.longs());
    private static final Produced<String, Long> OUT = Produced.with(Serdes.string(), Serdes.longs());

    static final ValueStateSpec<Long> TOTAL = StateSpec.value("total", Serdes.longs());
    static final ValueStateSpec<Long> DEADLINE = StateSpec.value("deadline", Serdes.longs());

    private static TestDriver driver(boolean restarts, Consumer<Pipeline> pipeline) {
        return TestDriver.builder().pipeline(pipeline).defaultPartitions(3).startTime(T0)
                .restartAfterEveryBatch(restarts).build();
    }

    /** Emits a key's total after 30 s of event-time silence (the benchmark's session-like processor). */
    static final class TotalAfterSilence implements KeyedProcessor<String, Long, String, Long> {
        @Override
        public void process(String key, Long value, KeyedContext<String, String, Long> ctx) {
            ValueState<Long> total = ctx.state(TOTAL);
            ValueState<Long> deadline = ctx.state(DEADLINE);
            total.update(total.exists() ? total.get() + value : value);
            if (deadline.exists()) {
                ctx.timers().deleteEventTime(deadline.get());
            }
            long at = ctx.timestamp() + 30_000;
            ctx.timers().registerEventTime(at);
            deadline.update(at);
        }

        @Override
        public void onTimer(String key, Timer timer, KeyedContext<String, String, Long> ctx) {
            ctx.forward(key, ctx.state(TOTAL).get());
            ctx.state(TOTAL).clear();
            ctx.state(DEADLINE).clear();
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void eventTimeTimerFiresOnceAfterSilenceWithTheTotal(boolean restarts) {
        try (TestDriver d = driver(restarts, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .process(TotalAfterSilence::new, List.of(TOTAL, DEADLINE), Named.as("totals"))
                .toKafka("out", OUT))) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            in.pipe(0, "a", 1L, T0, new RecordHeaders());
            in.pipe(0, "a", 2L, T0.plusSeconds(10), new RecordHeaders());
            in.pipe(0, "b", 5L, T0.plusSeconds(20), new RecordHeaders());
            d.runUntilIdle();
            assertThat(out.readKeyValues()).isEmpty();
            in.pipe(0, "c", 1L, T0.plusSeconds(41), new RecordHeaders());   // watermark 41 s: a's deadline (40 s) passed
            d.runUntilIdle();
            List<TestRecord<String, Long>> fired = out.readRecords();
            assertThat(fired).extracting(TestRecord::key, TestRecord::value).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("a", 3L));
            assertThat(fired.get(0).timestamp()).isEqualTo(T0.plusSeconds(40).toEpochMilli());
            in.pipe(0, "a", 7L, T0.plusSeconds(42), new RecordHeaders());    // a starts a new session
            in.pipe(0, "c", 1L, T0.plusSeconds(100), new RecordHeaders());
            d.runUntilIdle();
            assertThat(out.readKeyValues()).containsExactlyInAnyOrder(KeyValue.of("b", 5L), KeyValue.of("a", 7L));
            d.runUntilIdle();
            assertThat(out.readKeyValues()).isEmpty();   // fired once each
        }
    }

    static final ListStateSpec<String> SEEN = StateSpec.list("seen", Serdes.string());
    static final MapStateSpec<String, Long> BY_VALUE = StateSpec.map("byValue", Serdes.string(), Serdes.longs());

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void processingTimeTimersListAndMapStateAndTimerListing(boolean restarts) {
        Produced<String, String> strings = Produced.with(Serdes.string(), Serdes.string());
        try (TestDriver d = driver(restarts, p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .process(() -> new KeyedProcessor<String, String, String, String>() {
                    @Override
                    public void process(String key, String value, KeyedContext<String, String, String> ctx) {
                        ctx.state(SEEN).append(value);
                        var counts = ctx.state(BY_VALUE);
                        Long n = counts.get(value);
                        counts.put(value, n == null ? 1 : n + 1);
                        if (ctx.timers().list().isEmpty()) {
                            ctx.timers().registerProcessingTime(ctx.currentProcessingTime() + 10_000);
                            ctx.timers().registerProcessingTime(ctx.currentProcessingTime() + 60_000);
                        }
                    }

                    @Override
                    public void onTimer(String key, Timer timer, KeyedContext<String, String, String> ctx) {
                        assertThat(timer.domain()).isEqualTo(TimeDomain.PROCESSING_TIME);
                        ListState<String> seen = ctx.state(SEEN);
                        ctx.forward(key, String.join(",", seen.get()) + " " + ctx.state(BY_VALUE).entries()
                                + " pending " + ctx.timers().list().size());
                        seen.clear();
                        ctx.state(BY_VALUE).clear();
                        ctx.timers().deleteAll();
                    }
                }, List.of(SEEN, BY_VALUE), Named.as("lists")).toKafka("out", strings))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<String, String> out = d.output("out", Serdes.string(), Serdes.string());
            in.pipe("k", "x");
            in.pipe("k", "y");
            in.pipe("k", "x");
            d.runBatch();
            d.advanceTime(Duration.ofSeconds(9));
            d.runBatch();
            assertThat(out.readValues()).isEmpty();
            d.advanceTime(Duration.ofSeconds(1));
            d.runBatch();   // a batch with no records commits the due timer
            assertThat(out.readValues()).containsExactly("x,y,x [x=2, y=1] pending 1");
            d.advanceTime(Duration.ofMinutes(5));
            d.runBatch();
            assertThat(out.readValues()).isEmpty();   // deleteAll removed the 60 s timer
        }
    }

    static final ValueStateSpec<Long> SHORT_LIVED = StateSpec.value("last", Serdes.longs()).withTtl(Duration.ofSeconds(10));

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void ttlHidesExpiredStateAtOnceAndRemovesItLater(boolean restarts) {
        try (TestDriver d = driver(restarts, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .process(() -> new KeyedProcessor<String, Long, String, Long>() {
                    @Override
                    public void process(String key, Long value, KeyedContext<String, String, Long> ctx) {
                        ValueState<Long> last = ctx.state(SHORT_LIVED);
                        ctx.forward(key, last.exists() ? last.get() : -1L);
                        last.update(value);
                    }
                }, List.of(SHORT_LIVED), Named.as("ttl")).toKafka("out", OUT))) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            in.pipe("k", 1L);
            d.runBatch();
            d.advanceTime(Duration.ofSeconds(9));
            in.pipe("k", 2L);   // within the TTL: sees 1, and restarts the clock
            d.runBatch();
            d.advanceTime(Duration.ofSeconds(9));
            in.pipe("k", 3L);   // 9 s after the last write: still live
            d.runBatch();
            d.advanceTime(Duration.ofSeconds(10));
            in.pipe("k", 4L);   // 10 s after: expired
            d.runBatch();
            assertThat(out.readValues()).containsExactly(-1L, 1L, 2L, -1L);
            long tombstonesBefore = tombstones(d);
            d.advanceTime(Duration.ofSeconds(12));
            d.runBatch();   // the cleanup timer deletes the expired entry physically
            assertThat(tombstones(d)).isGreaterThan(tombstonesBefore);
        }
    }

    private static long tombstones(TestDriver d) {
        return d.internalTopicValues("test-app-ttl-changelog").stream().filter(v -> v == null).count();
    }

    static final SideOutput<String, String> ODD = SideOutput.named("odd");

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void sideOutputsTimestampsAndHeaders(boolean restarts) {
        try (TestDriver d = driver(restarts, p -> {
            ProcessedStream<String, Long> main = p.kafka("in", IN).groupByKey(GROUPED)
                    .process(() -> new KeyedProcessor<String, Long, String, Long>() {
                        @Override
                        public void process(String key, Long value, KeyedContext<String, String, Long> ctx) {
                            if (value % 2 == 1) {
                                ctx.forward(ODD, key + "@" + ctx.offset(), "odd " + value);
                            } else {
                                RecordHeaders h = new RecordHeaders();
                                h.add("from", ctx.topic().getBytes(StandardCharsets.UTF_8));
                                ctx.forward(key, value * 10, ctx.timestamp() + 1, h);
                            }
                        }
                    }, List.of(), Named.as("sides"));
            main.toKafka("even", OUT);
            main.sideOutput(ODD).toKafka("odd", Produced.with(Serdes.string(), Serdes.string()));
        })) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            in.pipe(0, "k", 1L, T0, new RecordHeaders());
            in.pipe(0, "k", 2L, T0, new RecordHeaders());
            d.runBatch();
            List<TestRecord<String, Long>> even = d.output("even", Serdes.string(), Serdes.longs()).readRecords();
            assertThat(even).hasSize(1);
            assertThat(even.get(0).value()).isEqualTo(20L);
            assertThat(even.get(0).timestamp()).isEqualTo(T0.toEpochMilli() + 1);
            assertThat(new String(even.get(0).headers().lastHeader("from").value(), StandardCharsets.UTF_8))
                    .isEqualTo("in");
            assertThat(d.output("odd", Serdes.string(), Serdes.string()).readKeyValues())
                    .containsExactly(KeyValue.of("k@0", "odd 1"));
        }
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void anUndeclaredStateFailsTheBatchNamingTheOperatorAndTheState(boolean restarts) {
        ValueStateSpec<Long> undeclared = StateSpec.value("nope", Serdes.longs());
        try (TestDriver d = driver(restarts, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .process(() -> new KeyedProcessor<String, Long, String, Long>() {
                    @Override
                    public void process(String key, Long value, KeyedContext<String, String, Long> ctx) {
                        ctx.state(undeclared).update(value);
                    }
                }, List.of(TOTAL), Named.as("strict")).toKafka("out", OUT))) {
            d.input("in", Serdes.string(), Serdes.longs()).pipe("k", 1L);
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("strict").hasStackTraceContaining("value state 'nope' was not declared");
        }
    }

    @org.junit.jupiter.api.Test
    void twoStatesWithOneNameAreRefusedWhenThePipelineIsBuilt() {
        assertThatThrownBy(() -> driver(false, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .process(TotalAfterSilence::new, List.of(TOTAL, StateSpec.list("total", Serdes.longs())),
                        Named.as("dup")).toKafka("out", OUT)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'total' is declared twice");
    }

    @ParameterizedTest(name = "restarts={0}")
    @ValueSource(booleans = {false, true})
    void aTimerRegisteredWhileTimersFireAtADueTimeFiresInTheSameCommitInTimeOrder(boolean restarts) {
        Produced<String, String> strings = Produced.with(Serdes.string(), Serdes.string());
        try (TestDriver d = driver(restarts, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .process(() -> new KeyedProcessor<String, Long, String, String>() {
                    @Override
                    public void process(String key, Long value, KeyedContext<String, String, String> ctx) {
                        ctx.timers().registerEventTime(ctx.timestamp() + 1_000);
                        ctx.timers().registerEventTime(ctx.timestamp() + 5_000);
                    }

                    @Override
                    public void onTimer(String key, Timer timer, KeyedContext<String, String, String> ctx) {
                        long offset = timer.time() - T0.toEpochMilli();
                        ctx.forward(key, "fired " + offset);
                        if (offset == 1_000) {
                            ctx.timers().registerEventTime(timer.time() + 1_000);   // due, and before 5 s
                        }
                    }
                }, List.of(), Named.as("chain")).toKafka("out", strings))) {
            TestInputTopic<String, Long> in = d.input("in", Serdes.string(), Serdes.longs());
            in.pipe(0, "k", 1L, T0, new RecordHeaders());
            d.runBatch();
            in.pipe(0, "other", 1L, T0.plusSeconds(10), new RecordHeaders());
            d.runBatch();
            assertThat(d.output("out", Serdes.string(), Serdes.string()).readValues())
                    .containsExactly("fired 1000", "fired 2000", "fired 5000");
        }
    }

    @org.junit.jupiter.api.Test
    void aTimerCallbackThatReRegistersItselfForeverFailsTheBatchInsteadOfHanging() {
        try (TestDriver d = driver(false, p -> p.kafka("in", IN).groupByKey(GROUPED)
                .process(() -> new KeyedProcessor<String, Long, String, Long>() {
                    @Override
                    public void process(String key, Long value, KeyedContext<String, String, Long> ctx) {
                        ctx.timers().registerProcessingTime(0);
                    }

                    @Override
                    public void onTimer(String key, Timer timer, KeyedContext<String, String, Long> ctx) {
                        ctx.timers().registerProcessingTime(0);
                    }
                }, List.of(), Named.as("forever")).toKafka("out", OUT))) {
            d.input("in", Serdes.string(), Serdes.longs()).pipe("k", 1L);
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("forever").hasMessageContaining("timers fired in one commit");
        }
    }
}
