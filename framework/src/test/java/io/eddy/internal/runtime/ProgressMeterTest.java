package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.BatchProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The progress arithmetic: input rate from end offsets, delays from record timestamps, phase durations. */
class ProgressMeterTest {
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);

    private static BatchProgress.Builder progress() {
        return BatchProgress.builder().worker("w").duration(Duration.ZERO).committedAt(Instant.EPOCH);
    }

    @Test
    void inputRateIsTheGrowthOfTheEndOffsetsOverTheTimeBetween() {
        double rate = ProgressMeter.inputRate(Map.of(A0, 100L, A1, 50L), 1_000, Map.of(A0, 300L, A1, 150L), 3_000);
        assertThat(rate).isEqualTo(150.0);   // 300 records in 2 s
    }

    @Test
    void inputRateCountsOnlyPartitionsKnownAtBothTimesAndNeverANegativeGrowth() {
        // A1 is new (reassigned): not counted; A0's end went back (a recreated topic): zero
        assertThat(ProgressMeter.inputRate(Map.of(A0, 100L), 0, Map.of(A0, 40L, A1, 1_000L), 1_000)).isEqualTo(0.0);
        assertThat(ProgressMeter.inputRate(Map.of(A1, 5L), 0, Map.of(A0, 40L), 1_000)).isNaN();
        assertThat(ProgressMeter.inputRate(Map.of(A0, 5L), 1_000, Map.of(A0, 40L), 1_000)).isNaN();
    }

    @Test
    void theFirstBatchHasNoInputRateAndTheSecondMeasuresFromTheFirst() {
        ProgressMeter meter = new ProgressMeter();
        BatchProgress.Builder first = progress();
        meter.finish(first, 0, 10, Map.of(A0, 1_000L));
        assertThat(first.build().inputRecordsPerSecond()).isNaN();
        BatchProgress.Builder second = progress();
        meter.finish(second, 500, 510, Map.of(A0, 1_500L));
        assertThat(second.build().inputRecordsPerSecond()).isEqualTo(1_000.0);   // 500 records in 0.5 s
    }

    @Test
    void delaysRunFromTheOldestRecordToTheBatchStartAndToTheCommit() {
        ProgressMeter meter = new ProgressMeter();
        meter.recordTimestamp(9_000);
        meter.recordTimestamp(8_000);
        meter.recordTimestamp(-1);   // a record without a timestamp does not count
        BatchProgress.Builder b = progress();
        meter.finish(b, 10_000, 10_250, Map.of());
        BatchProgress p = b.build();
        assertThat(p.schedulingDelay()).contains(Duration.ofMillis(2_000));
        assertThat(p.endToEndDelay()).contains(Duration.ofMillis(2_250));
    }

    @Test
    void aBatchWithoutRecordsHasNoDelays() {
        ProgressMeter meter = new ProgressMeter();
        BatchProgress.Builder b = progress();
        meter.finish(b, 0, 5, Map.of());
        assertThat(b.build().schedulingDelay()).isEmpty();
        assertThat(b.build().endToEndDelay()).isEmpty();
    }

    @Test
    void phasesAddUpPerBatchAndAnAbortDropsWhatTheAbortedBatchMeasured() {
        ProgressMeter meter = new ProgressMeter();
        meter.polled(5);
        meter.processed(7);
        meter.recordTimestamp(1);
        meter.aborted();
        meter.polled(3);
        meter.processed(11);
        meter.processed(2);
        meter.flushed(4);
        meter.committed(20);
        meter.stateWritten(6);
        meter.restored(9);
        BatchProgress.Builder b = progress();
        meter.finish(b, 100, 150, Map.of());
        BatchProgress p = b.build();
        // the polls before the abort waited for this batch's records too
        assertThat(p.durationMs()).containsExactly(Map.entry("poll", 8L), Map.entry("process", 13L),
                Map.entry("flush", 4L), Map.entry("commit", 20L), Map.entry("stateWrite", 6L),
                Map.entry("restore", 9L), Map.entry("total", 50L));
        assertThat(p.schedulingDelay()).isEmpty();
        BatchProgress.Builder next = progress();
        meter.finish(next, 200, 200, Map.of());
        assertThat(next.build().durationMs()).containsEntry("poll", 0L).containsEntry("process", 0L)
                .containsEntry("restore", 0L);
    }

    @Test
    void historyKeepsTheNewestInOrder() {
        ProgressHistory history = new ProgressHistory(3);
        assertThat(history.last()).isNull();
        assertThat(history.snapshot()).isEmpty();
        for (int i = 0; i < 5; i++) {
            history.add(progress().batchId(i).build());
        }
        assertThat(history.snapshot()).extracting(BatchProgress::batchId).containsExactly(2L, 3L, 4L);
        assertThat(history.last().batchId()).isEqualTo(4);
    }
}
