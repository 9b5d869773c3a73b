package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.internal.runtime.ClientConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void expectedCountsSplitTheRecordsRoundRobinOverTheKeys() {
        // 10 records over 4 keys: keys 0 and 1 get 3, keys 2 and 3 get 2
        assertThat(Workload.expectedCount(10, 4, 0)).isEqualTo(3);
        assertThat(Workload.expectedCount(10, 4, 1)).isEqualTo(3);
        assertThat(Workload.expectedCount(10, 4, 2)).isEqualTo(2);
        assertThat(Workload.expectedCount(10, 4, 3)).isEqualTo(2);
        assertThat(Workload.expectedCount(10, 4, 4)).isZero();
        assertThat(Workload.expectedCount(3, 5, 4)).isZero();   // fewer records than keys
        assertThat(Workload.expectedCount(5_000_000, 100_000, 99_999)).isEqualTo(50);
        long sum = 0;
        for (int k = 0; k < 7; k++) {
            sum += Workload.expectedCount(1_000_003, 7, k);
        }
        assertThat(sum).isEqualTo(1_000_003);
    }

    @Test
    void checkCountsAcceptsTheTrueCountsAndNamesTheWrongOnes() {
        long[] right = {3, 3, 2, 2};
        assertThat(Workload.checkCounts(right, 0, 10, 4)).isNull();
        long[] wrong = {3, 4, 2, 0};
        assertThat(Workload.checkCounts(wrong, 0, 10, 4))
                .contains("2 of 4 keys", "key-000001 has 4 instead of 3", "key-000003 has 0 instead of 2");
        assertThat(Workload.checkCounts(right, 5, 10, 4)).contains("5 output records have an unknown key");
    }

    @Test
    void keyIndexReadsBackKeyBytes() {
        assertThat(Workload.keyIndex(Workload.keyBytes(0))).isZero();
        assertThat(Workload.keyIndex(Workload.keyBytes(99_999))).isEqualTo(99_999);
        assertThat(Workload.keyIndex(Workload.keyBytes(12_345_678))).isEqualTo(12_345_678);
        assertThat(Workload.keyName(42)).isEqualTo("key-000042");
        assertThat(Workload.keyIndex("key-".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(Workload.keyIndex("kex-000001".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(Workload.keyIndex("key-00a001".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(Workload.keyIndex(null)).isEqualTo(-1);
    }

    @Test
    void kindsGuaranteesTargetsAndSupport() {
        assertThat(Workload.W2.counts()).isTrue();
        assertThat(Workload.W4.counts()).isTrue();
        assertThat(Workload.W5.counts()).isFalse();
        assertThat(Workload.W6.exactlyOnce()).isFalse();
        assertThat(Workload.W2.exactlyOnce()).isTrue();
        assertThat(Workload.W6.targetOverStreams()).isEqualTo(4.0);
        assertThat(Workload.W4.targetOverStreams()).isEqualTo(3.0);
        assertThat(Workload.W4.supports(Engine.PLAIN_CLIENTS)).isFalse();
        assertThat(Workload.W4.supports(Engine.KAFKA_STREAMS)).isTrue();
        assertThat(Workload.W10.supports(Engine.PLAIN_CLIENTS)).isFalse();
        assertThat(Workload.W10.supports(Engine.EDDY)).isTrue();
        assertThat(Workload.W10.exactlyOnce()).isTrue();
        assertThat(Workload.W10.kind()).isEqualTo(Workload.Kind.SESSION_TOTALS);
        assertThat(Workload.parse("w10")).isEqualTo(Workload.W10);
        assertThat(Workload.W5.supports(Engine.PLAIN_CLIENTS)).isTrue();
        assertThat(Workload.changelogTopic("bench-x")).isEqualTo("bench-x-counts-changelog");
        assertThat(Workload.W3.windowed()).isTrue();
        assertThat(Workload.W3.counts()).isFalse();
        assertThat(Workload.W3.exactlyOnce()).isTrue();
        assertThat(Workload.W3.targetOverStreams()).isEqualTo(4.0);
        assertThat(Workload.W2.windowed()).isFalse();
        assertThat(Workload.W3.supports(Engine.PLAIN_CLIENTS)).isTrue();
    }

    @Test
    void engineSpecRoundTripsThroughProgramArguments() {
        EngineSpec spec = new EngineSpec(Engine.KAFKA_STREAMS, Workload.W4, "localhost:1", "app", "in", "out", 2, 100,
                Path.of("/tmp/state"), 7, 5_000);
        assertThat(EngineSpec.fromArgs(spec.toArgs().toArray(String[]::new))).isEqualTo(spec);
    }

    @Test
    void latencyWorkloadsCarryTheirOwnCommitIntervalsAndTargets() {
        assertThat(Workload.parse("w5b")).isEqualTo(Workload.W5b);
        assertThat(Workload.parse("W8")).isEqualTo(Workload.W8);
        assertThat(Workload.W5b.commitMillis(Engine.EDDY, 100)).isEqualTo(20);
        assertThat(Workload.W5b.commitMillis(Engine.KAFKA_STREAMS, 100)).isEqualTo(20);
        assertThat(Workload.W8.commitMillis(Engine.KAFKA_STREAMS, 100)).isZero();
        assertThat(Workload.W8.commitMillis(Engine.EDDY, 100)).isEqualTo(100);
        assertThat(Workload.W5.commitMillis(Engine.KAFKA_STREAMS, 100)).isEqualTo(100);
        assertThat(Workload.W5.latencyTargetMillis(100)).isEqualTo(200);
        assertThat(Workload.W5b.latencyTargetMillis(100)).isEqualTo(60);
        assertThat(Workload.W8.latencyTargetMillis(100)).isEqualTo(10);
        assertThat(Workload.W8.exactlyOnce()).isFalse();
        assertThat(Workload.W8.supports(Engine.PLAIN_CLIENTS)).isFalse();
        assertThat(Workload.W5b.supports(Engine.PLAIN_CLIENTS)).isTrue();
        assertThat(Workload.W8.commitMillis(Engine.KAFKA_STREAMS_TUNED, 100)).isZero();
    }

    @Test
    void theTunedPeerAndTheNewWorkloads() {
        assertThat(Engine.parse("streams-tuned")).isEqualTo(Engine.KAFKA_STREAMS_TUNED);
        assertThat(Engine.KAFKA_STREAMS_TUNED.kafkaStreams()).isTrue();
        assertThat(Engine.KAFKA_STREAMS.kafkaStreams()).isTrue();
        assertThat(Engine.EDDY.kafkaStreams()).isFalse();
        assertThat(Workload.parse("w9")).isEqualTo(Workload.W9);
        assertThat(Workload.W9.kind()).isEqualTo(Workload.Kind.PIPELINE);
        assertThat(Workload.W9.exactlyOnce()).isTrue();
        assertThat(Workload.W9.targetOverStreams()).isEqualTo(3.0);
        assertThat(Workload.W9.supports(Engine.PLAIN_CLIENTS)).isFalse();
        assertThat(Workload.W9.supports(Engine.KAFKA_STREAMS_TUNED)).isTrue();
        assertThat(Workload.W9.windowed()).isFalse();
        assertThat(Workload.W9.counts()).isFalse();
        assertThat(Workload.parse("w2I2")).isEqualTo(Workload.W2i2);
        assertThat(Workload.W2i2.instances()).isEqualTo(2);
        assertThat(Workload.W2.instances()).isEqualTo(1);
        assertThat(Workload.W2i2.counts()).isTrue();
        assertThat(Workload.W2i2.supports(Engine.PLAIN_CLIENTS)).isTrue();
        EngineSpec spec = new EngineSpec(Engine.KAFKA_STREAMS_TUNED, Workload.W9, "localhost:1", "app", "in", "out", 1,
                100, Path.of("/tmp/state"), 0, 120_000);
        assertThat(EngineSpec.fromArgs(spec.toArgs().toArray(String[]::new))).isEqualTo(spec);
    }

    @Test
    void theTunedSettingsMatchEddysDefaults() {
        var settings = StreamsTuning.settings(Workload.W2);
        assertThat(settings).containsEntry("producer.batch.size", 256 * 1024).containsEntry("producer.linger.ms", 5)
                .containsEntry("statestore.cache.max.bytes", 32L << 20)
                .containsEntry("rocksdb.config.setter", StreamsTuning.BoundedMemory.class)
                .containsEntry("topology.optimization", "all")
                .containsEntry("restore.consumer.max.poll.records", 10_000)
                .containsEntry("main.consumer.max.partition.fetch.bytes", 8 << 20)
                .containsEntry("main.consumer.fetch.max.bytes", 16 << 20);
        // the peer and the plain loop mirror Eddy's worker consumer: a change there must show here
        assertThat(StreamsTuning.PARTITION_FETCH_BYTES).isEqualTo(ClientConfigs.WORKER_PARTITION_FETCH_BYTES);
        assertThat(StreamsTuning.FETCH_BYTES).isEqualTo(ClientConfigs.WORKER_FETCH_BYTES);
        // W9's tuned peer dropped records as late with them (its stream time ran ahead of the grace)
        assertThat(StreamsTuning.settings(Workload.W9)).doesNotContainKeys("main.consumer.max.partition.fetch.bytes",
                "main.consumer.fetch.max.bytes");
        assertThat(StreamsTuning.STATE_MEMORY_BYTES).isEqualTo(64L << 20);
    }

    @Test
    void sparkRunsOnlyTheFirstThreeWorkloads() {
        assertThat(Engine.parse("Spark")).isEqualTo(Engine.SPARK);
        for (Workload w : Workload.values()) {
            assertThat(w.supports(Engine.SPARK)).as(w.name())
                    .isEqualTo(w == Workload.W1 || w == Workload.W2 || w == Workload.W3);
        }
    }
}
