package io.eddy.testkit.driver.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
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
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * A record is late only when it is more than the allowed delay behind records of its own
 * partition already processed, or when its partition was truly idle (no lag) for the idle
 * timeout; never because another partition was read first or its own partition stalled. These
 * cases break the rule a partition with no records for the idle timeout used to be judged by.
 * Event times are seconds after {@link Scenario#T0}; the driver's clock starts there too; the idle
 * timeout is the default 10 s.
 */
class StalledPartitionTest {

    private static final long T0 = Scenario.T0;

    private static Instant at(double seconds) {
        return Instant.ofEpochMilli(T0 + Math.round(seconds * 1000));
    }

    /** {@code topics} with event time (delay 0), grouped by {@code regroup ? value : key}, 10 s windows, FINAL. */
    private static Consumer<Pipeline> count(List<String> topics, boolean regroup) {
        return p -> {
            var in = p.kafka(topics, Consumed.with(Serdes.string(), Serdes.string())).withEventTime(Duration.ZERO);
            var grouped = regroup
                    ? in.groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-value"))
                    : in.groupByKey(Grouped.with(Serdes.string(), Serdes.string()));
            grouped.window(TumblingWindows.of(Duration.ofSeconds(10)))
                    .onLateRecords(late -> late.toKafka("late", Produced.with(Serdes.string(), Serdes.string())))
                    .count(Named.as("counts"))
                    .emit(OutputMode.FINAL)
                    .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()));
        };
    }

    private static List<String> finals(TestOutputTopic<Windowed<String>, Long> out) {
        return out.readRecords().stream().map(r -> r.key().key() + "[" + (r.key().start() - T0) / 1000 + ","
                + (r.key().end() - T0) / 1000 + ")=" + r.value()).toList();
    }

    @Test
    void aStalledPartitionWithLagHoldsTheWatermarkLongerThanTheIdleTimeout() {
        try (TestDriver d = TestDriver.builder().pipeline(count(List.of("x", "y"), false)).build()) {
            TestInputTopic<String, String> x = d.input("x", Serdes.string(), Serdes.string());
            TestInputTopic<String, String> y = d.input("y", Serdes.string(), Serdes.string());
            var out = d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
            var late = d.output("late", Serdes.string(), Serdes.string());
            x.pipe("a", "1", at(5));
            y.pipe("a", "2", at(5));
            d.runBatch();                            // wm 5
            d.holdBack("y", 0);                      // y's owner stalls: its records exist but are not read
            y.pipe("a", "3", at(6));
            for (int i = 1; i <= 6; i++) {           // 30 s, three idle timeouts, while x moves on to 35 s
                d.advanceTime(Duration.ofSeconds(5));
                x.pipe("a", "x" + i, at(5 + 5 * i));
                d.runBatch();
            }
            assertThat(d.watermark(0)).as("y has lag: not idle").contains(at(5));
            assertThat(finals(out)).isEmpty();
            d.release("y", 0);
            d.runUntilIdle();                        // "3" at 6 s is on time: wm min(35, 6) = 6
            assertThat(late.readRecords()).isEmpty();
            assertThat(d.lateRecords()).isZero();
            d.advanceTime(Duration.ofSeconds(10));   // now both are caught up and silent: quiet, wm 35 + 10
            d.runBatch();
            assertThat(finals(out)).containsExactly("a[0,10)=3", "a[10,20)=2", "a[20,30)=2", "a[30,40)=2");
        }
    }

    @Test
    void aPartitionWithNoLagForTheIdleTimeoutIsIdle() {
        try (TestDriver d = TestDriver.builder().pipeline(count(List.of("x", "y"), false)).build()) {
            TestInputTopic<String, String> x = d.input("x", Serdes.string(), Serdes.string());
            TestInputTopic<String, String> y = d.input("y", Serdes.string(), Serdes.string());
            var out = d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
            x.pipe("a", "1", at(5));
            y.pipe("a", "2", at(5));
            d.runBatch();
            d.advanceTime(Duration.ofSeconds(10));   // y caught up and silent for 10 s: truly idle
            x.pipe("a", "3", at(30));
            d.runBatch();
            d.runBatch();
            assertThat(finals(out)).containsExactly("a[0,10)=2");
            y.pipe("a", "4", at(6));                 // a record on the idle partition can be late
            d.runBatch();
            assertThat(d.lateRecords() + d.output("late", Serdes.string(), Serdes.string()).readRecords().size())
                    .isEqualTo(1);
        }
    }

    @Test
    void anUpstreamPartitionThatRanAheadDoesNotMakeTheOthersLateAfterARepartition() {
        try (TestDriver d = TestDriver.builder().defaultPartitions(2).pipeline(count(List.of("in"), true)).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            var out = d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
            var late = d.output("late", Serdes.string(), Serdes.string());
            // partition 1 is read first and runs two minutes ahead; partition 0's records come later
            for (int s = 0; s < 120; s += 5) {
                in.pipe(1, "k1-" + s, "w" + (s % 3), at(s), new RecordHeaders());
            }
            d.runUntilIdle();
            for (int s = 0; s < 120; s += 5) {
                in.pipe(0, "k0-" + s, "w" + (s % 3), at(s), new RecordHeaders());
            }
            d.runUntilIdle();
            assertThat(late.readRecords()).isEmpty();
            assertThat(d.lateRecords()).isZero();
            d.advanceTime(Duration.ofSeconds(30));   // both upstream partitions idle: the quiet rule closes the rest
            d.runUntilIdle();
            d.advanceTime(Duration.ofSeconds(5));
            d.runUntilIdle();
            List<String> all = finals(out);
            assertThat(all).hasSize(24);             // 12 windows, each of them holding 2 of its word's records
            assertThat(all).allMatch(w -> w.endsWith("=2"));
        }
    }

    @Test
    void aStalledUpstreamPartitionHoldsTheDownstreamWatermarkAfterARepartition() {
        try (TestDriver d = TestDriver.builder().defaultPartitions(2).pipeline(count(List.of("in"), true)).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            var out = d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
            in.pipe(0, "k0", "w", at(1), new RecordHeaders());
            in.pipe(1, "k1", "w", at(1), new RecordHeaders());
            d.runUntilIdle();
            d.holdBack("in", 1);
            in.pipe(1, "k1-late", "w", at(2), new RecordHeaders());
            for (int i = 1; i <= 8; i++) {
                d.advanceTime(Duration.ofSeconds(5));
                in.pipe(0, "k0-" + i, "w", at(1 + 5 * i), new RecordHeaders());
                d.runUntilIdle();
            }
            assertThat(finals(out)).as("upstream task 1 stalled with lag: holds every window").isEmpty();
            d.release("in", 1);
            d.runUntilIdle();
            d.advanceTime(Duration.ofSeconds(30));
            d.runUntilIdle();
            d.advanceTime(Duration.ofSeconds(5));
            d.runUntilIdle();
            assertThat(d.lateRecords()).isZero();
            assertThat(d.output("late", Serdes.string(), Serdes.string()).readRecords()).isEmpty();
            assertThat(finals(out)).containsExactlyInAnyOrder("w[0,10)=4", "w[10,20)=2", "w[20,30)=2",
                    "w[30,40)=2", "w[40,50)=1");
        }
    }
}
