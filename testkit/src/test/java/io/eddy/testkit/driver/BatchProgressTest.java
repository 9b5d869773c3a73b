package io.eddy.testkit.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.BatchProgress;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The progress the batch loop reports, on the driver's manual clock: rates from end offsets,
 * delays from record timestamps, lag per partition, durable task batch ids and store rows.
 */
class BatchProgressTest {
    private static final TopicPartition IN0 = new TopicPartition("in", 0);

    private static TestDriver countingDriver() {
        return TestDriver.builder().defaultPartitions(1).pipeline(p -> p
                .kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.string())).count(Named.as("counts"))
                .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.longs()))).build();
    }

    @Test
    void ratesDelaysAndLagFollowTheClockAndTheOffsets() {
        try (TestDriver d = countingDriver()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            for (int i = 0; i < 10; i++) {
                in.pipe("k" + (i % 4), "v");
            }
            d.advanceTime(Duration.ofSeconds(2));
            d.runBatch();
            BatchProgress first = d.lastProgress().orElseThrow();
            assertThat(first.records()).isEqualTo(10);
            assertThat(first.inputRecordsPerSecond()).isNaN();   // nothing to compare with yet
            assertThat(first.schedulingDelay()).contains(Duration.ofSeconds(2));
            assertThat(first.endToEndDelay()).contains(Duration.ofSeconds(2));
            assertThat(first.endOffsets()).containsEntry(IN0, 10L);
            assertThat(first.lags()).containsEntry(IN0, 0L);
            assertThat(first.taskBatchIds()).containsExactly(Map.entry(0, 0L));
            assertThat(first.stores()).containsOnlyKeys("counts");
            assertThat(first.stores().get("counts").rowsTotal()).isEqualTo(4);
            assertThat(first.stores().get("counts").rowsUpdated()).isEqualTo(4);
            assertThat(first.stores().get("counts").rowsRemoved()).isZero();
            assertThat(first.stores().get("counts").diskBytes()).isZero();   // the driver's stores are in memory
            assertThat(first.sinkRecords()).containsExactly(Map.entry("out", 4L));   // one update per key
            assertThat(first.durationMs()).containsKeys("poll", "process", "flush", "commit", "stateWrite",
                    "restore", "total");

            for (int i = 0; i < 50; i++) {
                in.pipe("k" + i, "v");
            }
            d.advanceTime(Duration.ofSeconds(10));
            d.holdBack("in", 0);   // the records exist but are not delivered: they show as lag
            in.pipe("late", "v");
            d.release("in", 0);
            d.runBatch();
            BatchProgress second = d.lastProgress().orElseThrow();
            assertThat(second.records()).isEqualTo(51);
            assertThat(second.inputRecordsPerSecond()).isEqualTo(5.1);   // 51 records arrived in 10 s
            assertThat(second.schedulingDelay()).contains(Duration.ofSeconds(10));
            assertThat(second.taskBatchIds()).containsExactly(Map.entry(0, 1L));
            assertThat(second.stores().get("counts").rowsTotal()).isEqualTo(51);   // k0..k49 and "late"
            assertThat(second.stores().get("counts").rowsUpdated()).isEqualTo(51);
        }
    }

    @Test
    void aPartitionHeldBackShowsItsLag() {
        try (TestDriver d = TestDriver.builder().defaultPartitions(2).pipeline(p -> p
                .kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                .toKafka("out", Produced.with(Serdes.string(), Serdes.string()))).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            d.holdBack("in", 1);
            for (int i = 0; i < 40; i++) {
                in.pipe("k" + i, "v");
            }
            d.runBatch();
            BatchProgress p = d.lastProgress().orElseThrow();
            long held = p.lags().get(new TopicPartition("in", 1));
            assertThat(held).isPositive();
            assertThat(p.lags().get(IN0)).isZero();
            assertThat(p.records() + held).isEqualTo(40);
            assertThat(p.stores()).isEmpty();
        }
    }

    @Test
    void rowsRemovedCountTheTombstonesOfATable() {
        try (TestDriver d = TestDriver.builder().defaultPartitions(1).pipeline(p -> p
                .table("in", Consumed.with(Serdes.string(), Serdes.string()), Named.as("latest"))
                .toStream().toKafka("out", Produced.with(Serdes.string(), Serdes.string()))).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "1");
            in.pipe("b", "1");
            d.runBatch();
            in.pipe("a", null);
            in.pipe("c", "1");
            d.runBatch();
            io.eddy.StoreProgress latest = d.lastProgress().orElseThrow().stores().get("latest");
            assertThat(latest.rowsUpdated()).isEqualTo(2);
            assertThat(latest.rowsRemoved()).isEqualTo(1);
            assertThat(latest.rowsTotal()).isEqualTo(2);
        }
    }

    @Test
    void taskBatchIdsSurviveARestart() {
        try (TestDriver d = countingDriver()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("a", "v");
            d.runBatch();
            in.pipe("a", "v");
            d.runBatch();
            d.restart();
            in.pipe("a", "v");
            d.runBatch();
            assertThat(d.lastProgress().orElseThrow().taskBatchIds()).containsExactly(Map.entry(0, 2L));
        }
    }
}
