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
                300L << 20, 500, 400, 10, 20, null);
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
                "Eddy / Kafka Streams 2.00x", "W1, 1 thread", ">test &lt;data&gt;<");
        assertThat(svg).doesNotContain("<data>");
    }

    @Test
    void axisTopIsARoundNumberAtOrAboveTheValue() {
        assertThat(SvgChart.niceCeiling(55_000)).isEqualTo(100_000.0);
        assertThat(SvgChart.niceCeiling(240_000)).isEqualTo(250_000.0);
        assertThat(SvgChart.niceCeiling(200_000)).isEqualTo(200_000.0);
        assertThat(SvgChart.niceCeiling(0)).isEqualTo(1.0);
    }
}
