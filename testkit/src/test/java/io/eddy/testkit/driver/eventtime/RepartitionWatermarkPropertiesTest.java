package io.eddy.testkit.driver.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import io.eddy.testkit.driver.TestOutputTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Watermarks through a repartition on the in-memory driver, against a brute-force reference: a
 * word count grouped by word (a repartition) in tumbling {@code FINAL} windows, with random
 * upstream progress (each input partition has its own event-time clock, some minutes ahead of
 * others), disorder within the allowed delay inside each partition, stalled partitions (records
 * written but held back, for longer than the idle timeout), random batch boundaries and restarts.
 *
 * <p>Whatever the order the partitions are read in, no record may be late, and once the input is
 * drained and quiet, every window must have been emitted exactly once with the count the reference
 * computes from all the input. Before any partition is truly idle, no window may be emitted with
 * fewer records than the reference (a window closed early is also a lost record).
 */
class RepartitionWatermarkPropertiesTest {

    private static final long T0 = Scenario.T0;
    private static final long WINDOW_MS = 10_000;
    private static final Duration IDLE = Duration.ofSeconds(10);

    @Property(tries = 60)
    void noRecordIsLateAndEveryWindowIsExact(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int partitions,
                                             @ForAll @IntRange(min = 0, max = 6_000) int delayMs) {
        Random random = new Random(seed);
        Map<Windowed<String>, Long> expected = new HashMap<>();
        List<String> trace = new ArrayList<>();
        try (TestDriver d = TestDriver.builder().defaultPartitions(partitions).idleTimeout(IDLE)
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                        .withEventTime(Duration.ofMillis(delayMs))
                        .groupBy((k, word) -> word, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-word"))
                        .window(TumblingWindows.of(Duration.ofMillis(WINDOW_MS)))
                        .onLateRecords(late -> late.toKafka("late", Produced.with(Serdes.string(), Serdes.string())))
                        .count(Named.as("counts"))
                        .emit(OutputMode.FINAL)
                        .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<Windowed<String>, Long> out = d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
            TestOutputTopic<String, String> late = d.output("late", Serdes.string(), Serdes.string());
            long[] clocks = new long[partitions];
            for (int p = 0; p < partitions; p++) {
                clocks[p] = T0 + random.nextInt(4) * 60_000L;   // some partitions start minutes ahead
            }
            Set<Integer> held = new HashSet<>();
            Map<Windowed<String>, Long> emitted = new HashMap<>();
            int seq = 0;
            int steps = 20 + random.nextInt(60);
            for (int step = 0; step < steps; step++) {
                int action = random.nextInt(100);
                if (action < 55) {
                    int p = random.nextInt(partitions);
                    int n = 1 + random.nextInt(8);
                    for (int i = 0; i < n; i++) {
                        seq = pipe(in, p, seq, clocks, delayMs, random, expected);
                    }
                    trace.add("pipe " + n + " to " + p);
                } else if (action < 75) {
                    d.runBatch();
                    trace.add("batch");
                } else if (action < 85) {
                    // time passes (a held partition stays held across many advances, longer than the idle
                    // timeout); every partition not held gets a record, so none is ever truly idle
                    d.advanceTime(Duration.ofMillis(random.nextInt(4_000)));
                    for (int p = 0; p < partitions; p++) {
                        if (!held.contains(p)) {
                            seq = pipe(in, p, seq, clocks, delayMs, random, expected);
                        }
                    }
                    trace.add("advance");
                } else if (action < 93) {
                    int p = random.nextInt(partitions);
                    if (held.add(p)) {
                        d.holdBack("in", p);
                        seq = pipe(in, p, seq, clocks, delayMs, random, expected);   // it has lag: stalled, not idle
                        trace.add("hold " + p);
                    } else {
                        held.remove(p);
                        d.release("in", p);
                        trace.add("release " + p);
                    }
                } else {
                    d.restart();
                    trace.add("restart");
                }
                collect(out, emitted, expected, trace);
                assertThat(late.readRecords()).as("late records; seed %d, %s", seed, trace).isEmpty();
                assertThat(d.lateRecords()).as("late records; seed %d, %s", seed, trace).isZero();
            }
            for (int p : held) {
                d.release("in", p);
            }
            d.runUntilIdle();
            for (int i = 0; i < 4; i++) {   // drained, then quiet: the quiet rule closes every window
                d.advanceTime(i == 1 ? Duration.ofHours(2) : IDLE.plusSeconds(1));
                d.runUntilIdle();
                d.runUntilIdle();
            }
            collect(out, emitted, expected, trace);
            assertThat(late.readRecords()).as("late records; seed %d, %s", seed, trace).isEmpty();
            assertThat(d.lateRecords()).isZero();
            assertThat(emitted).as("FINAL windows; seed %d, %s", seed, trace).isEqualTo(expected);
        }
    }

    /**
     * Pipes one record to partition {@code p}: its clock moves up to 3 s, the record is up to the
     * allowed delay behind it. Returns the next sequence number.
     */
    private static int pipe(TestInputTopic<String, String> in, int p, int seq, long[] clocks, int delayMs, Random random,
                            Map<Windowed<String>, Long> expected) {
        clocks[p] += random.nextInt(3_000);
        long eventTime = clocks[p] - (delayMs == 0 ? 0 : random.nextInt(delayMs + 1));
        String word = "w" + random.nextInt(4);
        long start = Math.floorDiv(eventTime, WINDOW_MS) * WINDOW_MS;
        expected.merge(new Windowed<>(word, start, start + WINDOW_MS), 1L, Long::sum);
        in.pipe(p, "k" + seq, word, Instant.ofEpochMilli(eventTime), new RecordHeaders());
        return seq + 1;
    }

    /** Adds the newly emitted windows, failing on a window emitted twice or with a wrong count. */
    private static void collect(TestOutputTopic<Windowed<String>, Long> out, Map<Windowed<String>, Long> emitted,
                                Map<Windowed<String>, Long> expected, List<String> trace) {
        out.readRecords().forEach(r -> {
            Long before = emitted.put(r.key(), r.value());
            assertThat(before).as("window %s emitted twice; %s", r.key(), trace).isNull();
            assertThat(r.value()).as("window %s closed before all its records arrived; %s", r.key(), trace)
                    .isEqualTo(expected.get(r.key()));
        });
    }
}
