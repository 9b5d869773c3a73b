package io.eddy.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The results of a harness run: per workload, thread count and engine, the medians over its
 * successful runs, and the ratios of Eddy's median throughput to each peer's. Renders them as a
 * text table, JSON and CSV.
 */
final class Report {

    /**
     * The medians of one engine at one thread count on one workload, over its successful runs;
     * -1 where unknown.
     *
     * @param workload the workload
     * @param threads threads per engine
     * @param engine the engine
     * @param runs runs attempted
     * @param okRuns runs that finished with exactly the expected output
     * @param recordsPerSecond median throughput
     * @param peakHeapBytes median peak used heap
     * @param heapAfterGcBytes median of the largest heap left after a collection
     * @param peakRssBytes median peak resident set
     * @param engineCpuMicrosPerRecord median engine CPU per input record
     * @param brokerCpuMicrosPerRecord median broker CPU per input record
     */
    record Row(Workload workload, int threads, Engine engine, int runs, int okRuns, double recordsPerSecond,
               double peakHeapBytes, double heapAfterGcBytes, double peakRssBytes,
               double engineCpuMicrosPerRecord, double brokerCpuMicrosPerRecord) {
    }

    private final HarnessOptions options;
    private final List<RunResult> runs;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> environment;
    private final String label;

    Report(HarnessOptions options, List<RunResult> runs, Map<String, String> environment) {
        this.options = options;
        this.runs = List.copyOf(runs);
        this.environment = new LinkedHashMap<>(environment);
        this.label = options.label();
        for (Workload w : options.workloads()) {
            for (int t : options.threads()) {
                for (Engine e : options.engines()) {
                    List<RunResult> mine = runs.stream()
                            .filter(r -> r.workload() == w && r.threads() == t && r.engine() == e).toList();
                    if (mine.isEmpty()) {
                        continue;
                    }
                    List<RunResult> ok = mine.stream().filter(RunResult::ok).toList();
                    rows.add(new Row(w, t, e, mine.size(), ok.size(),
                            median(ok, RunResult::recordsPerSecond),
                            median(ok, RunResult::peakHeapBytes),
                            median(ok, RunResult::heapAfterGcBytes),
                            median(ok, RunResult::peakRssBytes),
                            median(ok, RunResult::engineCpuMicrosPerRecord),
                            median(ok, RunResult::brokerCpuMicrosPerRecord)));
                }
            }
        }
    }

    private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> metric) {
        return Stats.median(runs.stream().map(r -> metric.applyAsDouble(r)).toList());
    }

    /** The summary rows, by workload, then thread count, then engine. */
    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** The free-text label of this run (such as "noisy sanity run"), or null. */
    String label() {
        return label;
    }

    HarnessOptions options() {
        return options;
    }

    /** The row for one engine, if it ran. */
    Optional<Row> row(Workload workload, int threads, Engine engine) {
        return rows.stream()
                .filter(r -> r.workload() == workload && r.threads() == threads && r.engine() == engine)
                .findFirst();
    }

    /** Eddy's median throughput over {@code peer}'s, as {@code "1.23x"}, or {@code "n/a"}. */
    String eddyOver(Workload workload, int threads, Engine peer) {
        double eddy = row(workload, threads, Engine.EDDY).map(Row::recordsPerSecond).orElse(-1.0);
        double other = row(workload, threads, peer).map(Row::recordsPerSecond).orElse(-1.0);
        return Stats.ratio(eddy, other);
    }

    /** The human-readable summary. */
    String table() {
        StringBuilder b = new StringBuilder();
        for (Workload w : options.workloads()) {
            b.append(String.format(Locale.ROOT, "%n%s  %s, commit %d ms%n", w.name(), w.description(),
                    options.commitMillis()));
            b.append(String.format(Locale.ROOT, "    %s records x %d B values, %s keys, %d partitions; median of "
                            + "%d repeat(s); engine JVM -Xmx%s%s%n",
                    Stats.count(options.records()), options.valueBytes(), Stats.count(options.keys()),
                    options.partitions(), options.repeats(), options.engineHeap(),
                    label == null ? "" : "  [" + label + "]"));
            b.append(String.format(Locale.ROOT, "    %-7s %-14s %11s %6s %10s %14s %9s %13s %13s%n", "threads", "engine",
                    "records/s", "ok", "peak heap", "heap after GC", "peak RSS", "engine us/rec", "broker us/rec"));
            for (int t : options.threads()) {
                for (Row r : rows) {
                    if (r.workload() != w || r.threads() != t) {
                        continue;
                    }
                    b.append(String.format(Locale.ROOT, "    %-7d %-14s %11s %6s %10s %14s %9s %13s %13s%n",
                            t, r.engine().label(), Stats.rate(r.recordsPerSecond()), r.okRuns() + "/" + r.runs(),
                            Stats.mib(r.peakHeapBytes()), Stats.mib(r.heapAfterGcBytes()),
                            Stats.mib(r.peakRssBytes()), micros(r.engineCpuMicrosPerRecord()),
                            micros(r.brokerCpuMicrosPerRecord())));
                }
                b.append(String.format(Locale.ROOT, "    %-7s Eddy / Kafka Streams = %s   Eddy / plain clients = %s%n",
                        "", eddyOver(w, t, Engine.KAFKA_STREAMS), eddyOver(w, t, Engine.PLAIN_CLIENTS)));
            }
        }
        return b.toString();
    }

    private static String micros(double v) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Every run and every summary row as one JSON document. */
    String json() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"label\": ").append(label == null ? "null" : quote(label)).append(",\n");
        b.append("  \"environment\": {");
        int i = 0;
        for (Map.Entry<String, String> e : environment.entrySet()) {
            b.append(i++ == 0 ? "" : ", ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
        }
        b.append("},\n");
        b.append("  \"config\": {")
                .append("\"records\": ").append(options.records())
                .append(", \"valueBytes\": ").append(options.valueBytes())
                .append(", \"keys\": ").append(options.keys())
                .append(", \"partitions\": ").append(options.partitions())
                .append(", \"repeats\": ").append(options.repeats())
                .append(", \"commitMillis\": ").append(options.commitMillis())
                .append(", \"brokerHeap\": ").append(quote(options.brokerHeap()))
                .append(", \"engineHeap\": ").append(quote(options.engineHeap()))
                .append("},\n");
        b.append("  \"summary\": [\n");
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            b.append("    {\"workload\": ").append(quote(row.workload().name()))
                    .append(", \"threads\": ").append(row.threads())
                    .append(", \"engine\": ").append(quote(row.engine().id()))
                    .append(", \"runs\": ").append(row.runs())
                    .append(", \"okRuns\": ").append(row.okRuns())
                    .append(", \"medianRecordsPerSecond\": ").append(number(row.recordsPerSecond()))
                    .append(", \"medianPeakHeapBytes\": ").append(number(row.peakHeapBytes()))
                    .append(", \"medianHeapAfterGcBytes\": ").append(number(row.heapAfterGcBytes()))
                    .append(", \"medianPeakRssBytes\": ").append(number(row.peakRssBytes()))
                    .append(", \"medianEngineCpuMicrosPerRecord\": ").append(number(row.engineCpuMicrosPerRecord()))
                    .append(", \"medianBrokerCpuMicrosPerRecord\": ").append(number(row.brokerCpuMicrosPerRecord()));
            if (row.engine() == Engine.EDDY) {
                b.append(", \"eddyOverKafkaStreams\": ")
                        .append(quote(eddyOver(row.workload(), row.threads(), Engine.KAFKA_STREAMS)))
                        .append(", \"eddyOverPlainClients\": ")
                        .append(quote(eddyOver(row.workload(), row.threads(), Engine.PLAIN_CLIENTS)));
            }
            b.append(r + 1 < rows.size() ? "},\n" : "}\n");
        }
        b.append("  ],\n  \"runs\": [\n");
        for (int r = 0; r < runs.size(); r++) {
            RunResult run = runs.get(r);
            b.append("    {\"workload\": ").append(quote(run.workload().name()))
                    .append(", \"engine\": ").append(quote(run.engine().id()))
                    .append(", \"threads\": ").append(run.threads())
                    .append(", \"repeat\": ").append(run.repeat())
                    .append(", \"inputRecords\": ").append(run.inputRecords())
                    .append(", \"expectedOutput\": ").append(run.expectedOutput())
                    .append(", \"actualOutput\": ").append(run.actualOutput())
                    .append(", \"millis\": ").append(run.millis())
                    .append(", \"recordsPerSecond\": ").append(number(run.ok() ? run.recordsPerSecond() : -1))
                    .append(", \"peakHeapBytes\": ").append(run.peakHeapBytes())
                    .append(", \"heapAfterGcBytes\": ").append(run.heapAfterGcBytes())
                    .append(", \"peakRssBytes\": ").append(run.peakRssBytes())
                    .append(", \"engineCpuMillis\": ").append(run.engineCpuMillis())
                    .append(", \"brokerCpuMillis\": ").append(run.brokerCpuMillis())
                    .append(", \"produceRequests\": ").append(run.produceRequests())
                    .append(", \"fetchRequests\": ").append(run.fetchRequests())
                    .append(", \"error\": ").append(run.error() == null ? "null" : quote(run.error()))
                    .append(r + 1 < runs.size() ? "},\n" : "}\n");
        }
        b.append("  ]\n}\n");
        return b.toString();
    }

    /** Every run as CSV with a header line. */
    String csv() {
        StringBuilder b = new StringBuilder("workload,engine,threads,repeat,input_records,expected_output,"
                + "actual_output,millis,records_per_second,peak_heap_bytes,heap_after_gc_bytes,peak_rss_bytes,"
                + "engine_cpu_millis,broker_cpu_millis,produce_requests,fetch_requests,error\n");
        for (RunResult r : runs) {
            b.append(String.join(",", r.workload().name(), r.engine().id(), Integer.toString(r.threads()),
                    Integer.toString(r.repeat()), Long.toString(r.inputRecords()), Long.toString(r.expectedOutput()),
                    Long.toString(r.actualOutput()), Long.toString(r.millis()),
                    number(r.ok() ? r.recordsPerSecond() : -1), Long.toString(r.peakHeapBytes()),
                    Long.toString(r.heapAfterGcBytes()), Long.toString(r.peakRssBytes()),
                    Long.toString(r.engineCpuMillis()), Long.toString(r.brokerCpuMillis()),
                    Long.toString(r.produceRequests()), Long.toString(r.fetchRequests()),
                    r.error() == null ? "" : csvField(r.error()))).append('\n');
        }
        return b.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A CSV field: quoted, quotes doubled, line breaks flattened. */
    static String csvField(String s) {
        return "\"" + s.replace("\"", "\"\"").replace('\n', ' ').replace('\r', ' ') + "\"";
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
