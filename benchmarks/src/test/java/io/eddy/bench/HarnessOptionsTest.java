package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarnessOptionsTest {
    private static final Path ROOT = Path.of("/repo");

    @Test
    void defaultsMatchTheDocumentedBenchmark() {
        HarnessOptions o = HarnessOptions.parse(new String[0], ROOT);
        assertThat(o.records()).isEqualTo(5_000_000);
        assertThat(o.valueBytes()).isEqualTo(100);
        assertThat(o.keys()).isEqualTo(100_000);
        assertThat(o.partitions()).isEqualTo(8);
        assertThat(o.repeats()).isEqualTo(3);
        assertThat(o.workloads())
                .containsExactly(Workload.W1, Workload.W2, Workload.W3, Workload.W4, Workload.W5, Workload.W6);
        assertThat(o.engines()).containsExactly(Engine.EDDY, Engine.KAFKA_STREAMS, Engine.PLAIN_CLIENTS);
        assertThat(o.threads()).containsExactly(1, 2);
        assertThat(o.commitMillis()).isEqualTo(100);
        assertThat(o.outDir()).isEqualTo(ROOT.resolve("bench-results"));
        assertThat(o.svg()).isEqualTo(ROOT.resolve("docs/benchmarks.svg"));
        assertThat(o.runTimeoutSeconds()).isEqualTo(120 + 250);
        assertThat(o.engineHeap(Workload.W2)).isEqualTo("256m");
        assertThat(o.engineHeap(Workload.W6)).isEqualTo("512m");
        assertThat(o.engineHeap(Workload.W2i2)).isEqualTo("256m");
        assertThat(o.restoreRecords()).isEqualTo(5_000_000);
        assertThat(o.restoreKeys()).isEqualTo(100_000);
        assertThat(o.latencyRate()).isEqualTo(50_000);
        assertThat(o.latencySeconds()).isEqualTo(30);
        assertThat(o.latencyWarmupSeconds()).isEqualTo(20);
        assertThat(o.w3Keys()).isEqualTo(1_000);
        assertThat(o.w3RecordsPerMinute()).isEqualTo(100_000);
        assertThat(o.w3DisorderMillis()).isEqualTo(5_000);
        assertThat(o.engineHeap(Workload.W3)).isEqualTo("512m");
        assertThat(o.w10PunctuateMillis()).isEqualTo(1_000);
        assertThat(o.runTimeoutSeconds(Workload.W10)).isEqualTo(120 + 1_000);
        assertThat(o.runTimeoutSeconds(Workload.W1)).isEqualTo(120 + 250);
        assertThat(o.w11Keys()).isEqualTo(10);
        assertThat(o.w11RecordsPerMinute()).isEqualTo(100_000);
        assertThat(o.w11Cardinality()).isEqualTo(1_000_000);
        assertThat(o.runTimeoutSeconds(Workload.W11)).isEqualTo(120 + 5_000);
    }

    @Test
    void w11OptionsOverrideDefaultsAndImpossibleOnesAreRefused() {
        HarnessOptions o = HarnessOptions.parse(new String[] {"--workloads", "W11", "--w11-keys", "4",
                "--w11-records-per-minute", "200000", "--w11-cardinality", "50000"}, ROOT);
        assertThat(o.w11Keys()).isEqualTo(4);
        assertThat(o.w11RecordsPerMinute()).isEqualTo(200_000);
        assertThat(o.w11Cardinality()).isEqualTo(50_000);
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workloads", "W11", "--w11-records-per-minute",
                "100"}, ROOT)).hasMessageContaining("W11's event time").hasMessageContaining("--w11-records-per-minute");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workloads", "W11", "--records", "1000000",
                "--w11-keys", "1000000", "--w11-records-per-minute", "1000"}, ROOT)).hasMessageContaining("--w11-keys");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--w11-cardinality", "0"}, ROOT))
                .hasMessageContaining("--w11-cardinality must be a positive integer, was '0'");
    }

    @Test
    void w10NeedsAKeyPerGroupAndABoundedSpan() {
        assertThat(HarnessOptions.parse(new String[] {"--workloads", "W10", "--w10-punctuate-ms", "5000"}, ROOT)
                .w10PunctuateMillis()).isEqualTo(5_000);
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workloads", "W10", "--keys", "5"}, ROOT))
                .hasMessageContaining("W10 needs --keys of at least 10, was 5");
        // 10 keys: 40 records per 20 s block, so 1e9 records would span over a year
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workloads", "W10", "--keys", "10", "--records",
                "1000000000"}, ROOT)).hasMessageContaining("W10's event time would span");
        assertThat(HarnessOptions.parse(new String[] {"--workloads", "W1", "--keys", "5"}, ROOT).keys()).isEqualTo(5);
    }

    @Test
    void w3OptionsOverrideDefaultsAndImpossibleOnesAreRefused() {
        HarnessOptions o = HarnessOptions.parse(new String[] {"--workloads", "w3", "--w3-keys", "10_000",
                "--w3-records-per-minute", "50000", "--w3-disorder-ms", "0"}, ROOT);
        assertThat(o.workloads()).containsExactly(Workload.W3);
        assertThat(o.w3Keys()).isEqualTo(10_000);
        assertThat(o.w3RecordsPerMinute()).isEqualTo(50_000);
        assertThat(o.w3DisorderMillis()).isZero();
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workloads", "W3", "--w3-records-per-minute",
                "100"}, ROOT)).hasMessageContaining("--w3-records-per-minute").hasMessageContaining("minutes");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workloads", "W3", "--w3-keys", "1000000"}, ROOT))
                .hasMessageContaining("--w3-keys");
        // the same settings are fine when W3 does not run
        assertThat(HarnessOptions.parse(new String[] {"--workloads", "W2", "--w3-keys", "1000000"}, ROOT).w3Keys())
                .isEqualTo(1_000_000);
    }

    @Test
    void workloadOptionsOverrideDefaults() {
        HarnessOptions o = HarnessOptions.parse(new String[] {"--records", "300000", "--workload-heap", "w6=1g, W2=300m",
                "--restore-records", "6_000_000_000", "--restore-keys", "10", "--latency-rate", "1000",
                "--latency-seconds", "5", "--latency-warmup-s", "0", "--run-timeout-s", "30"}, ROOT);
        assertThat(o.engineHeap(Workload.W2)).isEqualTo("300m");
        assertThat(o.engineHeap(Workload.W6)).isEqualTo("1g");
        assertThat(o.engineHeap(Workload.W1)).isEqualTo("512m");
        assertThat(o.restoreRecords()).isEqualTo(6_000_000_000L);
        assertThat(o.restoreKeys()).isEqualTo(10);
        assertThat(o.latencyRate()).isEqualTo(1000);
        assertThat(o.latencyWarmupSeconds()).isZero();
        assertThat(o.runTimeoutSeconds(Workload.W2)).isEqualTo(30);
        assertThat(o.runTimeoutSeconds(Workload.W5)).isEqualTo(5 + 120);
        assertThat(HarnessOptions.parse(new String[] {"--workload-heap", "none"}, ROOT).engineHeap(Workload.W2))
                .isEqualTo("512m");
        assertThat(HarnessOptions.parse(new String[] {"--records", "42"}, ROOT).restoreRecords()).isEqualTo(42);
    }

    @Test
    void flagsOverrideDefaults() {
        HarnessOptions o = HarnessOptions.parse(new String[] {"--records", "1_000_000", "--repeats", "1",
                "--workloads", "w1", "--engines", "plain,eddy", "--threads", "2", "--svg", "none",
                "--label", "noisy run"}, ROOT);
        assertThat(o.records()).isEqualTo(1_000_000);
        assertThat(o.repeats()).isEqualTo(1);
        assertThat(o.engines()).isEqualTo(List.of(Engine.PLAIN_CLIENTS, Engine.EDDY));
        assertThat(o.threads()).containsExactly(2);
        assertThat(o.svg()).isNull();
        assertThat(o.label()).isEqualTo("noisy run");
    }

    @Test
    void badFlagsAreNamed() {
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--records", "-5"}, ROOT))
                .hasMessageContaining("--records").hasMessageContaining("-5");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--engines", "flink"}, ROOT))
                .hasMessageContaining("flink").hasMessageContaining("eddy, streams, streams-tuned, plain");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--bogus", "1"}, ROOT))
                .hasMessageContaining("--bogus");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--repeats"}, ROOT))
                .hasMessageContaining("--repeats needs a value");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workloads", "W7"}, ROOT))
                .hasMessageContaining("W7").hasMessageContaining("W1, W2, W2i2, W3, W4, W5, W5b, W6, W8, W9, W10, W11, W12, W13");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workload-heap", "W2"}, ROOT))
                .hasMessageContaining("--workload-heap").hasMessageContaining("W2=256m");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workload-heap", "W2=lots"}, ROOT))
                .hasMessageContaining("--workload-heap").hasMessageContaining("lots");
    }

    @Test
    void engineOrderRotatesFromRepeatToRepeat() {
        List<Engine> engines = List.of(Engine.EDDY, Engine.KAFKA_STREAMS, Engine.PLAIN_CLIENTS);
        assertThat(Harness.rotated(engines, 0)).isEqualTo(engines);
        assertThat(Harness.rotated(engines, 1)).containsExactly(Engine.KAFKA_STREAMS, Engine.PLAIN_CLIENTS, Engine.EDDY);
        assertThat(Harness.rotated(engines, 3)).isEqualTo(engines);
    }

    @Test
    void scalingRunsW2OnOneAndTwoInstancesAtOneTwoAndFourThreadsUnlessToldOtherwise() {
        HarnessOptions o = HarnessOptions.parse(new String[] {"--scaling", "--records", "1000"}, ROOT);
        assertThat(o.workloads()).containsExactly(Workload.W2, Workload.W2i2);
        assertThat(o.threads()).containsExactly(1, 2, 4);
        assertThat(o.records()).isEqualTo(1_000);
        HarnessOptions mine = HarnessOptions.parse(new String[] {"--threads", "1,2", "--scaling", "--workloads", "W2i2"},
                ROOT);
        assertThat(mine.workloads()).containsExactly(Workload.W2i2);
        assertThat(mine.threads()).containsExactly(1, 2);
        assertThat(HarnessOptions.parse(new String[0], ROOT).workloads()).doesNotContain(Workload.W2i2, Workload.W9);
    }

    @Test
    void w9AndTheTunedPeerOnlyWhenNamed() {
        HarnessOptions o = HarnessOptions.parse(new String[] {"--workloads", "W9", "--engines", "eddy,streams,streams-tuned",
                "--w9-records-per-minute", "20000", "--w9-delay-ms", "60000"}, ROOT);
        assertThat(o.engines()).containsExactly(Engine.EDDY, Engine.KAFKA_STREAMS, Engine.KAFKA_STREAMS_TUNED);
        assertThat(o.w9RecordsPerMinute()).isEqualTo(20_000);
        assertThat(o.w9DelayMillis()).isEqualTo(60_000);
        HarnessOptions defaults = HarnessOptions.parse(new String[0], ROOT);
        assertThat(defaults.engines()).doesNotContain(Engine.KAFKA_STREAMS_TUNED);
        assertThat(defaults.w9RecordsPerMinute()).isEqualTo(100_000);
        assertThat(defaults.w9DelayMillis()).isEqualTo(300_000);
        assertThat(HarnessOptions.parse(new String[] {"--w9-delay-ms", "0"}, ROOT).w9DelayMillis()).isZero();
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--workloads", "W9", "--records", "1000000000",
                "--w9-records-per-minute", "1"}, ROOT)).hasMessageContaining("W9's event time would span");
        assertThatThrownBy(() -> HarnessOptions.parse(new String[] {"--w9-records-per-minute", "-1"}, ROOT))
                .hasMessageContaining("--w9-records-per-minute must be a positive integer");
    }

    @Test
    void parsesProcStatusKilobytes() {
        assertThat(Harness.parseKilobytes("\t  123456 kB")).isEqualTo(123_456);
    }
}
