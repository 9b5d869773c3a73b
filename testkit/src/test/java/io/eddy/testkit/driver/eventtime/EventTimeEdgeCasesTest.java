package io.eddy.testkit.driver.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.dsl.RecordStream;
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
import org.junit.jupiter.api.Test;

/**
 * Event-time edge cases on the in-memory driver, each computed by hand from the spec: window
 * boundaries, grace 0, lateness judged against the watermark of the batch start, idle
 * partitions, the quiet rule, and the watermark across a restart. Event times are seconds after
 * {@link Scenario#T0}; the driver's clock starts at T0 too.
 */
class EventTimeEdgeCasesTest {

    private static final long T0 = Scenario.T0;

    private static Instant at(double seconds) {
        return Instant.ofEpochMilli(T0 + Math.round(seconds * 1000));
    }

    /** {@code topics} with event time (delay {@code delaySeconds}), counted per key in tumbling windows of 10 s. */
    private static Consumer<Pipeline> tumblingCount(long delaySeconds, long graceSeconds, List<String> topics) {
        return p -> {
            RecordStream<String, String> in = p.kafka(topics, Consumed.with(Serdes.string(), Serdes.string()))
                    .withEventTime(Duration.ofSeconds(delaySeconds));
            in.groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                    .window(TumblingWindows.of(Duration.ofSeconds(10)).grace(Duration.ofSeconds(graceSeconds)))
                    .onLateRecords(late -> late.toKafka("late", Produced.with(Serdes.string(), Serdes.string())))
                    .count(Named.as("counts"))
                    .emit(OutputMode.FINAL)
                    .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()));
        };
    }

    private static TestDriver driver(Consumer<Pipeline> pipeline) {
        return TestDriver.builder().pipeline(pipeline).build();
    }

    /** FINAL output as {@code key[startSeconds,endSeconds)=count}. */
    private static List<String> finals(TestOutputTopic<Windowed<String>, Long> out) {
        return out.readRecords().stream().map(r -> r.key().key() + "[" + (r.key().start() - T0) / 1000 + ","
                + (r.key().end() - T0) / 1000 + ")=" + r.value()).toList();
    }

    private static TestOutputTopic<Windowed<String>, Long> out(TestDriver d) {
        return d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
    }

    @Test
    void aRecordExactlyAtAWindowEndBelongsToTheNextWindow() {
        try (TestDriver d = driver(tumblingCount(0, 0, List.of("in")))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            var out = out(d);
            in.pipe("a", "x", at(0));
            in.pipe("a", "y", at(10));     // end of [0,10) is exclusive
            d.runBatch();                  // wm 10: [0,10) closes (end + grace 0 <= 10)
            assertThat(finals(out)).containsExactly("a[0,10)=1");
            in.pipe("a", "z", at(20));
            d.runBatch();
            assertThat(finals(out)).containsExactly("a[10,20)=1");
        }
    }

    @Test
    void withGraceZeroAWindowAcceptsRecordsUntilTheWatermarkReachesItsEnd() {
        try (TestDriver d = driver(tumblingCount(0, 0, List.of("in")))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            var out = out(d);
            TestOutputTopic<String, String> late = d.output("late", Serdes.string(), Serdes.string());
            in.pipe("a", "1", at(5));
            in.pipe("a", "2", at(9.999));
            d.runBatch();                  // wm 9.999: one millisecond before [0,10) closes
            assertThat(finals(out)).isEmpty();
            in.pipe("a", "3", at(9.999));  // still on time
            in.pipe("a", "4", at(10));
            d.runBatch();                  // wm 10: closes
            assertThat(finals(out)).containsExactly("a[0,10)=3");
            in.pipe("a", "5", at(9.5));
            d.runBatch();
            assertThat(late.readValues()).containsExactly("5");
            assertThat(d.lateRecords()).isZero();   // routed, not counted
        }
    }

    @Test
    void everyRecordOfABatchSeesTheWatermarkOfTheBatchStart() {
        try (TestDriver d = driver(tumblingCount(0, 0, List.of("in")))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            var out = out(d);
            TestOutputTopic<String, String> late = d.output("late", Serdes.string(), Serdes.string());
            in.pipe("a", "1", at(5));
            in.pipe("a", "2", at(12));
            d.runBatch();                  // wm 12: [0,10) closes with 1
            assertThat(finals(out)).containsExactly("a[0,10)=1");
            in.pipe("a", "3", at(3));      // offset 0 of the batch, behind the watermark: late
            in.pipe("a", "4", at(35));     // moves the watermark only when the batch commits...
            in.pipe("a", "5", at(11));     // ...so this one is on time
            d.runBatch();                  // wm 35: [10,20) closes with 2 and 5; [30,40) stays open
            assertThat(late.readValues()).containsExactly("3");
            assertThat(finals(out)).containsExactly("a[10,20)=2");
            assertThat(d.watermark(0)).contains(at(35));
        }
    }

    @Test
    void aPartitionThatNeverDeliveredHoldsTheWatermarkUntilTheTaskHasExistedForTheIdleTimeout() {
        try (TestDriver d = driver(tumblingCount(0, 0, List.of("x", "y")))) {
            TestInputTopic<String, String> x = d.input("x", Serdes.string(), Serdes.string());
            var out = out(d);
            x.pipe("a", "1", at(5));
            d.runBatch();                  // task created at 0 s; y has no record: holds the watermark at "none"
            assertThat(d.watermark(0)).isEmpty();
            d.advanceTime(Duration.ofSeconds(5));
            x.pipe("a", "2", at(20));
            d.runBatch();
            assertThat(d.watermark(0)).isEmpty();
            assertThat(finals(out)).isEmpty();
            d.advanceTime(Duration.ofSeconds(5));
            d.runBatch();                  // 10 s: y is idle, x (last record 5 s ago) is not: wm 20, [0,10) closes
            assertThat(finals(out)).containsExactly("a[0,10)=1");
            assertThat(d.watermark(0)).contains(at(20));
        }
    }

    @Test
    void aSilentPartitionHoldsTheWatermarkUntilItIsIdle() {
        try (TestDriver d = driver(tumblingCount(0, 0, List.of("x", "y")))) {
            TestInputTopic<String, String> x = d.input("x", Serdes.string(), Serdes.string());
            TestInputTopic<String, String> y = d.input("y", Serdes.string(), Serdes.string());
            var out = out(d);
            x.pipe("a", "1", at(5));
            y.pipe("a", "2", at(5));
            d.runBatch();                  // wm 5
            d.advanceTime(Duration.ofSeconds(3));
            x.pipe("a", "3", at(30));
            d.runBatch();                  // y (last record at 0 s) holds: wm min(30, 5) = 5
            assertThat(finals(out)).isEmpty();
            assertThat(d.watermark(0)).contains(at(5));
            d.advanceTime(Duration.ofSeconds(6));
            d.runBatch();                  // 9 s: y not idle yet
            assertThat(finals(out)).isEmpty();
            d.advanceTime(Duration.ofSeconds(1));
            d.runBatch();                  // 10 s: y idle (>= timeout), x not (7 s): wm 30
            assertThat(finals(out)).containsExactly("a[0,10)=2");
            assertThat(d.watermark(0)).contains(at(30));
        }
    }

    @Test
    void theQuietRuleClosesTheLastWindowAfterAdvanceTimeWithoutNewRecords() {
        // delay 2 s: the last window [0,10) closes max(idle 10 s, end + grace + delay - last = 10 + 0 + 2 - 1 = 11 s)
        // after the last record
        try (TestDriver d = driver(tumblingCount(2, 0, List.of("in")))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            var out = out(d);
            in.pipe("a", "1", at(1));
            d.runBatch();                  // wm -1 s
            d.advanceTime(Duration.ofSeconds(9));
            d.runBatch();                  // not idle yet
            d.advanceTime(Duration.ofSeconds(1));
            d.runBatch();                  // quiet: -1 + 10 = 9 s < 10 s
            assertThat(finals(out)).isEmpty();
            d.advanceTime(Duration.ofSeconds(1));
            d.runBatch();                  // quiet: -1 + 11 = 10 s: closes
            assertThat(finals(out)).containsExactly("a[0,10)=1");
            assertThat(d.watermark(0)).contains(at(10));
        }
    }

    @Test
    void aRecordAfterAQuietSpellIsOnTimeIfItsEventTimeAdvancedAsMuchAsTheClock() {
        try (TestDriver d = driver(tumblingCount(0, 0, List.of("in")))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<String, String> late = d.output("late", Serdes.string(), Serdes.string());
            var out = out(d);
            in.pipe("a", "1", at(5));
            d.runBatch();                  // wm 5
            d.advanceTime(Duration.ofSeconds(20));
            d.runBatch();                  // quiet: wm 5 + 20 = 25 closes [0,10)
            assertThat(finals(out)).containsExactly("a[0,10)=1");
            in.pipe("a", "2", at(25));     // advanced as much as the clock: on time
            in.pipe("a", "3", at(19));     // behind: [10,20) closed at 20
            d.runBatch();
            assertThat(late.readValues()).containsExactly("3");
        }
    }

    @Test
    void theWatermarkIsResumedAfterARestart() {
        try (TestDriver d = driver(tumblingCount(0, 0, List.of("in")))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<String, String> late = d.output("late", Serdes.string(), Serdes.string());
            var out = out(d);
            in.pipe("a", "1", at(5));
            in.pipe("a", "2", at(12));
            d.runBatch();                  // wm 12: [0,10) emitted
            assertThat(finals(out)).containsExactly("a[0,10)=1");
            d.restart();
            in.pipe("a", "3", at(3));      // late against the restored watermark
            in.pipe("a", "4", at(8));      // idem: [0,10) is not reopened
            in.pipe("a", "5", at(15));
            d.runBatch();
            assertThat(late.readValues()).containsExactly("3", "4");
            assertThat(finals(out)).isEmpty();
            assertThat(d.watermark(0)).contains(at(15));
            in.pipe("a", "6", at(20));
            d.runBatch();                  // [10,20) restored from the changelog: 12 and 15
            assertThat(finals(out)).containsExactly("a[10,20)=2");
        }
    }

    @Test
    void aRestoredWatermarkMovesWithTheClockSoAQuietStreamStillClosesItsWindowsAfterARestart() {
        // spec: a runBatch() without input commits tasks whose timers are due; a restored watermark
        // moves with the clock (quiet rule) - a restart must not leave the last window open forever
        try (TestDriver d = driver(tumblingCount(0, 0, List.of("in")))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            var out = out(d);
            in.pipe("a", "1", at(5));
            d.runBatch();                  // wm 5; [0,10) open
            d.restart();
            d.advanceTime(Duration.ofHours(1));
            d.runBatch();
            d.advanceTime(Duration.ofHours(1));
            d.runBatch();
            assertThat(finals(out)).containsExactly("a[0,10)=1");
        }
    }

    @Test
    void regressionAStaleTimerOfASessionExtendedAtItsEndMustNotAdvanceAQuietWatermark() {
        // gap 2 s, grace 5 s, delay 4 s. [0,0] would close at 7 s; extended to [0,1] it closes at 8 s.
        try (TestDriver d = TestDriver.builder().pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                .withEventTime(Duration.ofSeconds(4))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .window(io.eddy.dsl.SessionWindows.withGap(Duration.ofSeconds(2)).grace(Duration.ofSeconds(5)))
                .onLateRecords(late -> late.toKafka("late", Produced.with(Serdes.string(), Serdes.string())))
                .count(Named.as("sessions"))
                .emit(OutputMode.FINAL)
                .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()))).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<String, String> late = d.output("late", Serdes.string(), Serdes.string());
            in.pipe("a", "1", at(0));
            in.pipe("a", "2", at(1));
            d.runBatch();                  // wm -3 s; one session [0,1], closes at 8 s
            d.advanceTime(Duration.ofSeconds(10));
            d.runBatch();                  // quiet candidate -3 + 10 = 7 s < 8 s: no timer due, no commit
            assertThat(d.watermark(0)).contains(at(-3));
            in.pipe("a", "3", at(0));      // 0 + 2 + 5 = 7 s > -3 s: on time, joins [0,1]
            d.runBatch();
            assertThat(late.readValues()).isEmpty();
            d.advanceTime(Duration.ofHours(1));
            d.runBatch();
            assertThat(d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs()).readValues()).containsExactly(3L);
        }
    }

    @Test
    void regressionDropDuplicatesForgetsAnIdThatTheWatermarkPassedAlsoAfterARestart() {
        try (TestDriver d = driver(Pipelines.dedup(0))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<String, String> out = d.output("out", Serdes.string(), Serdes.string());
            in.pipe("a", "x/1", at(0));
            in.pipe("a", "y/2", at(1));
            d.runBatch();                  // wm 1 s > 0: id x is forgotten
            assertThat(out.readValues()).containsExactly("x/1", "y/2");
            d.restart();
            in.pipe("a", "x/3", at(1));    // not late (1 >= wm 1), x not remembered: forwarded, as without the restart
            d.runBatch();
            assertThat(out.readValues()).containsExactly("x/3");
        }
    }

    @Test
    void completeOnAPlainAggregationEmitsEveryKeyAtEachCommitThatChangedSomething() {
        try (TestDriver d = driver(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                .boundedKeys(10)
                .count(Named.as("counts"))
                .emit(OutputMode.COMPLETE)
                .toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            in.pipe("a", "1");
            in.pipe("b", "2");
            d.runBatch();
            assertThat(out.readKeyValues()).containsExactlyInAnyOrder(
                    io.eddy.dsl.KeyValue.of("a", 1L), io.eddy.dsl.KeyValue.of("b", 1L));
            in.pipe("a", "3");
            d.runBatch();
            assertThat(out.readKeyValues()).containsExactlyInAnyOrder(
                    io.eddy.dsl.KeyValue.of("a", 2L), io.eddy.dsl.KeyValue.of("b", 1L));
            d.runBatch();                  // nothing changed: nothing emitted
            assertThat(out.isEmpty()).isTrue();
        }
    }
}
