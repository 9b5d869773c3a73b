package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The low-latency mode on the in-memory driver: the record-at-a-time loop, its emission and its refusals. */
class LowLatencyDriverTest {

    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());
    private static final Grouped<String, String> GROUPED = Grouped.with(Serdes.string(), Serdes.string());

    @Test
    void countEmitsEveryUpdateNotOnePerKeyAndCommit() {
        try (TestDriver d = TestDriver.builder().lowLatency(true).defaultPartitions(2)
                .pipeline(p -> p.kafka("in", STRINGS).filter((k, v) -> !v.isEmpty()).groupByKey(GROUPED)
                        .count(Named.as("counts")).toStream()
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            for (int i = 0; i < 5; i++) {
                in.pipe("a", "x");
            }
            in.pipe("b", "");
            in.pipe("b", "x");
            assertThat(d.runBatch()).isEqualTo(7);
            TestOutputTopic<String, Long> out = d.output("out", Serdes.string(), Serdes.longs());
            List<KeyValue<String, Long>> updates = out.readKeyValues();
            List<KeyValue<String, Long>> a = new ArrayList<>(updates.stream().filter(kv -> kv.key().equals("a")).toList());
            assertThat(a).extracting(KeyValue::value).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(updates).contains(KeyValue.of("b", 1L)).hasSize(6);
            // state survives the commit: the count goes on, and a restart restores it from its changelog
            in.pipe("a", "x");
            d.runBatch();
            assertThat(out.readKeyValues()).containsExactly(KeyValue.of("a", 6L));
            d.restart();
            in.pipe("a", "x");
            d.runBatch();
            assertThat(out.readKeyValues()).containsExactly(KeyValue.of("a", 7L));
        }
    }

    @Test
    void aFailedRecordRollsBackToTheLastCommitAndIsReadAgain() {
        boolean[] fail = {true};
        try (TestDriver d = TestDriver.builder().lowLatency(true)
                .pipeline(p -> p.kafka("in", STRINGS).mapValues(v -> {
                    if (v.equals("bad") && fail[0]) {
                        throw new IllegalStateException("boom");
                    }
                    return v.toUpperCase();
                }).groupByKey(GROUPED).count(Named.as("counts")).toStream()
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.longs())))
                .build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "ok");
            d.runBatch();
            in.pipe("a", "ok");
            in.pipe("a", "bad");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            fail[0] = false;
            d.runBatch();
            // the count was rolled back to 1 and both records were processed again
            assertThat(d.output("out", Serdes.string(), Serdes.longs()).readKeyValues())
                    .containsExactly(KeyValue.of("a", 1L), KeyValue.of("a", 2L), KeyValue.of("a", 3L));
        }
    }

    @Test
    void refusesWindowsNamingTheOperator() {
        assertThatThrownBy(() -> TestDriver.builder().lowLatency(true)
                .pipeline(p -> p.kafka("in", STRINGS).groupByKey(GROUPED)
                        .window(TumblingWindows.of(Duration.ofMinutes(1))).count(Named.as("per-minute")).toStream()
                        .toKafka("out", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'per-minute'");
    }
}
