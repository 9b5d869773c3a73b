package io.eddy.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.BatchProgress;
import io.eddy.EddyApp;
import io.eddy.OffsetRange;
import io.eddy.StoreProgress;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The binder's meters, names and tags, fed with progress values (no broker: the app is not started). */
class EddyMeterBinderTest {

    static EddyApp app() {
        return EddyApp.builder("shop").bootstrapServers("localhost:1")
                .pipeline(p -> p.kafka("orders", Consumed.with(Serdes.string(), Serdes.string()))
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
    }

    static BatchProgress batch(long id, Map<TopicPartition, Long> lags) {
        TopicPartition o0 = new TopicPartition("orders", 0);
        return BatchProgress.builder().worker("shop-0").batchId(id).records(100).duration(Duration.ofMillis(50))
                .committedAt(Instant.parse("2026-01-01T00:00:10Z")).offsets(Map.of(o0, new OffsetRange(0, 99)))
                .inputRecordsPerSecond(1_500).schedulingDelay(Duration.ofMillis(250))
                .endToEndDelay(Duration.ofMillis(400)).lags(lags).endOffsets(Map.of(o0, 130L))
                .taskBatchIds(Map.of(0, 17L)).watermarks(Map.of(0, Instant.parse("2026-01-01T00:00:04Z")))
                .durationMs(Map.of("process", 30L, "commit", 15L, "total", 50L))
                .stores(Map.of("counts", StoreProgress.of("counts", 1_000, 40, 2))).lateRecords(Map.of("windows", 3L))
                .sinkRecords(Map.of("out", 100L))
                .triggerInterval(Duration.ofMillis(200)).triggerDelay(Duration.ofMillis(50)).rateBound(900)
                .build();
    }

    private static double gauge(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).gauge().value();
    }

    @Test
    void publishesTheLastBatchPerWorkerTaskPartitionAndStore() {
        EddyApp app = app();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EddyMeterBinder binder = EddyMeterBinder.of(app)) {
            binder.bindTo(registry);
            binder.onBatch(batch(1, Map.of(new TopicPartition("orders", 0), 30L)));
            binder.onBatch(batch(2, Map.of(new TopicPartition("orders", 0), 30L)));

            assertThat(gauge(registry, "eddy.batch.input.rate", "application", "shop", "worker", "shop-0")).isEqualTo(1_500);
            assertThat(gauge(registry, "eddy.batch.processing.rate", "worker", "shop-0")).isEqualTo(2_000);
            assertThat(gauge(registry, "eddy.batch.scheduling.delay", "worker", "shop-0")).isEqualTo(0.25);
            assertThat(gauge(registry, "eddy.batch.end.to.end.delay", "worker", "shop-0")).isEqualTo(0.4);
            assertThat(gauge(registry, "eddy.batch.trigger.interval", "worker", "shop-0")).isEqualTo(0.2);
            assertThat(gauge(registry, "eddy.batch.trigger.delay", "worker", "shop-0")).isEqualTo(0.05);
            assertThat(gauge(registry, "eddy.batch.rate.bound", "worker", "shop-0")).isEqualTo(900);
            assertThat(gauge(registry, "eddy.partition.lag", "topic", "orders", "partition", "0", "task", "0"))
                    .isEqualTo(30);
            assertThat(gauge(registry, "eddy.partition.end.offset", "topic", "orders", "partition", "0")).isEqualTo(130);
            assertThat(gauge(registry, "eddy.task.batch.id", "task", "0")).isEqualTo(17);
            assertThat(gauge(registry, "eddy.task.watermark.gap", "task", "0")).isEqualTo(6);
            assertThat(gauge(registry, "eddy.store.rows", "operator", "counts")).isEqualTo(1_000);
            assertThat(registry.get("eddy.store.rows.updated").tags("operator", "counts").counter().count())
                    .isEqualTo(80);
            assertThat(registry.get("eddy.store.rows.removed").tags("operator", "counts").counter().count())
                    .isEqualTo(4);
            assertThat(registry.get("eddy.sink.records").tags("topic", "out").counter().count()).isEqualTo(200);
            assertThat(registry.get("eddy.operator.records.late").tags("operator", "windows").counter().count())
                    .isEqualTo(6);
            assertThat(registry.get("eddy.batch.phase").tags("phase", "commit").timer().count()).isEqualTo(2);
            assertThat(registry.get("eddy.batches.committed").tags("application", "shop").functionCounter().count())
                    .isZero();   // from app.metrics(): nothing committed by this unstarted app
            assertThat(gauge(registry, "eddy.app.running", "application", "shop")).isZero();
        }
    }

    @Test
    void aPartitionTheWorkerNoLongerReportsLosesItsGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EddyMeterBinder binder = EddyMeterBinder.of(app())) {
            binder.bindTo(registry);
            binder.onBatch(batch(1, Map.of(new TopicPartition("orders", 0), 5L, new TopicPartition("orders", 1), 7L)));
            assertThat(registry.find("eddy.partition.lag").tags("partition", "1").gauge()).isNotNull();
            binder.onBatch(batch(2, Map.of(new TopicPartition("orders", 0), 5L)));
            assertThat(registry.find("eddy.partition.lag").tags("partition", "1").gauge()).isNull();
            assertThat(registry.find("eddy.partition.lag").tags("partition", "0").gauge()).isNotNull();
        }
    }

    @Test
    void aPrometheusScrapeNamesTheMetricsWithTheirTags() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (EddyMeterBinder binder = EddyMeterBinder.of(app())) {
            binder.bindTo(registry);
            binder.onBatch(batch(1, Map.of(new TopicPartition("orders", 0), 30L)));
            String scrape = registry.scrape();
            assertThat(scrape)
                    .contains("eddy_partition_lag_records{application=\"shop\",partition=\"0\",task=\"0\","
                            + "topic=\"orders\",worker=\"shop-0\"} 30.0")
                    .contains("eddy_batch_scheduling_delay_seconds{application=\"shop\",worker=\"shop-0\"} 0.25")
                    .contains("eddy_batches_committed_total{application=\"shop\"} 0.0")
                    .contains("eddy_batch_phase_seconds_count{application=\"shop\",phase=\"total\",worker=\"shop-0\"} 1");
        }
    }

    @Test
    void aRegistryBoundLaterGetsTheMetersAlreadyKnown() {
        try (EddyMeterBinder binder = EddyMeterBinder.of(app())) {
            SimpleMeterRegistry first = new SimpleMeterRegistry();
            binder.bindTo(first);
            binder.onBatch(batch(1, Map.of(new TopicPartition("orders", 0), 30L)));
            SimpleMeterRegistry second = new SimpleMeterRegistry();
            binder.bindTo(second);
            assertThat(gauge(second, "eddy.partition.lag", "partition", "0")).isEqualTo(30);
        }
    }
}
