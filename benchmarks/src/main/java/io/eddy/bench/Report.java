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
 * successful runs, Eddy's ratios to each peer, and whether the benchmark issue's targets are met.
 * Renders them as a text table, JSON and CSV.
 */
final class Report {
    /** The application heap W2 must fit in, from the benchmark issue. */
    static final long W2_HEAP_TARGET_BYTES = 256L << 20;

    /**
     * The medians of one engine at one thread count on one workload, over its successful runs;
     * -1 where unknown or not measured by the workload.
     *
     * @param workload the workload
     * @param threads threads per engine
     * @param engine the engine
     * @param runs runs attempted
     * @param okRuns runs that finished with the expected output
     * @param recordsPerSecond median throughput (input records, restored entries, or the paced input rate)
     * @param outputRecords median output records seen (restored entries for W4)
     * @param peakHeapBytes median peak used heap
     * @param heapAfterGcBytes median of the largest heap left after a collection
     * @param peakRssBytes median peak resident set
     * @param engineCpuMicrosPerRecord median engine CPU per input record
     * @param brokerCpuMicrosPerRecord median broker CPU per input record
     * @param restoreWindowRecordsPerSecond W4: median entries per second of the restore window alone
     * @param latencyP50Millis W5: median of the runs' p50 latencies
     * @param latencyP99Millis W5: median of the runs' p99 latencies
     * @param latencyMaxMillis W5: median of the runs' largest latencies
     */
    record Row(Workload workload, int threads, Engine engine, int runs, int okRuns, double recordsPerSecond,
               double outputRecords, double peakHeapBytes, double heapAfterGcBytes, double peakRssBytes,
               double engineCpuMicrosPerRecord, double brokerCpuMicrosPerRecord,
               double restoreWindowRecordsPerSecond, double latencyP50Millis, double latencyP99Millis,
               double latencyMaxMillis) {
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
                            median(ok, RunResult::actualOutput),
                            median(ok, RunResult::peakHeapBytes),
                            median(ok, RunResult::heapAfterGcBytes),
                            median(ok, RunResult::peakRssBytes),
                            median(ok, RunResult::engineCpuMicrosPerRecord),
                            median(ok, RunResult::brokerCpuMicrosPerRecord),
                            median(ok, RunResult::restoreWindowRecordsPerSecond),
                            median(ok, r -> r.latency().p50Millis()),
                            median(ok, r -> r.latency().p99Millis()),
                            median(ok, r -> r.latency().maxMillis())));
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

    /**
     * Eddy's median throughput over {@code peer}'s, as {@code "1.23x"}, or {@code "n/a"}; for a
     * latency workload, Eddy's median p99 over the peer's (lower is better).
     */
    String eddyOver(Workload workload, int threads, Engine peer) {
        return Stats.ratio(headline(workload, threads, Engine.EDDY), headline(workload, threads, peer));
    }

    /** The figure a workload is judged by: records/s, or p99 latency for LATENCY; -1 if unknown. */
    private double headline(Workload workload, int threads, Engine engine) {
        return row(workload, threads, engine)
                .map(r -> workload.kind() == Workload.Kind.LATENCY ? r.latencyP99Millis() : r.recordsPerSecond())
                .orElse(-1.0);
    }

    /**
     * Whether Eddy meets the benchmark issue's targets for {@code workload} at {@code threads}:
     * a line such as {@code "target: Eddy / Kafka Streams >= 3.00x: MISSED (1.20x)"}, or null if
     * the workload has no target.
     */
    String targetCheck(Workload workload, int threads) {
        List<String> parts = new ArrayList<>();
        if (workload.targetOverStreams() > 0) {
            parts.add(ratioTarget(workload, threads, Engine.KAFKA_STREAMS, workload.targetOverStreams()));
        }
        double tunedTarget = targetOverTunedStreams(workload);
        if (tunedTarget > 0 && options.engines().contains(Engine.KAFKA_STREAMS_TUNED)) {
            parts.add(ratioTarget(workload, threads, Engine.KAFKA_STREAMS_TUNED, tunedTarget));
        }
        double plainTarget = targetOverPlain(workload);
        if (plainTarget > 0 && options.engines().contains(Engine.PLAIN_CLIENTS)) {
            parts.add(ratioTarget(workload, threads, Engine.PLAIN_CLIENTS, plainTarget));
        }
        if (workload == Workload.W4) {
            Optional<Row> eddy = row(workload, threads, Engine.EDDY).filter(r -> r.okRuns() > 0);
            Optional<Row> streams = row(workload, threads, Engine.KAFKA_STREAMS).filter(r -> r.okRuns() > 0);
            if (eddy.isPresent() && streams.isPresent()) {
                double mine = eddy.get().peakHeapBytes();
                double theirs = streams.get().peakHeapBytes();
                parts.add("Eddy peak heap <= Kafka Streams': " + (mine <= theirs ? "met" : "MISSED") + " ("
                        + Stats.mib(mine) + " vs " + Stats.mib(theirs) + ")");
            }
        }
        if (workload == Workload.W2) {
            Optional<Row> eddy = row(workload, threads, Engine.EDDY).filter(r -> r.okRuns() > 0);
            long xmx = Stats.heapBytes(options.engineHeap(workload));
            String verdict = eddy.isEmpty() ? "n/a"
                    : xmx <= W2_HEAP_TARGET_BYTES || eddy.get().peakHeapBytes() <= W2_HEAP_TARGET_BYTES ? "met" : "MISSED";
            parts.add("Eddy heap <= 256 MiB: " + verdict + " (ran in -Xmx" + options.engineHeap(workload)
                    + eddy.map(r -> ", peak " + Stats.mib(r.peakHeapBytes()) + ", after GC "
                    + Stats.mib(r.heapAfterGcBytes())).orElse("") + ")");
        }
        if (workload.kind() == Workload.Kind.LATENCY) {
            double eddy = headline(workload, threads, Engine.EDDY);
            double streams = headline(workload, threads, Engine.KAFKA_STREAMS);
            long bound = workload.latencyTargetMillis(options.commitMillis());
            if (workload == Workload.W8) {
                // W8's target is absolute; Kafka Streams at commit.interval.ms=0 is the reference
                String verdict = eddy < 0 ? "n/a" : eddy <= bound ? "met" : "MISSED";
                parts.add(String.format(Locale.ROOT, "Eddy p99 <= %d ms (%s): %s (%s; Kafka Streams %s)", bound,
                        workload.latencyTargetRule(), verdict, millis(eddy), millis(streams)));
            } else {
                String verdict = eddy < 0 ? "n/a" : eddy <= bound && (streams < 0 || eddy < streams) ? "met" : "MISSED";
                parts.add(String.format(Locale.ROOT, "Eddy p99 <= %d ms (%s) and below Kafka Streams' "
                        + "p99: %s (%s vs %s)", bound, workload.latencyTargetRule(), verdict, millis(eddy),
                        millis(streams)));
            }
        }
        return parts.isEmpty() ? null : "target: " + String.join("; ", parts);
    }

    /**
     * The throughput ratio Eddy / {@link Engine#KAFKA_STREAMS_TUNED} the second performance issue
     * sets as the target: 2.5x for W2, W3 and W6; 0 (none) for the others.
     */
    static double targetOverTunedStreams(Workload workload) {
        return switch (workload) {
            case W2, W3, W6 -> 2.5;
            default -> 0;
        };
    }

    /** {@code "Eddy / <peer> >= <target>x: met (<ratio>)"}, or MISSED, or n/a when a side has no figure. */
    private String ratioTarget(Workload workload, int threads, Engine peer, double target) {
        double eddy = headline(workload, threads, Engine.EDDY);
        double theirs = headline(workload, threads, peer);
        String verdict = eddy < 0 || theirs <= 0 ? "n/a" : eddy / theirs >= target ? "met" : "MISSED";
        return String.format(Locale.ROOT, "Eddy / %s >= %.2fx: %s (%s)", peer.label(), target, verdict,
                Stats.ratio(eddy, theirs));
    }

    /**
     * The throughput ratio Eddy / {@link Engine#PLAIN_CLIENTS} the second performance issue sets as
     * the target: 1.0x for W1, 0.75x for W2 and W6; 0 (none) for the others.
     */
    static double targetOverPlain(Workload workload) {
        return switch (workload) {
            case W1 -> 1.0;
            case W2, W6 -> 0.75;
            default -> 0;
        };
    }

    /**
     * The line of Eddy's ratios to each peer that ran {@code workload} at {@code threads}, such as
     * {@code "Eddy / Kafka Streams = 3.10x   Eddy / KStreams tuned = 2.20x   Eddy / plain clients = 0.60x"}.
     */
    String ratioLine(Workload w, int threads) {
        String what = w.kind() == Workload.Kind.LATENCY ? " p99" : "";
        List<String> parts = new ArrayList<>();
        for (Engine peer : List.of(Engine.KAFKA_STREAMS, Engine.KAFKA_STREAMS_TUNED, Engine.PLAIN_CLIENTS, Engine.SPARK)) {
            if ((peer == Engine.KAFKA_STREAMS_TUNED || peer == Engine.SPARK) && !options.engines().contains(peer)) {
                continue;   // the tuned peer and Spark run only when asked for
            }
            if (peer == Engine.SPARK && !w.supports(peer)) {
                continue;
            }
            String ratio = w.supports(peer) ? eddyOver(w, threads, peer) : "n/a (not run)";
            parts.add("Eddy / " + peer.label() + what + " = " + ratio);
        }
        return String.join("   ", parts) + (w.kind() == Workload.Kind.LATENCY ? "   (lower is better)" : "");
    }

    /** The human-readable summary. */
    String table() {
        StringBuilder b = new StringBuilder();
        for (Workload w : options.workloads()) {
            b.append(String.format(Locale.ROOT, "%n%s  %s, %s%n", w.name(), w.description(),
                    w.commitDescription(options.commitMillis())));
            b.append("    ").append(setup(w)).append(String.format(Locale.ROOT, "; median of %d repeat(s); engine JVM "
                    + "-Xmx%s%s%n", options.repeats(), options.engineHeap(w), label == null ? "" : "  [" + label + "]"));
            String head = switch (w.kind()) {
                case THROUGHPUT, COUNT, WINDOW_COUNT, SESSION_TOTALS, PIPELINE ->
                        String.format(Locale.ROOT, "%11s %6s %12s", "records/s", "ok", "output");
                case RESTORE -> String.format(Locale.ROOT, "%11s %6s %12s %14s", "restored/s", "ok", "restored",
                        "restore-only/s");
                case LATENCY -> String.format(Locale.ROOT, "%11s %6s %7s %7s %7s", "input/s", "ok", "p50 ms", "p99 ms",
                        "max ms");
            };
            b.append(String.format(Locale.ROOT, "    %-7s %-14s %s %10s %14s %9s %13s %13s%n", "threads", "engine", head,
                    "peak heap", "heap after GC", "peak RSS", "engine us/rec", "broker us/rec"));
            for (int t : options.threads()) {
                for (Row r : rows) {
                    if (r.workload() != w || r.threads() != t) {
                        continue;
                    }
                    String ok = r.okRuns() + "/" + r.runs();
                    String figures = switch (w.kind()) {
                        case THROUGHPUT, COUNT, WINDOW_COUNT, SESSION_TOTALS, PIPELINE -> String.format(Locale.ROOT, "%11s %6s %12s",
                                Stats.rate(r.recordsPerSecond()), ok, count(r.outputRecords()));
                        case RESTORE -> String.format(Locale.ROOT, "%11s %6s %12s %14s", Stats.rate(r.recordsPerSecond()),
                                ok, count(r.outputRecords()), Stats.rate(r.restoreWindowRecordsPerSecond()));
                        case LATENCY -> String.format(Locale.ROOT, "%11s %6s %7s %7s %7s", Stats.rate(r.recordsPerSecond()),
                                ok, millis(r.latencyP50Millis()), millis(r.latencyP99Millis()),
                                millis(r.latencyMaxMillis()));
                    };
                    b.append(String.format(Locale.ROOT, "    %-7d %-14s %s %10s %14s %9s %13s %13s%n",
                            t, r.engine().label(), figures, Stats.mib(r.peakHeapBytes()),
                            Stats.mib(r.heapAfterGcBytes()), Stats.mib(r.peakRssBytes()),
                            micros(r.engineCpuMicrosPerRecord()), micros(r.brokerCpuMicrosPerRecord())));
                }
                b.append(String.format(Locale.ROOT, "    %-7s %s%n", "", ratioLine(w, t)));
                String target = targetCheck(w, t);
                if (target != null) {
                    b.append(String.format(Locale.ROOT, "    %-7s %s%n", "", target));
                }
            }
        }
        b.append(scalingTable());
        return b.toString();
    }

    /**
     * The scaling summary of W2 (one instance) and W2i2 (two instances), when either ran with more
     * than one worker: per engine and worker count (instances x threads), the median records/s, the
     * speed-up over the same engine's W2 at one thread, and the engine CPU per record (summed over
     * the instances), which shows what parallelism costs even where the cores are too few for it
     * to pay. Empty if there is nothing to compare.
     */
    String scalingTable() {
        List<Row> scaling = rows.stream()
                .filter(r -> r.workload() == Workload.W2 || r.workload() == Workload.W2i2)
                .filter(r -> r.okRuns() > 0)
                .toList();
        boolean parallel = scaling.stream().anyMatch(r -> r.threads() * r.workload().instances() > 1);
        if (!parallel) {
            return "";
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%nScaling  W2 count by key, exactly-once: "
                + "workers = instances x threads; speed-up over the engine's W2 at 1 thread%n"));
        b.append(String.format(Locale.ROOT, "    %-14s %-9s %-7s %11s %9s %13s%n", "engine", "instances", "threads",
                "records/s", "speed-up", "engine us/rec"));
        for (Engine e : options.engines()) {
            double base = row(Workload.W2, 1, e).filter(r -> r.okRuns() > 0).map(Row::recordsPerSecond).orElse(-1.0);
            scaling.stream().filter(r -> r.engine() == e)
                    .sorted(java.util.Comparator.comparingInt((Row r) -> r.threads() * r.workload().instances())
                            .thenComparingInt(r -> r.workload().instances()))
                    .forEach(r -> b.append(String.format(Locale.ROOT, "    %-14s %-9d %-7d %11s %9s %13s%n",
                            e.label(), r.workload().instances(), r.threads(), Stats.rate(r.recordsPerSecond()),
                            Stats.ratio(r.recordsPerSecond(), base), micros(r.engineCpuMicrosPerRecord()))));
        }
        return b.toString();
    }

    /** One line saying what a workload's runs processed. */
    private String setup(Workload w) {
        return switch (w.kind()) {
            case THROUGHPUT, COUNT -> String.format(Locale.ROOT, "%s records x %d B values, %s keys, %d partitions",
                    Stats.count(options.records()), options.valueBytes(), Stats.count(options.keys()),
                    options.partitions());
            case WINDOW_COUNT -> w == Workload.W11 ? String.format(Locale.ROOT, "%s records, values drawn from %s, %s "
                            + "keys, %s records per minute of event time, disorder <= %d ms, %d partitions; output = "
                            + "windows emitted", Stats.count(options.records()), Stats.count(options.w11Cardinality()),
                    Stats.count(options.w11Keys()), Stats.count(options.w11RecordsPerMinute()),
                    options.w3DisorderMillis(), options.partitions())
                    : String.format(Locale.ROOT, "%s records x %d B values, %s keys, %s records per minute "
                            + "of event time, disorder <= %d ms (Eddy's allowed delay, Kafka Streams' grace), "
                            + "%d partitions; output = windows emitted",
                    Stats.count(options.records()), options.valueBytes(), Stats.count(options.w3Keys()),
                    Stats.count(options.w3RecordsPerMinute()), options.w3DisorderMillis(), options.partitions());
            case SESSION_TOTALS -> String.format(Locale.ROOT, "%s records x 8 B long values, %s keys falling silent in "
                            + "turn, %d partitions; a key's total after %d s of event-time silence; Kafka Streams "
                            + "punctuates every %d ms of stream time; output = totals emitted",
                    Stats.count(options.records()), Stats.count(options.keys()), options.partitions(),
                    SessionInput.SILENCE_MILLIS / 1000, options.w10PunctuateMillis());
            case PIPELINE -> String.format(Locale.ROOT, "%s orders x %d B values, a table of %s customers in %d "
                            + "regions, %s orders per minute of event time, allowed delay / grace %d ms, %d partitions; "
                            + "output = (region, window) totals emitted",
                    Stats.count(options.records()), options.valueBytes(), Stats.count(options.keys()),
                    PipelineInput.REGIONS, Stats.count(options.w9RecordsPerMinute()), options.w9DelayMillis(),
                    options.partitions());
            case RESTORE -> String.format(Locale.ROOT, "changelog of %s entries, %s keys, %d partitions; restored/s "
                            + "counts from the instance's start, restore-only/s from the first restore's start",
                    Stats.count(options.restoreRecords()), Stats.count(options.restoreKeys()), options.partitions());
            case LATENCY -> String.format(Locale.ROOT, "%s records/s for %d s after a %d s warm-up, %d B values, "
                            + "%s keys, %d partitions; latency = read_committed visibility - produce time",
                    Stats.count(options.latencyRate()), options.latencySeconds(), options.latencyWarmupSeconds(),
                    options.valueBytes(), Stats.count(options.keys()), options.partitions());
        };
    }

    private static String micros(double v) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String millis(double v) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String count(double v) {
        return v < 0 ? "n/a" : Stats.count(Math.round(v));
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
                .append(", \"engineHeap\": ").append(quote(options.engineHeap()));
        b.append(", \"workloadHeaps\": {");
        i = 0;
        for (Workload w : Workload.values()) {
            if (options.workloadHeaps().containsKey(w)) {
                b.append(i++ == 0 ? "" : ", ").append(quote(w.name())).append(": ")
                        .append(quote(options.workloadHeaps().get(w)));
            }
        }
        b.append("}")
                .append(", \"w3Keys\": ").append(options.w3Keys())
                .append(", \"w3RecordsPerMinute\": ").append(options.w3RecordsPerMinute())
                .append(", \"w3DisorderMillis\": ").append(options.w3DisorderMillis())
                .append(", \"w10PunctuateMillis\": ").append(options.w10PunctuateMillis())
                .append(", \"w9RecordsPerMinute\": ").append(options.w9RecordsPerMinute())
                .append(", \"w9DelayMillis\": ").append(options.w9DelayMillis())
                .append(", \"w11Keys\": ").append(options.w11Keys())
                .append(", \"w11RecordsPerMinute\": ").append(options.w11RecordsPerMinute())
                .append(", \"w11Cardinality\": ").append(options.w11Cardinality())
                .append(", \"restoreRecords\": ").append(options.restoreRecords())
                .append(", \"restoreKeys\": ").append(options.restoreKeys())
                .append(", \"latencyRate\": ").append(options.latencyRate())
                .append(", \"latencySeconds\": ").append(options.latencySeconds())
                .append(", \"latencyWarmupSeconds\": ").append(options.latencyWarmupSeconds())
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
                    .append(", \"medianOutputRecords\": ").append(number(row.outputRecords()))
                    .append(", \"medianPeakHeapBytes\": ").append(number(row.peakHeapBytes()))
                    .append(", \"medianHeapAfterGcBytes\": ").append(number(row.heapAfterGcBytes()))
                    .append(", \"medianPeakRssBytes\": ").append(number(row.peakRssBytes()))
                    .append(", \"medianEngineCpuMicrosPerRecord\": ").append(number(row.engineCpuMicrosPerRecord()))
                    .append(", \"medianBrokerCpuMicrosPerRecord\": ").append(number(row.brokerCpuMicrosPerRecord()))
                    .append(", \"medianRestoreWindowRecordsPerSecond\": ")
                    .append(number(row.restoreWindowRecordsPerSecond()))
                    .append(", \"medianLatencyP50Millis\": ").append(number(row.latencyP50Millis()))
                    .append(", \"medianLatencyP99Millis\": ").append(number(row.latencyP99Millis()))
                    .append(", \"medianLatencyMaxMillis\": ").append(number(row.latencyMaxMillis()));
            if (row.engine() == Engine.EDDY) {
                b.append(", \"eddyOverKafkaStreams\": ")
                        .append(quote(eddyOver(row.workload(), row.threads(), Engine.KAFKA_STREAMS)))
                        .append(", \"eddyOverKafkaStreamsTuned\": ")
                        .append(quote(eddyOver(row.workload(), row.threads(), Engine.KAFKA_STREAMS_TUNED)))
                        .append(", \"eddyOverPlainClients\": ")
                        .append(quote(eddyOver(row.workload(), row.threads(), Engine.PLAIN_CLIENTS)));
                String target = targetCheck(row.workload(), row.threads());
                b.append(", \"target\": ").append(target == null ? "null" : quote(target));
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
                    .append(", \"restoreWindowMillis\": ").append(run.restoreWindowMillis())
                    .append(", \"latencyCount\": ").append(run.latency().count())
                    .append(", \"latencyP50Millis\": ").append(run.latency().p50Millis())
                    .append(", \"latencyP99Millis\": ").append(run.latency().p99Millis())
                    .append(", \"latencyMaxMillis\": ").append(run.latency().maxMillis())
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
                + "engine_cpu_millis,broker_cpu_millis,produce_requests,fetch_requests,restore_window_millis,"
                + "latency_count,latency_p50_millis,latency_p99_millis,latency_max_millis,error\n");
        for (RunResult r : runs) {
            b.append(String.join(",", r.workload().name(), r.engine().id(), Integer.toString(r.threads()),
                    Integer.toString(r.repeat()), Long.toString(r.inputRecords()), Long.toString(r.expectedOutput()),
                    Long.toString(r.actualOutput()), Long.toString(r.millis()),
                    number(r.ok() ? r.recordsPerSecond() : -1), Long.toString(r.peakHeapBytes()),
                    Long.toString(r.heapAfterGcBytes()), Long.toString(r.peakRssBytes()),
                    Long.toString(r.engineCpuMillis()), Long.toString(r.brokerCpuMillis()),
                    Long.toString(r.produceRequests()), Long.toString(r.fetchRequests()),
                    Long.toString(r.restoreWindowMillis()), Long.toString(r.latency().count()),
                    Long.toString(r.latency().p50Millis()), Long.toString(r.latency().p99Millis()),
                    Long.toString(r.latency().maxMillis()),
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
