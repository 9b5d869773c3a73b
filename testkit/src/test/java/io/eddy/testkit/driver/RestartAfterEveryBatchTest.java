package io.eddy.testkit.driver;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code restartAfterEveryBatch} with watermarks carried through a repartition: restarted upstream
 * tasks report their watermarks again, which must not keep {@code runUntilIdle} busy forever (a
 * batch that only moved watermarks is not followed by a restart), and the output equals a run
 * without restarts.
 */
class RestartAfterEveryBatchTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static List<KeyValue<Windowed<String>, Long>> run(boolean restarts) {
        try (TestDriver d = TestDriver.builder()
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                        .withEventTime(Duration.ofSeconds(5))
                        .groupBy((k, v) -> v, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-value"))
                        .window(TumblingWindows.of(Duration.ofMinutes(1)))
                        .count(Named.as("counts"))
                        .emit(OutputMode.FINAL)
                        .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))
                .defaultPartitions(3).startTime(T0).restartAfterEveryBatch(restarts).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            TestOutputTopic<Windowed<String>, Long> out = d.output("out", WindowedSerde.of(Serdes.string()), Serdes.longs());
            for (int minute = 0; minute < 4; minute++) {
                for (int i = 0; i < 30; i++) {
                    in.pipe("k" + i, "v" + (i % 4), T0.plusSeconds(minute * 60L + i));
                }
                d.runUntilIdle();
            }
            d.advanceTime(Duration.ofMinutes(10));   // quiet: the last windows close by the clock
            d.runUntilIdle();
            return out.readKeyValues();
        }
    }

    @Test
    void runUntilIdleReturnsAndTheOutputEqualsARunWithoutRestarts() {
        List<KeyValue<Windowed<String>, Long>> plain = run(false);
        assertThat(plain).hasSize(16);
        assertThat(run(true)).containsExactlyInAnyOrderElementsOf(plain);
    }
}
