package io.eddy.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The harness's command-line options, parsed and checked once.
 *
 * <pre>{@code
 * --records 5000000     input records, loaded once
 * --value-bytes 100     size of each input value
 * --keys 100000         distinct keys (record i has key i mod keys); also W10's keys
 * --partitions 8        partitions of the input and of every output topic
 * --repeats 3           runs of each engine and thread count; the median is reported
 * --warmup-runs 1       unmeasured runs of each workload (latency workloads excepted) before its measured ones, to warm the broker up
 * --workloads W1,W2,W3,W4,W5,W6   comma-separated; W2i2, W5b, W8, W9 and W10 to W13 only when named (W7 runs on its own: FailoverBenchmark)
 * --engines eddy,streams,plain   also streams-tuned (Kafka Streams with StreamsTuning's settings), only when named,
 *                       and spark (W1 to W3; only in a build with -Pspark)
 * --scaling             W2 and W2i2 at 1, 2 and 4 threads: the defaults of --workloads and --threads become
 *                       W2,W2i2 and 1,2,4 (explicit --workloads / --threads still win); takes no value
 * --threads 1,2         worker / stream / loop threads per engine run
 * --commit-ms 100       Eddy's trigger interval, Kafka Streams' commit.interval.ms, the plain loop's
 * --broker-heap 1g      -Xmx of the broker JVM
 * --engine-heap 512m    -Xmx of every engine JVM
 * --workload-heap W2=256m   -Xmx of every engine JVM for the named workloads instead (comma-separated)
 * --w3-keys 1000       W3: distinct keys of its own input (record i has key i mod w3-keys)
 * --w3-records-per-minute 100000   W3: input records per minute of event time
 * --w3-disorder-ms 5000 W3: the input's largest disorder, which every engine allows for
 * --w10-punctuate-ms 1000   W10: Kafka Streams' punctuation interval, in stream time
 * --w9-records-per-minute 100000   W9: orders per minute of event time
 * --w9-delay-ms 300000  W9: every engine's allowance for disorder in the repartition topic (Eddy's allowed
 *                       delay, Kafka Streams' grace)
 * --w11-keys 10        W11: distinct keys of its own input (record i has key i mod w11-keys)
 * --w11-records-per-minute 100000   W11: input records per minute of event time (with 10 keys, 10,000
 *                       records per (key, window), about 9,950 distinct values each)
 * --w11-cardinality 1000000   W11: the domain the values are drawn from (record i's value is a hash of
 *                       i mod w11-cardinality); W11 uses --w3-disorder-ms too
 * --restore-records N   W4: changelog entries to restore; default the --records value
 * --restore-keys N      W4: distinct keys in that changelog; default the --keys value
 * --latency-rate 50000  W5, W5b, W8: input records per second
 * --latency-seconds 30  W5, W5b, W8: the measured period
 * --latency-warmup-s 20 W5, W5b, W8: input produced before the measured period, not measured (a cold Kafka
 * Streams instance has a high p99 for about its first 20 s)
 * --run-timeout-s N     per run; default 120 + records / 20000 (W5: at least its periods + 120; W10: at
 *                       least 120 + records / 5000)
 * --out DIR             results directory; default <repo>/bench-results
 * --svg FILE            chart; default <repo>/docs/benchmarks.svg ("none" to skip)
 * --jfr eddy            record a JFR profile of the named engines' runs into the results directory
 * --jfr-settings profile   the JFR settings: "profile", "default" or a .jfc file (see jfr configure)
 * --label TEXT          a note shown with the results, such as "noisy sanity run"
 * --eddy-store-cache-bytes N   Eddy's per-store read cache (EddyApp.Builder.storeCacheBytes);
 *                       default: Eddy's default
 * }</pre>
 *
 * @param records input records
 * @param valueBytes bytes per input value
 * @param keys distinct keys
 * @param partitions partitions of input and output topics
 * @param repeats runs per engine and thread count
 * @param warmupRuns unmeasured runs of each workload before its measured ones
 * @param workloads the workloads to run, in order
 * @param engines the engines to run, in the order of the first repeat
 * @param threads thread counts to try
 * @param commitMillis commit interval
 * @param brokerHeap broker {@code -Xmx}
 * @param engineHeap engine {@code -Xmx}
 * @param workloadHeaps engine {@code -Xmx} for particular workloads, overriding {@code engineHeap}
 * @param w3Keys W3's distinct keys
 * @param w3RecordsPerMinute W3's input records per minute of event time
 * @param w3DisorderMillis W3's bounded disorder: Eddy's allowed delay, Kafka Streams' grace
 * @param w10PunctuateMillis W10: how often, in stream time, Kafka Streams' punctuator scans for silent keys
 * @param w9RecordsPerMinute W9's orders per minute of event time
 * @param w9DelayMillis W9: Eddy's allowed delay and Kafka Streams' grace
 * @param w11Keys W11's distinct keys
 * @param w11RecordsPerMinute W11's input records per minute of event time
 * @param w11Cardinality how many different values W11's input draws from
 * @param restoreRecords W4's changelog entries
 * @param restoreKeys distinct keys in W4's changelog
 * @param latencyRate W5's input records per second
 * @param latencySeconds W5's measured period
 * @param latencyWarmupSeconds W5's unmeasured warm-up period
 * @param runTimeoutSeconds longest one run may take
 * @param outDir where results.json, results.csv and logs go
 * @param svg the chart file, or null for none
 * @param jfrEngines engines whose runs are profiled with JFR
 * @param jfrSettings the JFR settings those runs use
 * @param label a note shown with the results, or null
 * @param eddyStoreCacheBytes Eddy's per-store read cache in bytes, or null for Eddy's default
 */
record HarnessOptions(
        long records,
        int valueBytes,
        int keys,
        int partitions,
        int repeats,
        int warmupRuns,
        List<Workload> workloads,
        List<Engine> engines,
        List<Integer> threads,
        int commitMillis,
        String brokerHeap,
        String engineHeap,
        Map<Workload, String> workloadHeaps,
        int w3Keys,
        long w3RecordsPerMinute,
        long w3DisorderMillis,
        long w10PunctuateMillis,
        long w9RecordsPerMinute,
        long w9DelayMillis,
        int w11Keys,
        long w11RecordsPerMinute,
        int w11Cardinality,
        long restoreRecords,
        int restoreKeys,
        int latencyRate,
        int latencySeconds,
        int latencyWarmupSeconds,
        long runTimeoutSeconds,
        Path outDir,
        Path svg,
        Set<Engine> jfrEngines,
        String jfrSettings,
        String label,
        Long eddyStoreCacheBytes) {

    static final String USAGE = """
            usage: Harness [--records N] [--value-bytes N] [--keys N] [--partitions N] [--repeats N]
                           [--warmup-runs N] [--workloads W1,W2,W2i2,W3,W4,W5,W5b,W6,W8,W9,W10]
                           [--engines eddy,streams,streams-tuned,plain] [--scaling]
                           [--threads 1,2] [--commit-ms N] [--broker-heap 1g] [--engine-heap 512m]
                           [--workload-heap W2=256m,...] [--w3-keys N] [--w3-records-per-minute N]
                           [--w3-disorder-ms N] [--w10-punctuate-ms N] [--w9-records-per-minute N]
                           [--w9-delay-ms N] [--w11-keys N] [--w11-records-per-minute N]
                           [--w11-cardinality N] [--restore-records N] [--restore-keys N]
                           [--latency-rate N] [--latency-seconds N] [--latency-warmup-s N] [--run-timeout-s N]
                           [--out DIR] [--svg FILE|none] [--jfr ENGINE,...] [--jfr-settings NAME|FILE]
                           [--label TEXT] [--eddy-store-cache-bytes N]""";

    /**
     * Parses {@code args}; {@code repoRoot} anchors the default output paths.
     *
     * @throws IllegalArgumentException naming the bad option and value
     */
    static HarnessOptions parse(String[] args, Path repoRoot) {
        long records = 5_000_000;
        int valueBytes = 100;
        int keys = 100_000;
        int partitions = 8;
        int repeats = 3;
        int warmupRuns = 1;
        // W10 only when asked for: at 5M records its Kafka Streams runs take about 9 minutes each
        List<Workload> workloads = List.of(Workload.W1, Workload.W2, Workload.W3, Workload.W4, Workload.W5,
                Workload.W6);
        List<Engine> engines = List.of(Engine.EDDY, Engine.KAFKA_STREAMS, Engine.PLAIN_CLIENTS);
        List<Integer> threads = List.of(1, 2);
        int commitMillis = 100;
        String brokerHeap = "1g";
        String engineHeap = "512m";
        Map<Workload, String> workloadHeaps = new EnumMap<>(Map.of(Workload.W2, "256m", Workload.W2i2, "256m"));
        int w3Keys = 1_000;
        long w3RecordsPerMinute = 100_000;
        long w3DisorderMillis = 5_000;
        long w10PunctuateMillis = 1_000;
        long w9RecordsPerMinute = 100_000;
        long w9DelayMillis = 300_000;
        boolean scaling = false;
        boolean workloadsGiven = false;
        boolean threadsGiven = false;
        int w11Keys = 10;
        long w11RecordsPerMinute = 100_000;
        int w11Cardinality = 1_000_000;
        Long restoreRecords = null;
        Integer restoreKeys = null;
        int latencyRate = 50_000;
        int latencySeconds = 30;
        int latencyWarmupSeconds = 20;
        Long runTimeout = null;
        Path outDir = repoRoot.resolve("bench-results");
        Path svg = repoRoot.resolve("docs").resolve("benchmarks.svg");
        Set<Engine> jfr = EnumSet.noneOf(Engine.class);
        String jfrSettings = "profile";
        String label = null;
        Long eddyStoreCacheBytes = null;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (name.equals("--scaling")) {
                scaling = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (name) {
                case "--records" -> records = positiveLong(name, value);
                case "--value-bytes" -> valueBytes = (int) positiveLong(name, value);
                case "--keys" -> keys = (int) positiveLong(name, value);
                case "--partitions" -> partitions = (int) positiveLong(name, value);
                case "--repeats" -> repeats = (int) positiveLong(name, value);
                case "--warmup-runs" -> warmupRuns = value.equals("0") ? 0 : (int) positiveLong(name, value);
                case "--workloads" -> {
                    workloads = list(name, value, Workload::parse);
                    workloadsGiven = true;
                }
                case "--engines" -> engines = list(name, value, Engine::parse);
                case "--threads" -> {
                    threads = list(name, value, v -> (int) positiveLong(name, v));
                    threadsGiven = true;
                }
                case "--commit-ms" -> commitMillis = (int) positiveLong(name, value);
                case "--broker-heap" -> brokerHeap = heap(name, value);
                case "--engine-heap" -> engineHeap = heap(name, value);
                case "--workload-heap" -> workloadHeaps = workloadHeaps(name, value);
                case "--w3-keys" -> w3Keys = (int) positiveLong(name, value);
                case "--w3-records-per-minute" -> w3RecordsPerMinute = positiveLong(name, value);
                case "--w3-disorder-ms" -> w3DisorderMillis = value.equals("0") ? 0 : positiveLong(name, value);
                case "--w10-punctuate-ms" -> w10PunctuateMillis = positiveLong(name, value);
                case "--w9-records-per-minute" -> w9RecordsPerMinute = positiveLong(name, value);
                case "--w9-delay-ms" -> w9DelayMillis = value.equals("0") ? 0 : positiveLong(name, value);
                case "--w11-keys" -> w11Keys = (int) positiveLong(name, value);
                case "--w11-records-per-minute" -> w11RecordsPerMinute = positiveLong(name, value);
                case "--w11-cardinality" -> w11Cardinality = (int) positiveLong(name, value);
                case "--restore-records" -> restoreRecords = positiveLong(name, value);
                case "--restore-keys" -> restoreKeys = (int) positiveLong(name, value);
                case "--latency-rate" -> latencyRate = (int) positiveLong(name, value);
                case "--latency-seconds" -> latencySeconds = (int) positiveLong(name, value);
                case "--latency-warmup-s" ->
                        latencyWarmupSeconds = value.equals("0") ? 0 : (int) positiveLong(name, value);
                case "--run-timeout-s" -> runTimeout = positiveLong(name, value);
                case "--out" -> outDir = Path.of(value);
                case "--svg" -> svg = value.equals("none") ? null : Path.of(value);
                case "--jfr" -> jfr = EnumSet.copyOf(list(name, value, Engine::parse));
                case "--jfr-settings" -> jfrSettings = value;
                case "--label" -> label = value;
                case "--eddy-store-cache-bytes" -> eddyStoreCacheBytes = value.equals("0") ? 0L : positiveLong(name, value);
                default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        if (scaling) {
            workloads = workloadsGiven ? workloads : List.of(Workload.W2, Workload.W2i2);
            threads = threadsGiven ? threads : List.of(1, 2, 4);
        }
        if (valueBytes < 2) {
            throw new IllegalArgumentException("--value-bytes must be at least 2, was " + valueBytes);
        }
        if (workloads.contains(Workload.W3)) {
            checkW3("W3", "--w3", records, w3Keys, w3RecordsPerMinute, w3DisorderMillis);
        }
        if (workloads.contains(Workload.W11)) {
            checkW3("W11", "--w11", records, w11Keys, w11RecordsPerMinute, w3DisorderMillis);
        }
        if (workloads.contains(Workload.W10)) {
            checkW10(records, keys);
        }
        if (workloads.contains(Workload.W9) && EventTimeInput.spanMillis(records, w9RecordsPerMinute)
                > PipelineInput.MAX_SPAN_MILLIS) {
            throw new IllegalArgumentException("W9's event time would span more than "
                    + PipelineInput.MAX_SPAN_MILLIS / 60_000 + " minutes (--records " + records
                    + " / --w9-records-per-minute " + w9RecordsPerMinute + "); raise --w9-records-per-minute");
        }
        long timeout = runTimeout != null ? runTimeout : 120 + records / 20_000;
        return new HarnessOptions(records, valueBytes, keys, partitions, repeats, warmupRuns, workloads, engines, threads,
                commitMillis, brokerHeap, engineHeap, Map.copyOf(workloadHeaps), w3Keys, w3RecordsPerMinute,
                w3DisorderMillis, w10PunctuateMillis, w9RecordsPerMinute, w9DelayMillis, w11Keys, w11RecordsPerMinute,
                w11Cardinality,
                restoreRecords != null ? restoreRecords : records, restoreKeys != null ? restoreKeys : keys,
                latencyRate, latencySeconds, latencyWarmupSeconds, timeout, outDir, svg, jfr, jfrSettings, label,
                eddyStoreCacheBytes);
    }

    /**
     * Refuses settings of an event-time input (W3's, or W11's: {@code workload} and the prefix of
     * its options) whose event times would span too long (older records would fall to the topics'
     * retention) or whose (key, window) cells the check cannot hold.
     */
    private static void checkW3(String workload, String prefix, long records, int keys, long recordsPerMinute,
                                long disorderMillis) {
        long span = EventTimeInput.spanMillis(records, recordsPerMinute);
        if (span > EventTimeInput.MAX_SPAN_MILLIS) {
            throw new IllegalArgumentException(workload + "'s event time would span " + span / 60_000
                    + " minutes (--records " + records + " / " + prefix + "-records-per-minute " + recordsPerMinute
                    + "), more than " + EventTimeInput.MAX_SPAN_MILLIS / 60_000 + "; raise " + prefix
                    + "-records-per-minute");
        }
        long windows = EventTimeInput.windowCount(records, recordsPerMinute, disorderMillis);
        if (windows > EventTimeInput.MAX_CELLS / keys) {
            throw new IllegalArgumentException(workload + " has " + windows + " windows x " + keys + " keys (" + prefix
                    + "-keys), more than the " + EventTimeInput.MAX_CELLS + " (key, window) counts the check holds; "
                    + "lower " + prefix + "-keys or raise " + prefix + "-records-per-minute");
        }
    }

    /** Refuses W10 settings with too few keys for its layout, or whose event times would span too long. */
    private static void checkW10(long records, int keys) {
        if (keys < SessionInput.GROUPS) {
            throw new IllegalArgumentException("W10 needs --keys of at least " + SessionInput.GROUPS + ", was " + keys);
        }
        long span = new SessionInput(records, keys, 1, 0).spanMillis();
        if (span > SessionInput.MAX_SPAN_MILLIS) {
            throw new IllegalArgumentException("W10's event time would span " + span / 60_000 + " minutes (--records "
                    + records + " with --keys " + keys + "), more than " + SessionInput.MAX_SPAN_MILLIS / 60_000
                    + "; raise --keys");
        }
    }

    /** The engine JVM's {@code -Xmx} for {@code workload}. */
    String engineHeap(Workload workload) {
        return workloadHeaps.getOrDefault(workload, engineHeap);
    }

    /**
     * The longest one run of {@code workload} may take: for W5 at least its periods plus 120 s, for
     * W10 at least 120 s plus 1 s per 5,000 records (its engines run at tens of thousands of records
     * per second, not hundreds of thousands), for W11 at least 120 s plus 1 s per 1,000 records
     * (Kafka Streams' exact sets are rewritten whole at every record).
     */
    long runTimeoutSeconds(Workload workload) {
        if (workload == Workload.W11) {
            return Math.max(runTimeoutSeconds, 120 + records / 1_000);
        }
        return switch (workload.kind()) {
            case LATENCY -> Math.max(runTimeoutSeconds, latencyWarmupSeconds + latencySeconds + 120L);
            case SESSION_TOTALS -> Math.max(runTimeoutSeconds, 120 + records / 5_000);
            default -> runTimeoutSeconds;
        };
    }

    /** Parses {@code W2=256m,W6=512m}; {@code none} clears the defaults. */
    private static Map<Workload, String> workloadHeaps(String option, String value) {
        Map<Workload, String> heaps = new EnumMap<>(Workload.class);
        if (value.equals("none")) {
            return heaps;
        }
        for (String part : value.split(",")) {
            String trimmed = part.trim();
            int eq = trimmed.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(option + " needs WORKLOAD=HEAP pairs such as W2=256m, was '" + value
                        + "'");
            }
            heaps.put(Workload.parse(trimmed.substring(0, eq).trim()), heap(option, trimmed.substring(eq + 1).trim()));
        }
        return heaps;
    }

    private static long positiveLong(String option, String value) {
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a positive integer, was '" + value + "'");
        }
        boolean wide = option.equals("--records") || option.equals("--restore-records")
                || option.equals("--run-timeout-s");
        if (parsed < 1 || (!wide && parsed > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException(option + " must be a positive integer, was '" + value + "'");
        }
        return parsed;
    }

    private static String heap(String option, String value) {
        if (!value.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException(option + " must look like 512m or 1g, was '" + value + "'");
        }
        return value;
    }

    private static <T> List<T> list(String option, String value, java.util.function.Function<String, T> parse) {
        Set<T> items = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                items.add(parse.apply(trimmed));
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(option + " needs at least one value, was '" + value + "'");
        }
        return List.copyOf(new ArrayList<>(items));
    }
}
