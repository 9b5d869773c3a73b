package io.eddy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The JSON of progress and status: every documented field, nulls for missing figures, escaping. */
class ProgressJsonTest {

    private static BatchProgress sample() {
        TopicPartition tp = new TopicPartition("clicks", 0);
        return BatchProgress.builder().worker("app-0").runId("r1").batchId(7).records(10)
                .duration(Duration.ofMillis(20)).committedAt(Instant.parse("2026-01-01T00:00:10Z"))
                .offsets(Map.of(tp, new OffsetRange(5, 14))).endOffsets(Map.of(tp, 20L)).lags(Map.of(tp, 5L))
                .watermarks(Map.of(0, Instant.parse("2026-01-01T00:00:07Z"))).partitionWatermarks(Map.of(tp, Instant.MIN))
                .watermarkHeldBy(Map.of(0, "clicks \"x\"")).taskBatchIds(Map.of(0, 41L))
                .durationMs(Map.of("total", 20L)).schedulingDelay(Duration.ofMillis(3))
                .stores(Map.of("counts", StoreProgress.of("counts", 100, 4, 1).withSizes(2048, 4096))).lateRecords(Map.of("w", 2L))
                .sinkRecords(Map.of("out", 9L)).operatorMetrics(Map.of("learn.accuracy", 0.75)).build();
    }

    @Test
    void batchProgressJsonHasTheDocumentedFields() {
        String json = sample().toJson();
        assertThat(json).startsWith("{\"worker\":\"app-0\",\"runId\":\"r1\",\"batchId\":7,")
                .contains("\"committedAt\":\"2026-01-01T00:00:10Z\"")
                .contains("\"inputRecordsPerSecond\":null")
                .contains("\"processedRecordsPerSecond\":500")
                .contains("\"durationMs\":{\"total\":20}")
                .contains("\"schedulingDelayMs\":3,\"endToEndDelayMs\":null")
                .contains("\"taskBatchIds\":{\"0\":41}")
                .contains("{\"topic\":\"clicks\",\"partition\":0,\"startOffset\":5,\"endOffset\":15,"
                        + "\"latestOffset\":20,\"lag\":5,\"watermark\":null}")
                .contains("{\"task\":0,\"watermark\":\"2026-01-01T00:00:07Z\",\"gapMs\":3000,"
                        + "\"heldBy\":\"clicks \\\"x\\\"\"}")
                .contains("\"stores\":[{\"store\":\"counts\",\"rowsTotal\":100,\"rowsUpdated\":4,\"rowsRemoved\":1,\"memoryBytes\":2048,\"diskBytes\":4096}]")
                .endsWith("\"lateRecords\":{\"w\":2},\"sinkRecords\":{\"out\":9},\"operatorMetrics\":{\"learn.accuracy\":0.75}}");
    }

    @Test
    void toBuilderCopiesEveryField() {
        BatchProgress p = sample();
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(p.toBuilder().runId("r2").build()).isNotEqualTo(p);
    }

    @Test
    void watermarkGapIsCommitTimeMinusWatermark() {
        assertThat(sample().watermarkGaps()).containsExactly(Map.entry(0, Duration.ofSeconds(3)));
    }

    @Test
    void statusJsonNamesWorkersTasksRestoresAndEscapesText() {
        AppStatus status = AppStatus.builder().applicationId("app").runId("r1").state(AppState.RUNNING)
                .failure("bad <script>").triggerInterval(Duration.ofMillis(100)).at(Instant.EPOCH)
                .workers(List.of(AppStatus.WorkerStatus.of("app-0", Set.of(1, 0), Set.of(1), sample())))
                .restores(List.of(RestoreProgress.builder().store("counts").task(1).phase(RestoreProgress.Phase.RUNNING)
                        .restored(50).total(200).recordsPerSecond(25.5).remaining(Duration.ofSeconds(6)).build()))
                .metrics(AppMetrics.builder().committedBatches(3).build()).build();
        assertThat(status.restoring()).isTrue();
        assertThat(status.toJson()).startsWith("{\"applicationId\":\"app\",\"runId\":\"r1\",\"state\":\"RUNNING\"")
                .contains("\"failure\":\"bad \\u003cscript\\u003e\"")
                .contains("\"triggerIntervalMs\":100")
                .contains("\"tasks\":[0,1],\"restoringTasks\":[1]")
                .contains("\"lastBatch\":{\"batchId\":7,\"records\":10")
                .contains("{\"store\":\"counts\",\"task\":1,\"phase\":\"RUNNING\",\"restored\":50,\"total\":200,"
                        + "\"recordsPerSecond\":25.500,\"remainingMs\":6000}")
                .contains("\"committedBatches\":3");
    }
}
