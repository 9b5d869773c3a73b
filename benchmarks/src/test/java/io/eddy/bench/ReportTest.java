package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static final HarnessOptions OPTIONS = HarnessOptions.parse(
            new String[] {"--records", "1000", "--threads", "1", "--repeats", "3", "--label", "test <data>"},
            Path.of("/repo"));

    private static RunResult run(Engine engine, int repeat, long millis) {
        return new RunResult(Workload.W1, engine, 1, repeat, 1000, 900, 900, millis, 100L << 20, 20L << 20,
                300L << 20, 500, 400, 10, 20, -1, LatencyHistogram.Summary.NONE, null);
    }

    private static Report report() {
        List<RunResult> runs = List.of(
                run(Engine.EDDY, 1, 10), run(Engine.EDDY, 2, 20), run(Engine.EDDY, 3, 40),
                run(Engine.KAFKA_STREAMS, 1, 40), run(Engine.KAFKA_STREAMS, 2, 40),
                RunResult.failed(Workload.W1, Engine.KAFKA_STREAMS, 1, 3, 1000, 900, "boom \"quoted\""),
                run(Engine.PLAIN_CLIENTS, 1, 20), run(Engine.PLAIN_CLIENTS, 2, 20), run(Engine.PLAIN_CLIENTS, 3, 20));
        return new Report(OPTIONS, runs, Map.of("cpus", "2"));
    }

    @Test
    void mediansUseSuccessfulRunsOnlyAndRatiosCompareEddyToEachPeer() {
        Report report = report();
        Report.Row eddy = report.row(Workload.W1, 1, Engine.EDDY).orElseThrow();
        Report.Row streams = report.row(Workload.W1, 1, Engine.KAFKA_STREAMS).orElseThrow();
        assertThat(eddy.recordsPerSecond()).isEqualTo(50_000.0);      // 1000 records in 20 ms
        assertThat(streams.okRuns()).isEqualTo(2);
        assertThat(streams.runs()).isEqualTo(3);
        assertThat(streams.recordsPerSecond()).isEqualTo(25_000.0);
        assertThat(eddy.engineCpuMicrosPerRecord()).isEqualTo(500.0);
        assertThat(report.eddyOver(Workload.W1, 1, Engine.KAFKA_STREAMS)).isEqualTo("2.00x");
        assertThat(report.eddyOver(Workload.W1, 1, Engine.PLAIN_CLIENTS)).isEqualTo("1.00x");
    }

    @Test
    void tableAddsTheRatioToSparkOnlyWhenSparkRan() {
        HarnessOptions withSpark = HarnessOptions.parse(new String[] {"--records", "1000", "--threads", "1",
                "--engines", "eddy,spark"}, Path.of("/repo"));
        String table = new Report(withSpark, List.of(run(Engine.EDDY, 1, 20), run(Engine.SPARK, 1, 60)), Map.of())
                .table();
        assertThat(table).contains("Spark (at-least-once)", "Eddy / Spark (at-least-once) = 3.00x");
        assertThat(report().table()).doesNotContain("Spark");
    }

    @Test
    void tableShowsRatesRatiosAndFailures() {
        String table = report().table();
        assertThat(table).contains("Eddy / Kafka Streams = 2.00x", "Eddy / plain clients = 1.00x", "50.0k", "2/3",
                "100 MiB");
    }

    @Test
    void jsonAndCsvEscapeText() {
        Report report = report();
        assertThat(report.json()).contains("\"error\": \"boom \\\"quoted\\\"\"", "\"label\": \"test <data>\"",
                "\"eddyOverKafkaStreams\": \"2.00x\"", "\"medianRecordsPerSecond\": 50000");
        assertThat(report.csv().lines()).hasSize(10).first().asString().startsWith("workload,engine,threads");
        assertThat(report.csv()).contains("\"boom \"\"quoted\"\"\"");
    }

    @Test
    void svgHasABarPerEngineValueLabelsRatiosAndEscapedText() {
        String svg = SvgChart.render(report());
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>\n");
        assertThat(svg).contains("fill=\"" + SvgChart.color(Engine.EDDY) + "\"",
                "fill=\"" + SvgChart.color(Engine.KAFKA_STREAMS) + "\"", ">50.0k<", ">25.0k<",
                "Eddy / Kafka Streams 2.00x", "W1: map + filter, exactly-once", ">1 thread<", ">test &lt;data&gt;<");
        assertThat(svg).doesNotContain("<data>");
    }

    private static final HarnessOptions ALL = HarnessOptions.parse(
            new String[] {"--records", "1000", "--threads", "1", "--repeats", "1", "--workloads", "W2,W4,W5"},
            Path.of("/repo"));

    private static RunResult result(Workload w, Engine e, long records, long millis, long restoreWindowMillis,
                                    LatencyHistogram.Summary latency, long peakHeap) {
        return new RunResult(w, e, 1, 1, records, 10, 10, millis, peakHeap, peakHeap / 2, 400L << 20, 100, 100, 1,
                1, restoreWindowMillis, latency, null);
    }

    private static Report stateful() {
        LatencyHistogram.Summary none = LatencyHistogram.Summary.NONE;
        return new Report(ALL, List.of(
                result(Workload.W2, Engine.EDDY, 1000, 10, -1, none, 200L << 20),
                result(Workload.W2, Engine.KAFKA_STREAMS, 1000, 40, -1, none, 100L << 20),
                result(Workload.W2, Engine.PLAIN_CLIENTS, 1000, 5, -1, none, 300L << 20),
                result(Workload.W4, Engine.EDDY, 1000, 10, 5, none, 100L << 20),
                result(Workload.W4, Engine.KAFKA_STREAMS, 1000, 15, 10, none, 100L << 20),
                result(Workload.W5, Engine.EDDY, 1000, 1000, -1, new LatencyHistogram.Summary(900, 60, 150, 400),
                        100L << 20),
                result(Workload.W5, Engine.KAFKA_STREAMS, 1000, 1000, -1,
                        new LatencyHistogram.Summary(900, 70, 300, 900), 100L << 20)), Map.of());
    }

    @Test
    void targetsAreCheckedPerWorkload() {
        Report report = stateful();
        assertThat(report.eddyOver(Workload.W2, 1, Engine.KAFKA_STREAMS)).isEqualTo("4.00x");
        assertThat(report.targetCheck(Workload.W2, 1))
                .contains("Eddy / Kafka Streams >= 4.00x: met (4.00x)", "Eddy heap <= 256 MiB: met (ran in -Xmx256m",
                        "Eddy / plain clients >= 0.75x: MISSED (0.50x)");
        assertThat(report.targetCheck(Workload.W4, 1)).contains(">= 3.00x: MISSED (1.50x)",
                "Eddy peak heap <= Kafka Streams': met (100 MiB vs 100 MiB)");
        assertThat(Report.targetOverPlain(Workload.W1)).isEqualTo(1.0);
        assertThat(Report.targetOverPlain(Workload.W3)).isZero();
        assertThat(report.eddyOver(Workload.W5, 1, Engine.KAFKA_STREAMS)).isEqualTo("0.50x");
        assertThat(report.targetCheck(Workload.W5, 1)).contains("p99 <= 200 ms", ": met (150 vs 300)");
        assertThat(report.row(Workload.W4, 1, Engine.EDDY).orElseThrow().restoreWindowRecordsPerSecond())
                .isEqualTo(200_000.0);
    }

    @Test
    void tableShowsEachKindOfWorkloadWithItsOwnColumns() {
        String table = stateful().table();
        assertThat(table).contains("engine JVM -Xmx256m", "restore-only/s", "200.0k", "p99 ms", "150", "900",
                "Eddy / Kafka Streams p99 = 0.50x", "(lower is better)", "Eddy / plain clients = n/a");
        String json = stateful().json();
        assertThat(json).contains("\"medianLatencyP99Millis\": 150", "\"workloadHeaps\": {\"W2\": \"256m\", \"W2i2\": \"256m\"}",
                "\"target\": \"target: Eddy / Kafka Streams >= 3.00x: MISSED (1.50x)", "\"restoreWindowMillis\": 5");
        assertThat(stateful().csv().lines().skip(1)).allMatch(line -> line.split(",", -1).length == 22);
    }

    @Test
    void svgHasAPanelPerWorkloadAndTheLatencyTarget() {
        String svg = SvgChart.render(stateful());
        assertThat(svg).contains("W2: count by key, exactly-once", "W4: restore 1.0k entries",
                "W5: latency at 50.0k records/s", "dashed: target 200 ms", ">150 ms<", "stroke-dasharray");
        assertThat(svg).contains(">n/a<");   // no plain clients bar in the restore panel
    }

    @Test
    void axisTopIsARoundNumberAtOrAboveTheValue() {
        assertThat(SvgChart.niceCeiling(55_000)).isEqualTo(100_000.0);
        assertThat(SvgChart.niceCeiling(240_000)).isEqualTo(250_000.0);
        assertThat(SvgChart.niceCeiling(200_000)).isEqualTo(200_000.0);
        assertThat(SvgChart.niceCeiling(0)).isEqualTo(1.0);
    }

    private static RunResult w2(Workload w, Engine e, int threads, long millis, long engineCpuMillis) {
        return new RunResult(w, e, threads, 1, 1000, 1000, 1000, millis, 100L << 20, 50L << 20, 300L << 20,
                engineCpuMillis, 100, 1, 1, -1, LatencyHistogram.Summary.NONE, null);
    }

    @Test
    void ratiosAndTargetsAgainstTheTunedPeerWhenItRan() {
        HarnessOptions o = HarnessOptions.parse(new String[] {"--records", "1000", "--threads", "1", "--repeats", "1",
                "--workloads", "W2", "--engines", "eddy,streams,streams-tuned"}, Path.of("/repo"));
        Report report = new Report(o, List.of(w2(Workload.W2, Engine.EDDY, 1, 10, 5),
                w2(Workload.W2, Engine.KAFKA_STREAMS, 1, 40, 20), w2(Workload.W2, Engine.KAFKA_STREAMS_TUNED, 1, 20, 10)),
                Map.of());
        assertThat(report.ratioLine(Workload.W2, 1)).isEqualTo("Eddy / Kafka Streams = 4.00x   "
                + "Eddy / KStreams tuned = 2.00x   Eddy / plain clients = n/a");
        assertThat(report.targetCheck(Workload.W2, 1)).contains("Eddy / Kafka Streams >= 4.00x: met (4.00x)",
                "Eddy / KStreams tuned >= 2.50x: MISSED (2.00x)");
        assertThat(report.json()).contains("\"eddyOverKafkaStreamsTuned\": \"2.00x\"");
        assertThat(Report.targetOverTunedStreams(Workload.W1)).isZero();
        assertThat(Report.targetOverTunedStreams(Workload.W6)).isEqualTo(2.5);
        // without the tuned peer, neither its ratio nor its target appear
        assertThat(report().table()).doesNotContain("KStreams tuned");
        assertThat(SvgChart.render(report)).contains("Eddy / KStreams tuned 2.00x",
                "fill=\"" + SvgChart.color(Engine.KAFKA_STREAMS_TUNED) + "\"");
    }

    @Test
    void scalingTableShowsWorkersSpeedUpAndCpuPerRecord() {
        HarnessOptions o = HarnessOptions.parse(new String[] {"--records", "1000", "--repeats", "1", "--scaling",
                "--engines", "eddy,plain"}, Path.of("/repo"));
        Report report = new Report(o, List.of(
                w2(Workload.W2, Engine.EDDY, 1, 10, 5), w2(Workload.W2, Engine.EDDY, 2, 8, 8),
                w2(Workload.W2, Engine.EDDY, 4, 8, 12), w2(Workload.W2i2, Engine.EDDY, 1, 5, 10),
                w2(Workload.W2, Engine.PLAIN_CLIENTS, 1, 5, 2)), Map.of());
        String scaling = report.scalingTable();
        assertThat(scaling).contains("Scaling", "workers = instances x threads");
        assertThat(scaling.lines().filter(l -> l.contains("Eddy"))).containsExactly(
                "    Eddy           1         1            100.0k     1.00x          5.00",
                "    Eddy           1         2            125.0k     1.25x          8.00",
                "    Eddy           2         1            200.0k     2.00x         10.00",
                "    Eddy           1         4            125.0k     1.25x         12.00");
        assertThat(report.table()).contains("Scaling");
        assertThat(report().scalingTable()).isEmpty();
    }
}
