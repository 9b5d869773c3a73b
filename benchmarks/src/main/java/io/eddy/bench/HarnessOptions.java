package io.eddy.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The harness's command-line options, parsed and checked once.
 *
 * <pre>{@code
 * --records 5000000     input records, loaded once
 * --value-bytes 100     size of each input value
 * --keys 100000         distinct keys (record i has key i mod keys)
 * --partitions 8        partitions of the input and of every output topic
 * --repeats 3           runs of each engine and thread count; the median is reported
 * --warmup-runs 1       unmeasured runs first, to warm the broker up
 * --workloads W1        comma-separated
 * --engines eddy,streams,plain
 * --threads 1,2         worker / stream / loop threads per engine run
 * --commit-ms 100       Eddy's trigger interval, Kafka Streams' commit.interval.ms, the plain loop's
 * --broker-heap 1g      -Xmx of the broker JVM
 * --engine-heap 512m    -Xmx of every engine JVM
 * --run-timeout-s N     per run; default 120 + records / 20000
 * --out DIR             results directory; default <repo>/bench-results
 * --svg FILE            chart; default <repo>/docs/benchmarks.svg ("none" to skip)
 * --jfr eddy            record a JFR profile of the named engines' runs into the results directory
 * --label TEXT          a note shown with the results, such as "noisy sanity run"
 * }</pre>
 *
 * @param records input records
 * @param valueBytes bytes per input value
 * @param keys distinct keys
 * @param partitions partitions of input and output topics
 * @param repeats runs per engine and thread count
 * @param warmupRuns unmeasured runs before the measured ones
 * @param workloads the workloads to run, in order
 * @param engines the engines to run, in the order of the first repeat
 * @param threads thread counts to try
 * @param commitMillis commit interval
 * @param brokerHeap broker {@code -Xmx}
 * @param engineHeap engine {@code -Xmx}
 * @param runTimeoutSeconds longest one run may take
 * @param outDir where results.json, results.csv and logs go
 * @param svg the chart file, or null for none
 * @param jfrEngines engines whose runs are profiled with JFR
 * @param label a note shown with the results, or null
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
        long runTimeoutSeconds,
        Path outDir,
        Path svg,
        Set<Engine> jfrEngines,
        String label) {

    static final String USAGE = """
            usage: Harness [--records N] [--value-bytes N] [--keys N] [--partitions N] [--repeats N]
                           [--warmup-runs N] [--workloads W1] [--engines eddy,streams,plain] [--threads 1,2] [--commit-ms N]
                           [--broker-heap 1g] [--engine-heap 512m] [--run-timeout-s N]
                           [--out DIR] [--svg FILE|none] [--jfr ENGINE,...] [--label TEXT]""";

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
        List<Workload> workloads = List.of(Workload.W1);
        List<Engine> engines = List.of(Engine.EDDY, Engine.KAFKA_STREAMS, Engine.PLAIN_CLIENTS);
        List<Integer> threads = List.of(1, 2);
        int commitMillis = 100;
        String brokerHeap = "1g";
        String engineHeap = "512m";
        Long runTimeout = null;
        Path outDir = repoRoot.resolve("bench-results");
        Path svg = repoRoot.resolve("docs").resolve("benchmarks.svg");
        Set<Engine> jfr = EnumSet.noneOf(Engine.class);
        String label = null;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
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
                case "--workloads" -> workloads = list(name, value, Workload::parse);
                case "--engines" -> engines = list(name, value, Engine::parse);
                case "--threads" -> threads = list(name, value, v -> (int) positiveLong(name, v));
                case "--commit-ms" -> commitMillis = (int) positiveLong(name, value);
                case "--broker-heap" -> brokerHeap = heap(name, value);
                case "--engine-heap" -> engineHeap = heap(name, value);
                case "--run-timeout-s" -> runTimeout = positiveLong(name, value);
                case "--out" -> outDir = Path.of(value);
                case "--svg" -> svg = value.equals("none") ? null : Path.of(value);
                case "--jfr" -> jfr = EnumSet.copyOf(list(name, value, Engine::parse));
                case "--label" -> label = value;
                default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        if (valueBytes < 2) {
            throw new IllegalArgumentException("--value-bytes must be at least 2, was " + valueBytes);
        }
        long timeout = runTimeout != null ? runTimeout : 120 + records / 20_000;
        return new HarnessOptions(records, valueBytes, keys, partitions, repeats, warmupRuns, workloads, engines, threads,
                commitMillis, brokerHeap, engineHeap, timeout, outDir, svg, jfr, label);
    }

    private static long positiveLong(String option, String value) {
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a positive integer, was '" + value + "'");
        }
        if (parsed < 1 || (!option.equals("--records") && !option.equals("--run-timeout-s")
                && parsed > Integer.MAX_VALUE)) {
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
