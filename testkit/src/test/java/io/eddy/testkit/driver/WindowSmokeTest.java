package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lead's first end-to-end checks of the windowed path on the driver (the property suite is in eventtime). */
class WindowSmokeTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static TestDriver driver(OutputMode mode) {
        return TestDriver.builder()
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                        .withEventTime(Duration.ofSeconds(5))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .window(TumblingWindows.of(Duration.ofMinutes(1)))
                        .count()
                        .emit(mode)
                        .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))
                .startTime(T0)
                .idleTimeout(Duration.ofSeconds(30))
                .build();
    }

    @Test
    void finalEmitsEachWindowOnceWhenTheWatermarkPassesIt() {
        try (TestDriver d = driver(OutputMode.FINAL)) {
            var in = d.input("in", Serdes.string(), Serdes.string());
            var out = d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
            in.pipe("a", "1", T0.plusSeconds(10));
            in.pipe("a", "2", T0.plusSeconds(20));
            d.runBatch();
            assertThat(out.readRecords()).isEmpty();
            in.pipe("a", "3", T0.plusSeconds(70));   // watermark 65 s: window [0, 60) closes at commit
            d.runBatch();
            List<TestRecord<Windowed<String>, Long>> first = out.readRecords();
            assertThat(first).hasSize(1);
            assertThat(first.get(0).key()).isEqualTo(new Windowed<>("a", T0.toEpochMilli(), T0.toEpochMilli() + 60_000));
            assertThat(first.get(0).value()).isEqualTo(2L);
            in.pipe("a", "late", T0.plusSeconds(30));   // behind the watermark: late
            d.runBatch();
            assertThat(out.readRecords()).isEmpty();
            assertThat(d.lateRecords()).isEqualTo(1);
            // quiet: no records; once idle, the watermark follows the clock and closes [60, 120)
            d.advanceTime(Duration.ofMinutes(5));
            d.runBatch();
            List<TestRecord<Windowed<String>, Long>> last = out.readRecords();
            assertThat(last).extracting(TestRecord::value).containsExactly(1L);
        }
    }

    @Test
    void updateEmitsChangedWindowsEveryBatch() {
        try (TestDriver d = driver(OutputMode.UPDATE)) {
            var in = d.input("in", Serdes.string(), Serdes.string());
            var out = d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
            in.pipe("a", "1", T0.plusSeconds(10));
            in.pipe("b", "1", T0.plusSeconds(11));
            in.pipe("a", "2", T0.plusSeconds(20));
            d.runBatch();
            assertThat(out.readRecords()).extracting(TestRecord::value).containsExactly(2L, 1L);
            in.pipe("a", "3", T0.plusSeconds(30));
            d.runBatch();
            assertThat(out.readRecords()).extracting(TestRecord::value).containsExactly(3L);
        }
    }

    @Test
    void watermarkSurvivesARestart() {
        try (TestDriver d = driver(OutputMode.FINAL)) {
            var in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "1", T0.plusSeconds(100));
            d.runBatch();
            assertThat(d.watermark(0)).contains(T0.plusSeconds(95));
            d.restart();
            in.pipe("a", "old", T0.plusSeconds(10));   // late for the restored watermark
            d.runBatch();
            assertThat(d.lateRecords()).isEqualTo(1);
        }
    }
}
