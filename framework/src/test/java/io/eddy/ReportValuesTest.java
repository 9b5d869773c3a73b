package io.eddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The reports the runtime hands to users ({@link AppMetrics}, {@link BatchProgress},
 * {@link ErrorContext}, {@link RestoreProgress}) are values built with builders: equal when their
 * fields are, immune to later changes of the maps given to the builder, and refusing a missing
 * required field by name.
 */
class ReportValuesTest {

    private static BatchProgress.Builder progress() {
        Map<TopicPartition, OffsetRange> offsets = new LinkedHashMap<>();
        offsets.put(new TopicPartition("in", 1), new OffsetRange(10, 19));
        offsets.put(new TopicPartition("in", 0), new OffsetRange(0, 4));
        return BatchProgress.builder().worker("app-0").batchId(3).offsets(offsets).records(15).skipped(1)
                .duration(Duration.ofMillis(500)).committedAt(Instant.ofEpochMilli(1_000));
    }

    @Test
    void batchProgressIsAValueThatKeepsTheOffsetsOrderAndCopiesItsMaps() {
        Map<Integer, Instant> watermarks = new HashMap<>(Map.of(0, Instant.MIN));
        BatchProgress a = progress().watermarks(watermarks).build();
        watermarks.put(1, Instant.EPOCH);

        assertThat(a).isEqualTo(progress().watermarks(Map.of(0, Instant.MIN)).build())
                .hasSameHashCodeAs(progress().watermarks(Map.of(0, Instant.MIN)).build())
                .isNotEqualTo(progress().records(16).build());
        assertThat(a.watermarks()).containsOnlyKeys(0);
        assertThat(a.offsets().keySet()).extracting(TopicPartition::partition).containsExactly(1, 0);
        assertThat(a.records()).isEqualTo(15);
        assertThat(a.recordsPerSecond()).isEqualTo(30.0);
        assertThat(a.toString()).startsWith("app-0 batch 3: 15 records (1 skipped) in 500 ms");
        assertThatThrownBy(() -> a.offsets().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> BatchProgress.builder().worker("w").duration(Duration.ZERO).build())
                .isInstanceOf(NullPointerException.class).hasMessage("committedAt");
    }

    @Test
    void batchProgressCarriesPerPartitionWatermarksAndWhatHoldsEachTaskBack() {
        Map<TopicPartition, Instant> partitions = new HashMap<>(Map.of(new TopicPartition("in", 0), Instant.EPOCH));
        Map<Integer, String> heldBy = new HashMap<>(Map.of(0, "in"));
        BatchProgress a = progress().watermarks(Map.of(0, Instant.EPOCH)).partitionWatermarks(partitions)
                .watermarkHeldBy(heldBy).build();
        partitions.clear();
        heldBy.clear();

        assertThat(a.partitionWatermarks()).containsExactly(Map.entry(new TopicPartition("in", 0), Instant.EPOCH));
        assertThat(a.watermarkHeldBy()).containsExactly(Map.entry(0, "in"));
        assertThat(a).isNotEqualTo(progress().watermarks(Map.of(0, Instant.EPOCH)).build());
        assertThat(a.toString()).contains("held by {0=in}");
        assertThat(progress().build().partitionWatermarks()).isEmpty();
        assertThatThrownBy(() -> progress().watermarkHeldBy(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("watermarkHeldBy");
    }

    @Test
    void appMetricsDefaultToZeroAndCompareByEveryCounter() {
        Map<String, Long> late = new HashMap<>(Map.of("window", 2L));
        AppMetrics m = AppMetrics.builder().processedRecords(10).lateRecords(2).lateRecordsByOperator(late).build();
        late.put("other", 1L);

        assertThat(m.lateRecordsByOperator()).containsExactly(Map.entry("window", 2L));
        assertThat(m.skippedRecords()).isZero();
        assertThat(m).isEqualTo(AppMetrics.builder().processedRecords(10).lateRecords(2)
                        .lateRecordsByOperator(Map.of("window", 2L)).build())
                .isNotEqualTo(AppMetrics.builder().build());
        assertThat(AppMetrics.builder().build().lateRecordsByOperator()).isEmpty();
        assertThat(m.toString()).contains("processedRecords=10", "lateRecordsByOperator={window=2}");
    }

    @Test
    void errorContextDescribesTheRecordAndNeedsItsRequiredFields() {
        RuntimeException boom = new RuntimeException("boom");
        ErrorContext c = ErrorContext.builder().kind(ErrorContext.Kind.PROCESSING).operator("parse").topic("in")
                .partition(2).offset(41).error(boom).build();

        assertThat(c.describe()).isEqualTo("processing failed in operator 'parse' on record in-2@41: "
                + "java.lang.RuntimeException: boom");
        assertThat(new ProcessingFailedException(c)).hasMessage(c.describe()).hasCause(boom);
        assertThat(c).isEqualTo(ErrorContext.builder().kind(ErrorContext.Kind.PROCESSING).operator("parse")
                .topic("in").partition(2).offset(41).error(boom).build());
        assertThatThrownBy(() -> ErrorContext.builder().kind(ErrorContext.Kind.PROCESSING).operator("x").topic("in")
                .build()).isInstanceOf(NullPointerException.class).hasMessage("error");
    }

    @Test
    void restoreProgressDefaultsToNoTimeRemaining() {
        RestoreProgress r = RestoreProgress.builder().store("counts").task(1).phase(RestoreProgress.Phase.DONE)
                .restored(5).total(5).build();

        assertThat(r.remaining()).isEqualTo(Duration.ZERO);
        assertThat(r).isEqualTo(RestoreProgress.builder().store("counts").task(1).phase(RestoreProgress.Phase.DONE)
                .restored(5).total(5).build());
        assertThatThrownBy(() -> RestoreProgress.builder().store("s").build())
                .isInstanceOf(NullPointerException.class).hasMessage("phase");
    }

    @Test
    void topicCheckExceptionCopiesItsTopics() {
        List<String> topics = new java.util.ArrayList<>(List.of("a"));
        TopicCheckException e = new TopicCheckException(TopicCheckException.Problem.MISSING, topics,
                "input topic missing: 'a' does not exist", null);
        topics.add("b");

        assertThat(e.topics()).containsExactly("a");
        assertThat(e.problem()).isEqualTo(TopicCheckException.Problem.MISSING);
    }
}
