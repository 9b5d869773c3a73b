package io.eddy.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A benchmark workload: what every engine computes, and how the harness measures and checks it.
 * Each engine implements each workload with its own API but calls the same functions defined here,
 * so they do the same work per record.
 *
 * <p>The input (see {@link InputLoader}): string keys {@code key-000000 … }, string values whose
 * first character is a digit and whose remaining characters are lowercase letters. W3 reads its
 * own input with fewer keys and event times spread over many minutes ({@link EventTimeInput}), W10
 * its own with long values and keys that fall silent in turn ({@link SessionInput}), W11 its own with
 * few keys and values drawn from a large domain ({@link DistinctValuesInput}); W12 and W13 the shared
 * one. W5b and W8 are W5's latency measurement under other guarantees and triggers. W9 reads its own
 * orders and table ({@link PipelineInput}); W2i2 is W2 on two engine instances. W7 (failover) is
 * FailoverBenchmark, outside this enum.
 */
enum Workload {
    /**
     * Stateless map and filter: upper-case the value, keep the record unless the value starts with
     * {@code '0'} (about 90 % are kept), write it with the same key. Exactly-once.
     */
    W1("stateless map + filter, exactly-once", Kind.THROUGHPUT, true, 0),
    /**
     * Count by key in a RocksDB store with a changelog; every commit writes each key whose count
     * changed, with its new count (a {@code Long}). Exactly-once. Targets (second performance
     * issue): 4x Kafka Streams, 2.5x the tuned peer, 0.75x the plain clients, and an application
     * heap of at most 256 MB.
     */
    W2("count by key (RocksDB, changelog), exactly-once", Kind.COUNT, true, 4.0),
    /**
     * Scaling: W2 run by two engine instances (two JVMs, one consumer group), each with the run's
     * thread count, started together; timed from the first one's start; engine CPU and RSS summed
     * over both. No target: the scaling table compares it with W2.
     */
    W2i2("count by key (RocksDB, changelog), exactly-once, two instances", Kind.COUNT, true, 0),
    /**
     * Tumbling one-minute window count on event time (the record timestamps of its own input,
     * {@link EventTimeInput}), FINAL output: each (key, window) once, when the watermark (Eddy) or
     * stream time (Kafka Streams) closes it, with its count (a {@code Long}). Exactly-once. Targets:
     * 4x Kafka Streams, 2.5x the tuned peer.
     */
    W3("tumbling 1-minute window count on event time, FINAL output, exactly-once", Kind.WINDOW_COUNT, true, 4.0),
    /**
     * Restore: a fresh instance with an empty state directory rebuilds W2's store from a changelog
     * of N entries; measured from the instance's start until every changelog partition is restored.
     * Exactly-once. Targets: 3x Kafka Streams' rate from the start, and a peak heap no higher than
     * Kafka Streams'.
     */
    W4("restore a count store from its changelog, from zero", Kind.RESTORE, true, 3.0),
    /**
     * Latency: W1's pipeline on an input produced at a fixed rate; the time from a record's
     * produce timestamp to when a {@code read_committed} consumer sees its output. Exactly-once.
     * Target: p99 at most twice the commit interval, and below Kafka Streams' p99.
     */
    W5("end-to-end latency of map + filter at a fixed input rate, exactly-once", Kind.LATENCY, true, 0),
    /**
     * W5 with a 20 ms trigger for every engine (Kafka Streams: {@code commit.interval.ms=20},
     * {@code exactly_once_v2}), whatever {@code --commit-ms} says. Exactly-once. Target: Eddy's p99
     * below Kafka Streams' and at most 3 x the trigger (60 ms).
     */
    W5b("end-to-end latency of map + filter at a fixed input rate, exactly-once, 20 ms trigger", Kind.LATENCY, true, 0),
    /** W2 at-least-once. Targets: 4x Kafka Streams, 2.5x the tuned peer, 0.75x the plain clients. */
    W6("count by key (RocksDB, changelog), at-least-once", Kind.COUNT, false, 4.0),
    /**
     * Low latency: W5's pipeline and probe at-least-once, Eddy under {@code Trigger.lowLatency} (record
     * at a time, offsets committed every {@code --commit-ms} in the background) against Kafka
     * Streams {@code at_least_once} with {@code commit.interval.ms=0}. The probe's producer does not
     * linger ({@code linger.ms=0}) so that the input's own batching does not hide the engines'
     * latency. The plain clients do not run it. Target: Eddy's p99 at most 10 ms.
     */
    W8("end-to-end latency of map + filter at a fixed input rate, record at a time, at-least-once", Kind.LATENCY,
            false, 0),
    /**
     * The realistic pipeline, the fault suite's shape ({@link PipelineInput}): orders joined with a
     * table of 100,000 customers (stream-table join, the table loaded before the run), grouped by the
     * customer's region through a repartition topic, counted and summed per region and tumbling
     * one-minute window on event time, FINAL output. Exactly-once. Timed until the input is
     * committed and every window that must close has been emitted. The plain clients do not run it
     * (a hand-written join, repartition and windowing would be a framework of its own). Target: 3x
     * Kafka Streams (second performance issue).
     */
    W9("stream-table join, groupBy through a repartition, 1-minute windows, FINAL, exactly-once", Kind.PIPELINE,
            true, 3.0),
    /**
     * A per-key session-like processor with one timer per key: a key's total (a {@code Long}) is
     * emitted once the key has been silent for 30 s of event time ({@link SessionInput}).
     * Exactly-once. Eddy: a {@code KeyedProcessor} with two value states (total, deadline) and one
     * event-time timer per key, deleting the previous timer on each record
     * ({@link EddySessionTotals}). Kafka Streams has no per-key timers, so the same logic takes
     * its idiomatic form there: the Processor API with a {@code KeyValueStore} of totals and
     * deadlines and a {@code STREAM_TIME} punctuator that scans the store for expired keys
     * ({@link StreamsSessionTotals}). The plain clients do not run it (the comparison is between
     * the two processor APIs). No target: the issue asks for the ratio.
     */
    W10("total per key after 30 s of event-time silence (one timer per key), exactly-once", Kind.SESSION_TOTALS,
            true, 0),
    /**
     * Distinct values per key per tumbling one-minute window on event time, on its own input
     * ({@link DistinctValuesInput}: few keys, thousands of distinct values per key and window, drawn
     * from a domain of a million by default), FINAL output, exactly-once. Eddy: a HyperLogLog sketch
     * (lgK 12, about 2 KiB, 1.6 % standard error) per (key, window) through {@code Approx.aggregate} ({@link DistinctCountCheck} reads its
     * estimate); Kafka Streams: the exact answer, a {@code Set<String>} aggregate per (key,
     * window), suppressed until the window closes, whose size is written. Same store name
     * ({@value #COUNT_STORE}), so both changelogs are {@code <application id>-counts-changelog}. The
     * harness checks both against the true distinct counts (the sets must be exact, the HLL within
     * 10 %) and prints throughput, changelog and state directory bytes, and the HLL's error side by
     * side ({@link DistinctCountReport}). No target: the issue asks for the comparison.
     */
    W11("distinct count per key per 1-minute window (Eddy HLL vs Kafka Streams exact set), FINAL, exactly-once",
            Kind.WINDOW_COUNT, true, 0),
    /**
     * Prequential learning: every record of the shared input becomes a labelled example (features
     * from its value, {@link #learningExample}), which Gaussian naive Bayes first predicts, then
     * learns ({@code OnlineLearning.predictThenTrain}, one shard: all training through one task, the
     * global model, behind a repartition topic); one prediction per record is written. Exactly-once.
     * Eddy only: no peer has the operator. Timed until every prediction has been read back
     * committed from the output (the shard, behind its repartition topic, lags the input).
     */
    W12("predictThenTrain, Gaussian naive Bayes (4 features, 2 classes), exactly-once", Kind.THROUGHPUT, true, 0),
    /** W12 with streaming k-means (k = 5, 4 features, half-life 10,000 examples) instead of naive Bayes. */
    W13("predictThenTrain, streaming k-means (k=5, 4 features), exactly-once", Kind.THROUGHPUT, true, 0);

    /** How the harness runs, times and checks a workload. */
    enum Kind {
        /** Process the shared input; timed until the group's committed offsets reach its end; output counted. */
        THROUGHPUT,
        /** Like THROUGHPUT, but the output is checked by the last count of every key. */
        COUNT,
        /**
         * Like THROUGHPUT on the event-time input ({@link EventTimeInput}); the output is checked
         * window by window ({@link WindowCountCheck}).
         */
        WINDOW_COUNT,
        /**
         * Like THROUGHPUT on W10's input ({@link SessionInput}); the output is checked key by key,
         * session by session ({@link SessionTotalsCheck}).
         */
        SESSION_TOTALS,
        /**
         * W9's pipeline on its own input ({@link PipelineInput}); timed until the input is committed
         * and every window that must close is in the output; the output is checked window by window
         * ({@link PipelineCheck}).
         */
        PIPELINE,
        /** Restore a prepared changelog; timed until the engine reports every partition restored. */
        RESTORE,
        /** Paced input; the end-to-end latency of every output record. */
        LATENCY
    }

    /**
     * The name of the count store (W2, W4, W6) and of the window count store (W3), so the changelog
     * topic is {@code <application id>-counts-changelog}.
     */
    static final String COUNT_STORE = "counts";

    private final String description;
    private final Kind kind;
    private final boolean exactlyOnce;
    private final double targetOverStreams;

    Workload(String description, Kind kind, boolean exactlyOnce, double targetOverStreams) {
        this.description = description;
        this.kind = kind;
        this.exactlyOnce = exactlyOnce;
        this.targetOverStreams = targetOverStreams;
    }

    /** One line for tables and charts. */
    String description() {
        return description;
    }

    /** How the harness runs it. */
    Kind kind() {
        return kind;
    }

    /** Exactly-once, or at-least-once. */
    boolean exactlyOnce() {
        return exactlyOnce;
    }

    /** Whether the engines run the count-by-key pipeline (W2, W4, W6). */
    boolean counts() {
        return kind == Kind.COUNT || kind == Kind.RESTORE;
    }

    /** Whether the engines run a windowed aggregation on W3's event-time input (W3's count, W11's distinct count). */
    boolean windowed() {
        return kind == Kind.WINDOW_COUNT;
    }

    /**
     * The throughput ratio Eddy / Kafka Streams the benchmark issue sets as the target, or 0 if it
     * sets none (W1, and W5 whose target is about latency).
     */
    double targetOverStreams() {
        return targetOverStreams;
    }

    /**
     * Whether {@code engine} implements this workload: the plain clients have no store to restore
     * (W4), no processor API to compare (W10), no record-at-a-time mode (W8) and no join,
     * repartition or windowing (W9); Spark runs only W1, W2 and W3.
     */
    boolean supports(Engine engine) {
        if (engine == Engine.SPARK) {
            return this == W1 || this == W2 || this == W3;
        }
        if (learning()) {
            return engine == Engine.EDDY;
        }
        return !((this == W4 || this == W11 || this == W10 || this == W8 || this == W9)
                && engine == Engine.PLAIN_CLIENTS);
    }

    /** How many engine JVMs run the workload together in one group: 2 for W2i2, else 1. */
    int instances() {
        return this == W2i2 ? 2 : 1;
    }

    /** W12's and W13's model topic, created and deleted by the harness with the output topic. */
    static String modelTopic(String outputTopic) {
        return outputTopic + "-model";
    }

    /** Whether the engines run {@code predictThenTrain} (W12, W13): one output record per input record. */
    boolean learning() {
        return this == W12 || this == W13;
    }

    /**
     * W12's and W13's example of a record value (a digit, then letters): features the digit and the
     * first three letters' positions in the alphabet, label {@code low} for digits 0-4, else
     * {@code high}.
     */
    static io.eddy.learning.Example<double[]> learningExample(String value) {
        double[] x = new double[4];
        x[0] = value.charAt(0) - '0';
        for (int i = 1; i < 4; i++) {
            x[i] = i < value.length() ? value.charAt(i) - 'a' : 0;
        }
        return io.eddy.learning.Example.of(x, x[0] < 5 ? "low" : "high");
    }

    /**
     * The commit interval {@code engine} runs this workload with: W5b's 20 ms trigger; W8's
     * {@code commit.interval.ms=0} for Kafka Streams (Eddy commits its offsets every
     * {@code optionMillis} in the background); otherwise {@code optionMillis} (the harness's
     * {@code --commit-ms}).
     */
    int commitMillis(Engine engine, int optionMillis) {
        if (this == W5b) {
            return W5B_TRIGGER_MILLIS;
        }
        if (this == W8 && engine.kafkaStreams()) {
            return 0;
        }
        return optionMillis;
    }

    /** W5b's trigger for every engine. */
    static final int W5B_TRIGGER_MILLIS = 20;
    /** W8's target for Eddy's p99. */
    static final long W8_P99_TARGET_MILLIS = 10;

    /**
     * A latency workload's bound for Eddy's p99 in ms: W5 twice the commit interval, W5b three
     * times its trigger, W8 {@value #W8_P99_TARGET_MILLIS} ms; 0 for other workloads.
     */
    long latencyTargetMillis(int optionCommitMillis) {
        return switch (this) {
            case W5 -> 2L * optionCommitMillis;
            case W5b -> 3L * W5B_TRIGGER_MILLIS;
            case W8 -> W8_P99_TARGET_MILLIS;
            default -> 0;
        };
    }

    /** The commit settings of a run, for reports. */
    String commitDescription(int optionMillis) {
        return switch (this) {
            case W5b -> "commit every " + W5B_TRIGGER_MILLIS + " ms (every engine)";
            case W8 -> "Eddy Trigger.lowLatency (offsets every " + optionMillis + " ms), Kafka Streams "
                    + "commit.interval.ms=0";
            default -> "commit " + optionMillis + " ms";
        };
    }

    /** How {@link #latencyTargetMillis} is derived, for reports. */
    String latencyTargetRule() {
        return switch (this) {
            case W5 -> "2 x commit interval";
            case W5b -> "3 x the 20 ms trigger";
            case W8 -> "the low-latency target";
            default -> "";
        };
    }

    /** The changelog topic of the count store of the application {@code applicationId}, for every engine. */
    static String changelogTopic(String applicationId) {
        return applicationId + "-" + COUNT_STORE + "-changelog";
    }

    /** W1's map: the value in upper case. */
    static String w1Map(String value) {
        return value.toUpperCase(Locale.ROOT);
    }

    /** W1's filter, applied to the mapped value. */
    static boolean w1Keep(String key, String value) {
        return value.charAt(0) != '0';
    }

    /** Whether W1 keeps an input value whose first byte is {@code firstByte}; used to count the expected output. */
    static boolean w1KeepsFirstByte(byte firstByte) {
        return firstByte != '0';
    }

    /** The key of index {@code index}: {@code key-} and at least six digits. */
    static String keyName(int index) {
        return String.format(Locale.ROOT, "key-%06d", index);
    }

    /** {@link #keyName(int)} as the bytes every engine writes. */
    static byte[] keyBytes(int index) {
        return keyName(index).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The index of a serialized key written by {@link #keyBytes(int)}, or -1 if {@code key} is not
     * such a key.
     */
    static int keyIndex(byte[] key) {
        if (key == null || key.length < 5 || key.length > 14 || key[0] != 'k' || key[1] != 'e' || key[2] != 'y'
                || key[3] != '-') {
            return -1;
        }
        long n = 0;
        for (int i = 4; i < key.length; i++) {
            int d = key[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n * 10 + d;
        }
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    /**
     * How many of {@code records} input records carry the key of index {@code key}, when record
     * {@code i} has key {@code i mod keys}: what a count by key must end with.
     */
    static long expectedCount(long records, int keys, int key) {
        if (key < 0 || key >= keys) {
            return 0;
        }
        return records / keys + (key < records % keys ? 1 : 0);
    }

    /**
     * Compares the last count written for each key with the true counts.
     *
     * @param lastCounts the last value written per key index (0 for a key never written)
     * @param unknownKeys output records whose key is not one of the input's
     * @return null if every count is right, otherwise what is wrong (how many keys, the first few)
     */
    static String checkCounts(long[] lastCounts, long unknownKeys, long records, int keys) {
        StringBuilder examples = new StringBuilder();
        long wrong = 0;
        for (int k = 0; k < Math.max(keys, lastCounts.length); k++) {
            long actual = k < lastCounts.length ? lastCounts[k] : 0;
            long expected = expectedCount(records, keys, k);
            if (actual != expected) {
                if (wrong < 3) {
                    examples.append(examples.length() == 0 ? "" : ", ").append(keyName(k)).append(" has ")
                            .append(actual).append(" instead of ").append(expected);
                }
                wrong++;
            }
        }
        if (wrong == 0 && unknownKeys == 0) {
            return null;
        }
        String message = wrong + " of " + keys + " keys end with a wrong count";
        if (wrong > 0) {
            message += " (" + examples + (wrong > 3 ? ", ..." : "") + ")";
        }
        return unknownKeys == 0 ? message : message + "; " + unknownKeys + " output records have an unknown key";
    }

    /**
     * The workload with this name, ignoring case.
     *
     * @throws IllegalArgumentException listing the known names
     */
    static Workload parse(String name) {
        for (Workload w : values()) {
            if (w.name().equalsIgnoreCase(name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'; known: "
                + Arrays.stream(values()).map(Workload::name).collect(Collectors.joining(", ")));
    }
}
