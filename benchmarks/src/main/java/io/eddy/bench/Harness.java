package io.eddy.bench;

import io.eddy.testkit.kafka.KafkaProcess;
import io.eddy.testkit.process.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;

/**
 * The end-to-end benchmark: the same workloads on Eddy, Kafka Streams and the plain Kafka clients,
 * against one broker, in one run, reporting Eddy's throughput (or restore rate, or latency) as
 * ratios to the peers.
 *
 * <pre>
 *   mvn -B -q install -DskipTests
 *   mvn -B -q -pl benchmarks exec:exec -Dbench.args="--records 5000000"
 * </pre>
 *
 * <h2>Method</h2>
 * <ol>
 *   <li>A single-node KRaft broker starts in its own JVM ({@link KafkaProcess}).</li>
 *   <li>The input is written once ({@link InputLoader}); every run reads all of it.</li>
 *   <li>Before each workload, one unmeasured warm-up run of it (plain clients where they run the
 *       workload, else Kafka Streams; none for W5, which has its own warm-up period) lets the
 *       broker's JIT compile the paths that workload uses (for the counts: compacted changelogs
 *       and larger transactions). Without it the first measured run pays: a first W2 run cost
 *       the broker 9.6 s of CPU, the same run repeated 3.6 s.</li>
 *   <li>For each workload and repeat, for each thread count, each engine runs once; the engine
 *       order rotates from repeat to repeat, so no engine always runs first or last.</li>
 *   <li>A run starts the engine in a fresh JVM ({@link EngineMain}) with a fresh application id
 *       (consumer group, transactional ids) and a fresh, empty output topic. Its clock starts at
 *       the engine JVM's start marker, printed just before the engine is created, and stops when
 *       the harness sees the group's committed offsets reach the input's end offsets: exactly-once
 *       engines commit offsets in the transaction that holds the output, so at that moment every
 *       output record is committed. The harness polls every 20 ms.</li>
 *   <li>Then the harness reads the engine process's peak RSS (VmHWM) and CPU time, stops it with
 *       SIGTERM (the engine prints its peak heap on the way out), counts the output with a
 *       read_committed consumer, which must equal the expected count, and deletes the output
 *       topic and the run's internal topics.</li>
 * </ol>
 * The other kinds of workload differ in these steps (see {@link Workload.Kind}):
 * <ul>
 *   <li>COUNT (W2, W6): timed the same way; the check reads the output and compares the last count
 *       of every key with the true count of that key in the input.</li>
 *   <li>WINDOW_COUNT (W3): timed the same way on its own input, written once with event-time
 *       record timestamps ({@link EventTimeInput}); the check reads the output and compares every
 *       emitted (key, window) count with the true one, refuses a window emitted twice, and requires
 *       every window that is closed at the end of the input ({@link WindowCountCheck}).</li>
 *   <li>SESSION_TOTALS (W10): timed the same way on its own input, written once with event-time
 *       record timestamps and long values ({@link SessionInput}); the check reads the output and
 *       compares each key's totals, in order, with the key's sessions in the input, and requires
 *       every session whose timer must have fired by the end of the input
 *       ({@link SessionTotalsCheck}).</li>
 *   <li>PIPELINE (W9): timed on its own orders and table, written once ({@link PipelineInput}),
 *       until the input is committed <em>and</em> the output holds every window that must be
 *       closed; the check compares every emitted (region, window) total with the true one
 *       ({@link PipelineCheck}).</li>
 *   <li>RESTORE (W4): before the engine starts, the harness writes the run's changelog topic
 *       ({@link InputLoader#loadChangelog}); the input topic is empty. The clock stops when the
 *       engine reports every changelog partition restored ({@link RestoreWatch}).</li>
 *   <li>LATENCY (W5): the engine reads a fresh input topic that {@link LatencyProbe} fills at a
 *       fixed rate while it measures the end-to-end latency of every output record; the engine's
 *       CPU is counted from the start of the measured period.</li>
 * </ul>
 * A workload of several instances (W2i2, {@link Workload#instances()}) starts that many engine JVMs
 * in one group, each with its own state directory; the clock starts at the first one's marker, and
 * engine CPU and peak RSS are summed over them.
 * Each engine pays its own JVM start-up, class loading, group join and JIT warm-up, as a real
 * deployment does; with millions of records these are a small share.
 *
 * <p>Output: a table on standard output, {@code bench-results/results.json} and
 * {@code results.csv} (all runs and the medians), engine logs under {@code bench-results/logs},
 * and an SVG bar chart ({@code docs/benchmarks.svg} by default). See {@link HarnessOptions} for the
 * flags.
 */
public final class Harness {
    private static final String INPUT_TOPIC = "bench-input";
    private static final String RESTORE_INPUT_TOPIC = "bench-restore-input";
    private static final String W3_INPUT_TOPIC = "bench-w3-input";
    private static final String W10_INPUT_TOPIC = "bench-w10-input";
    private static final String W11_INPUT_TOPIC = "bench-w11-input";
    private static final long POLL_MILLIS = 20;

    private final HarnessOptions options;
    private KafkaProcess kafka;
    private BrokerProbe probe;
    private Map<TopicPartition, Long> inputEnds;
    private Map<TopicPartition, Long> w3InputEnds;
    private long w1Expected;
    private EventTimeInput.Expected w3Expected;
    private Map<TopicPartition, Long> w10InputEnds;
    private SessionInput.Expected w10Expected;
    private Map<TopicPartition, Long> w9InputEnds;
    private PipelineInput.Expected w9Expected;
    private Map<TopicPartition, Long> w11InputEnds;
    private EventTimeInput.Expected w11Expected;
    private long[] w11Distinct;

    private Harness(HarnessOptions options) {
        this.options = options;
    }

    /**
     * Runs the benchmark; see the class comment and {@link HarnessOptions} for arguments.
     * Exit status 0 if every run succeeded, 1 if some failed, 2 for bad arguments.
     */
    public static void main(String[] args) throws IOException {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        HarnessOptions options;
        try {
            options = HarnessOptions.parse(args, repoRoot());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.engines().contains(Engine.SPARK) && !sparkEngineBuilt()) {
            System.err.println("--engines spark: the Spark engine is not in this build; build the benchmarks with "
                    + "-Pspark (see benchmarks/README.md, \"Spark Structured Streaming\")");
            System.exit(2);
            return;
        }
        boolean allOk = new Harness(options).run();
        System.exit(allOk ? 0 : 1);
    }

    /** Whether this build has the Spark engine, which only the Maven profile {@code spark} compiles. */
    private static boolean sparkEngineBuilt() {
        try {
            Class.forName("io.eddy.bench.SparkEngine", false, Harness.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private boolean run() throws IOException {
        Files.createDirectories(options.outDir().resolve("logs"));
        say("Eddy end-to-end benchmark: %s records, %d B values, %s keys, %d partitions, repeats %d, workloads %s, "
                        + "engines %s, threads %s", Stats.count(options.records()), options.valueBytes(),
                Stats.count(options.keys()), options.partitions(), options.repeats(), options.workloads(),
                options.engines().stream().map(Engine::id).toList(), options.threads());
        List<RunResult> results = new ArrayList<>();
        boolean harnessFailed = false;
        try (KafkaProcess broker = KafkaProcess.builder()
                .maxHeap(options.brokerHeap())
                .jvmOption("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .startupTimeout(Duration.ofSeconds(120))
                .start();
             BrokerProbe brokerProbe = new BrokerProbe(broker.bootstrapServers())) {
            this.kafka = broker;
            this.probe = brokerProbe;
            say("broker %s up (pid %d, -Xmx%s)", broker.bootstrapServers(), broker.pid(), options.brokerHeap());
            loadInput();
            if (options.workloads().contains(Workload.W4)) {
                kafka.createTopic(RESTORE_INPUT_TOPIC, options.partitions());
            }
            int total = 0;
            for (Workload workload : options.workloads()) {
                total += options.repeats() * options.threads().size()
                        * (int) options.engines().stream().filter(workload::supports).count();
            }
            int n = 0;
            for (Workload workload : options.workloads()) {
                warmUp(workload);
                for (int repeat = 1; repeat <= options.repeats(); repeat++) {
                    for (int threads : options.threads()) {
                        for (Engine engine : rotated(options.engines(), repeat - 1)) {
                            if (!workload.supports(engine)) {
                                continue;
                            }
                            n++;
                            RunResult r = runOnce(workload, engine, threads, repeat);
                            results.add(r);
                            say("[%d/%d] %s", n, total, describe(r));
                        }
                    }
                }
                if (workload == Workload.W11) {
                    System.out.print(DistinctCountReport.sideBySide(
                            results.stream().filter(r -> r.workload() == Workload.W11).toList(), w11Figures));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // e.g. the broker failing to close: the runs done so far are still worth reporting
            if (results.isEmpty()) {
                throw e;
            }
            say("the harness stopped early or could not close the broker (%s); reporting the %d runs done", e,
                    results.size());
            harnessFailed = true;
        }
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("time", Instant.now().toString());
        environment.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        environment.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        environment.put("kafka", kafkaVersion());
        Report report = new Report(options, results, environment);
        System.out.print(report.table());
        Path json = options.outDir().resolve("results.json");
        Path csv = options.outDir().resolve("results.csv");
        Files.writeString(json, report.json(), StandardCharsets.UTF_8);
        Files.writeString(csv, report.csv(), StandardCharsets.UTF_8);
        say("wrote %s and %s", json, csv);
        if (options.svg() != null) {
            Path parent = options.svg().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(options.svg(), SvgChart.render(report), StandardCharsets.UTF_8);
            say("wrote %s", options.svg());
        }
        long failed = results.stream().filter(r -> !r.ok()).count();
        if (failed > 0) {
            say("%d of %d runs failed; their errors are in %s and the engine logs in %s", failed, results.size(),
                    json, options.outDir().resolve("logs"));
        }
        return failed == 0 && !harnessFailed;
    }

    private void loadInput() {
        createInputTopic(INPUT_TOPIC);
        long start = System.nanoTime();
        w1Expected = InputLoader.load(kafka.bootstrapServers(), INPUT_TOPIC, options.records(), options.keys(),
                options.valueBytes());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        inputEnds = probe.endOffsets(INPUT_TOPIC, options.partitions());
        long written = inputEnds.values().stream().mapToLong(Long::longValue).sum();
        if (written != options.records()) {
            throw new IllegalStateException("the input topic holds " + written + " records, not " + options.records());
        }
        say("loaded %s records into %s in %.1f s (%s records/s); W1 must write %s", Stats.count(written), INPUT_TOPIC,
                millis / 1000.0, Stats.rate(written * 1000.0 / Math.max(1, millis)),
                Stats.count(w1Expected));
        if (options.workloads().contains(Workload.W3)) {
            loadW3Input();
        }
        if (options.workloads().contains(Workload.W11)) {
            loadW11Input();
        }
        if (options.workloads().contains(Workload.W10)) {
            loadW10Input();
        }
        if (options.workloads().contains(Workload.W9)) {
            loadW9Input();
        }
    }

    /** Writes W9's table and orders ({@link PipelineInput}) and computes what its output must hold. */
    private void loadW9Input() {
        kafka.createTopic(PipelineInput.TABLE_TOPIC, options.partitions(), Map.of("cleanup.policy", "compact"));
        kafka.createTopic(PipelineInput.ORDERS_TOPIC, options.partitions());
        PipelineInput input = PipelineInput.loadedAt(System.currentTimeMillis(), options.records(), options.keys(),
                options.partitions(), options.w9RecordsPerMinute(), options.w9DelayMillis());
        long start = System.nanoTime();
        InputLoader.loadPipeline(kafka.bootstrapServers(), input, options.valueBytes());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        w9InputEnds = probe.endOffsets(PipelineInput.ORDERS_TOPIC, options.partitions());
        long written = w9InputEnds.values().stream().mapToLong(Long::longValue).sum();
        if (written != options.records()) {
            throw new IllegalStateException("the input topic " + PipelineInput.ORDERS_TOPIC + " holds " + written
                    + " records, not " + options.records());
        }
        w9Expected = input.expected();
        say("loaded %s customers into %s and %s orders into %s in %.1f s: event time from %s over %d one-minute "
                        + "windows, allowed delay %d ms; %s (region, window) totals, of which %s (summing to %d) are "
                        + "closed at the end and must be emitted",
                Stats.count(options.keys()), PipelineInput.TABLE_TOPIC, Stats.count(written),
                PipelineInput.ORDERS_TOPIC, millis / 1000.0, Instant.ofEpochMilli(input.baseMillis()),
                w9Expected.windows(), options.w9DelayMillis(), Stats.count(w9Expected.nonEmpty()),
                Stats.count(w9Expected.required()), w9Expected.requiredSum());
    }

    /**
     * Creates an input topic and returns once its partition leaders answer a list-offsets request:
     * a bulk load sent the moment the topic's metadata named its leaders once got
     * NOT_LEADER_OR_FOLLOWER on three partitions under load, and its idempotent producer then
     * retried OUT_OF_ORDER_SEQUENCE_NUMBER until the records expired.
     */
    private void createInputTopic(String topic) {
        kafka.createTopic(topic, options.partitions());
        probe.endOffsets(topic, options.partitions());
    }

    /** Writes W10's input ({@link SessionInput}) and computes every session it holds. */
    private void loadW10Input() {
        createInputTopic(W10_INPUT_TOPIC);
        SessionInput input = SessionInput.loadedAt(System.currentTimeMillis(), options.records(), options.keys(),
                options.partitions());
        long start = System.nanoTime();
        InputLoader.loadSessions(kafka.bootstrapServers(), W10_INPUT_TOPIC, input);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        w10InputEnds = probe.endOffsets(W10_INPUT_TOPIC, options.partitions());
        long written = w10InputEnds.values().stream().mapToLong(Long::longValue).sum();
        if (written != options.records()) {
            throw new IllegalStateException("the input topic " + W10_INPUT_TOPIC + " holds " + written
                    + " records, not " + options.records());
        }
        w10Expected = input.expected();
        long[] eddy = w10Expected.required(0);
        long[] streams = w10Expected.required(options.w10PunctuateMillis());
        say("loaded %s records into %s in %.1f s: %s keys, event time from %s over %.1f min; %s sessions, of which "
                        + "%s (totals summing to %d) must fire by the end of the input (Kafka Streams, firing up to "
                        + "%d ms late: %s, summing to %d)",
                Stats.count(written), W10_INPUT_TOPIC, millis / 1000.0, Stats.count(options.keys()),
                Instant.ofEpochMilli(input.baseMillis()), input.spanMillis() / 60_000.0,
                Stats.count(w10Expected.all()), Stats.count(eddy[0]), eddy[1], options.w10PunctuateMillis(),
                Stats.count(streams[0]), streams[1]);
    }

    /** The end offsets of the input {@code workload} reads. */
    private Map<TopicPartition, Long> inputEnds(Workload workload) {
        if (workload == Workload.W11) {
            return w11InputEnds;
        }
        return switch (workload.kind()) {
            case WINDOW_COUNT -> w3InputEnds;
            case SESSION_TOTALS -> w10InputEnds;
            case PIPELINE -> w9InputEnds;
            default -> inputEnds;
        };
    }

    /** Writes W3's input ({@link EventTimeInput}) and computes what its output must hold. */
    private void loadW3Input() {
        createInputTopic(W3_INPUT_TOPIC);
        EventTimeInput input = EventTimeInput.loadedAt(System.currentTimeMillis(), options.records(),
                options.w3Keys(), options.partitions(), options.w3RecordsPerMinute(), options.w3DisorderMillis());
        long start = System.nanoTime();
        InputLoader.loadEventTime(kafka.bootstrapServers(), W3_INPUT_TOPIC, input, options.valueBytes());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        w3InputEnds = probe.endOffsets(W3_INPUT_TOPIC, options.partitions());
        long written = w3InputEnds.values().stream().mapToLong(Long::longValue).sum();
        if (written != options.records()) {
            throw new IllegalStateException("the input topic " + W3_INPUT_TOPIC + " holds " + written
                    + " records, not " + options.records());
        }
        w3Expected = input.expected();
        say("loaded %s records into %s in %.1f s: %s keys, event time from %s over %d one-minute windows, disorder "
                        + "<= %d ms; %s (key, window) counts, of which %s are closed at the end and must be emitted",
                Stats.count(written), W3_INPUT_TOPIC, millis / 1000.0, Stats.count(options.w3Keys()),
                Instant.ofEpochMilli(input.baseMillis()), w3Expected.windows(), options.w3DisorderMillis(),
                Stats.count(w3Expected.nonEmpty()), Stats.count(w3Expected.required()));
    }

    /**
     * Writes W11's input ({@link DistinctValuesInput}) and computes its true answers: the distinct
     * values of every (key, window), and which windows must be closed.
     */
    private void loadW11Input() {
        createInputTopic(W11_INPUT_TOPIC);
        DistinctValuesInput input = new DistinctValuesInput(EventTimeInput.loadedAt(System.currentTimeMillis(),
                options.records(), options.w11Keys(), options.partitions(), options.w11RecordsPerMinute(),
                options.w3DisorderMillis()), options.w11Cardinality());
        long start = System.nanoTime();
        InputLoader.loadDistinctValues(kafka.bootstrapServers(), W11_INPUT_TOPIC, input);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        w11InputEnds = probe.endOffsets(W11_INPUT_TOPIC, options.partitions());
        long written = w11InputEnds.values().stream().mapToLong(Long::longValue).sum();
        if (written != options.records()) {
            throw new IllegalStateException("the input topic " + W11_INPUT_TOPIC + " holds " + written
                    + " records, not " + options.records());
        }
        w11Expected = input.layout().expected();
        w11Distinct = input.distinctCounts(w11Expected);
        long cells = 0;
        long sum = 0;
        long max = 0;
        long min = Long.MAX_VALUE;
        boolean[] mustClose = w11Expected.mustClose();
        for (int cell = 0; cell < w11Distinct.length; cell++) {
            if (mustClose[cell]) {
                cells++;
                sum += w11Distinct[cell];
                max = Math.max(max, w11Distinct[cell]);
                min = Math.min(min, w11Distinct[cell]);
            }
        }
        say("loaded %s records into %s in %.1f s: %s keys, values from a domain of %s, event time from %s over %d "
                        + "one-minute windows, disorder <= %d ms; %s (key, window) cells, of which %s are closed at "
                        + "the end and must be emitted, holding %s to %s distinct values (mean %s)",
                Stats.count(written), W11_INPUT_TOPIC, millis / 1000.0, Stats.count(options.w11Keys()),
                Stats.count(options.w11Cardinality()), Instant.ofEpochMilli(input.layout().baseMillis()),
                w11Expected.windows(), options.w3DisorderMillis(), Stats.count(w11Expected.nonEmpty()),
                Stats.count(cells), Stats.count(cells == 0 ? 0 : min), Stats.count(max),
                Stats.count(cells == 0 ? 0 : sum / cells));
    }

    /**
     * Unmeasured runs of {@code workload} before its measured ones, so the broker's JIT has
     * compiled the paths the workload uses before any engine is timed; otherwise whichever engine
     * runs first pays for it. The warm-up engine is the plain clients where they run the workload,
     * else Kafka Streams, else the first engine. W5 has its own warm-up period instead.
     */
    private void warmUp(Workload workload) {
        if (workload.kind() == Workload.Kind.LATENCY) {
            return;
        }
        Engine engine = java.util.stream.Stream.of(Engine.PLAIN_CLIENTS, Engine.KAFKA_STREAMS)
                .filter(e -> options.engines().contains(e) && workload.supports(e))
                .findFirst().orElse(options.engines().get(0));
        for (int i = 1; i <= options.warmupRuns(); i++) {
            RunResult r = runOnce(workload, engine, options.threads().get(0), 0);
            say("[warm-up %d/%d of %s, not counted] %s", i, options.warmupRuns(), workload, describe(r));
        }
    }

    private RunResult runOnce(Workload workload, Engine engine, int threads, int repeat) {
        String id = String.format(Locale.ROOT, "%s-%s-t%d-%s-%s", workload.name().toLowerCase(Locale.ROOT),
                engine.id(), threads, repeat == 0 ? "warmup" : "r" + repeat, UUID.randomUUID().toString().substring(0, 8));
        String applicationId = "bench-" + id;
        String outputTopic = "bench-out-" + id;
        String inputTopic = switch (workload.kind()) {
            case RESTORE -> RESTORE_INPUT_TOPIC;
            case LATENCY -> "bench-latency-in-" + id;
            case THROUGHPUT, COUNT -> INPUT_TOPIC;
            case WINDOW_COUNT -> workload == Workload.W11 ? W11_INPUT_TOPIC : W3_INPUT_TOPIC;
            case SESSION_TOTALS -> W10_INPUT_TOPIC;
            case PIPELINE -> PipelineInput.ORDERS_TOPIC;
        };
        long records = workload.kind() == Workload.Kind.RESTORE ? options.restoreRecords() : options.records();
        long expectedOutput = switch (workload.kind()) {
            case THROUGHPUT -> workload.learning() ? options.records() : w1Expected;
            case COUNT -> Math.min(options.records(), options.keys());
            case WINDOW_COUNT -> (workload == Workload.W11 ? w11Expected : w3Expected).required();
            case SESSION_TOTALS -> w10Expected.required(
                    SessionTotalsCheck.firingLagMillis(engine, options.w10PunctuateMillis()))[0];
            case RESTORE -> options.restoreRecords();
            case LATENCY -> -1;
            case PIPELINE -> w9Expected.required();
        };
        Path stateDir = null;
        try {
            kafka.createTopic(outputTopic, options.partitions());
            if (workload.learning()) {
                kafka.createTopic(Workload.modelTopic(outputTopic), 1, Map.of("cleanup.policy", "compact"));
            }
            if (workload.kind() == Workload.Kind.LATENCY) {
                kafka.createTopic(inputTopic, options.partitions());
            }
            int restorePartitions = workload.kind() == Workload.Kind.RESTORE ? prepareChangelog(applicationId) : 0;
            stateDir = Files.createTempDirectory("eddy-bench-state-");
            int instances = workload.instances();
            List<ChildJvm> children = new ArrayList<>();
            EngineSpec spec = null;
            Measured m;
            try {
                for (int instance = 0; instance < instances; instance++) {
                    // each instance its own state directory (Eddy's and Kafka Streams' process id live there)
                    Path instanceDir = instances == 1 ? stateDir
                            : Files.createDirectories(stateDir.resolve("instance-" + instance));
                    spec = new EngineSpec(engine, workload, kafka.bootstrapServers(), applicationId, inputTopic,
                            outputTopic, threads, workload.commitMillis(engine, options.commitMillis()), instanceDir,
                            restorePartitions, workload.windowed() ? options.w3DisorderMillis()
                                    : workload == Workload.W9 ? options.w9DelayMillis() : 0);
                    children.add(engineJvm(spec, id + (instances == 1 ? "" : "-i" + instance), instance).start());
                }
                m = measure(children, spec);
            } finally {
                for (ChildJvm child : children) {
                    child.close();
                }
            }
            long actual;
            String error = null;
            switch (workload.kind()) {
                case THROUGHPUT -> {
                    actual = probe.countCommitted(outputTopic, options.partitions(), expectedOutput,
                            Duration.ofSeconds(120));
                    if (actual != expectedOutput) {
                        error = "output holds " + actual + " committed records, expected " + expectedOutput;
                    }
                }
                case COUNT -> {
                    BrokerProbe.FinalCounts counts = probe.finalCounts(outputTopic, options.partitions(),
                            options.keys(), Duration.ofSeconds(120));
                    actual = counts.records();
                    error = Workload.checkCounts(counts.lastCounts(), counts.unknownKeys(), options.records(),
                            options.keys());
                }
                case WINDOW_COUNT -> {
                    if (workload == Workload.W11) {
                        DistinctCountCheck check = new DistinctCountCheck(w11Expected, w11Distinct, engine);
                        actual = probe.readAll(outputTopic, options.partitions(), check::accept, Duration.ofSeconds(120));
                        error = check.error();
                        reportDistinctCounts(engine, applicationId, check, stateDir, repeat);
                        break;
                    }
                    WindowCountCheck check = new WindowCountCheck(w3Expected, WindowCountCheck.windowSuffixBytes(engine));
                    actual = probe.readAll(outputTopic, options.partitions(), check::accept, Duration.ofSeconds(120));
                    error = check.error();
                }
                case SESSION_TOTALS -> {
                    SessionTotalsCheck check = new SessionTotalsCheck(w10Expected,
                            SessionTotalsCheck.firingLagMillis(engine, options.w10PunctuateMillis()));
                    actual = probe.readAll(outputTopic, options.partitions(), check::accept, Duration.ofSeconds(120));
                    error = check.error();
                }
                case PIPELINE -> {
                    PipelineCheck check = new PipelineCheck(w9Expected, WindowCountCheck.windowSuffixBytes(engine));
                    actual = probe.readAll(outputTopic, options.partitions(), check::accept, Duration.ofSeconds(120));
                    error = check.error();
                }
                case RESTORE -> actual = m.restoredRecords;
                case LATENCY -> {
                    actual = m.latency.outputSeen();
                    expectedOutput = m.latency.expectedOutput();
                    records = m.latency.sentMeasured();
                    error = m.latency.error();
                }
                default -> throw new IllegalStateException(workload.kind().name());
            }
            return new RunResult(workload, engine, threads, repeat, records, expectedOutput, actual,
                    m.millis, m.peakHeap, m.heapAfterGc, m.peakRss, m.engineCpuMillis, m.brokerCpuMillis,
                    m.produceRequests, m.fetchRequests, m.restoreWindowMillis,
                    m.latency == null ? LatencyHistogram.Summary.NONE : m.latency.latency(), error);
        } catch (RuntimeException | AssertionError | IOException e) {
            return RunResult.failed(workload, engine, threads, repeat, records, expectedOutput,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            List<String> scratch = new ArrayList<>(List.of(outputTopic));
            if (workload.learning()) {
                scratch.add(Workload.modelTopic(outputTopic));
            }
            if (workload.kind() == Workload.Kind.LATENCY) {
                scratch.add(inputTopic);
            }
            for (String topic : scratch) {
                try {
                    probe.deleteTopic(topic);
                } catch (RuntimeException e) {
                    say("could not delete %s: %s", topic, e.getMessage());
                }
            }
            try {
                probe.deleteTopicsWithPrefix(applicationId);
            } catch (RuntimeException e) {
                say("could not delete the internal topics of %s: %s", applicationId, e.getMessage());
            }
            deleteRecursively(stateDir);
        }
    }

    /** W11's state and accuracy figures of the last measured run of each engine, for the side-by-side table. */
    private final Map<Engine, DistinctCountReport.Figures> w11Figures = new java.util.EnumMap<>(Engine.class);

    /**
     * W11: prints the run's state size (its store's changelog: records and bytes, before any
     * compaction; the state directory on disk once the engine stopped) and its answers' error
     * against the true distinct counts; keeps them for {@link DistinctCountReport} unless it was
     * the warm-up run.
     */
    private void reportDistinctCounts(Engine engine, String applicationId, DistinctCountCheck check, Path stateDir,
                                      int repeat) {
        String changelog = Workload.changelogTopic(applicationId);
        long changelogRecords = probe.endOffsets(changelog, options.partitions()).values().stream()
                .mapToLong(Long::longValue).sum();
        DistinctCountReport.Figures figures = new DistinctCountReport.Figures(changelogRecords,
                probe.logBytes(changelog), directoryBytes(stateDir), check.valueBytes(), check.accuracy());
        say("W11 %s%s: %s", engine.id(), repeat == 0 ? " (warm-up)" : "", figures);
        if (repeat > 0) {
            w11Figures.put(engine, figures);
        }
    }

    /** The bytes of the regular files under {@code dir}, or -1 if it cannot be read. */
    private static long directoryBytes(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * W4: writes the changelog of the count store of {@code applicationId} before its engine
     * starts, and returns how many of its partitions hold entries.
     */
    private int prepareChangelog(String applicationId) {
        String topic = Workload.changelogTopic(applicationId);
        kafka.createTopic(topic, options.partitions(), Map.of("cleanup.policy", "compact"));
        long start = System.nanoTime();
        InputLoader.loadChangelog(kafka.bootstrapServers(), topic, options.restoreRecords(), options.restoreKeys());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Map<TopicPartition, Long> ends = probe.endOffsets(topic, options.partitions());
        long written = ends.values().stream().mapToLong(Long::longValue).sum();
        if (written != options.restoreRecords()) {
            throw new IllegalStateException("the changelog " + topic + " holds " + written + " records, not "
                    + options.restoreRecords());
        }
        say("wrote %s changelog entries into %s in %.1f s", Stats.count(written), topic, millis / 1000.0);
        return (int) ends.values().stream().filter(end -> end > 0).count();
    }

    /**
     * The engine JVM of one run (or of one instance of a run of {@link Workload#instances()} JVMs):
     * its heap, log file, system properties and JFR recording.
     */
    private ChildJvm.Builder engineJvm(EngineSpec spec, String name, int instance) {
        ChildJvm.Builder builder = ChildJvm.builder(EngineMain.class)
                .args(spec.toArgs().toArray(String[]::new))
                .jvmOption("-Xmx" + options.engineHeap(spec.workload()))
                // -Dbench.engineLog=info on the harness shows the engines' own logs (start-up steps, restores)
                .jvmOption("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("bench.engineLog", "warn"))
                .jvmOption("-Dorg.slf4j.simpleLogger.showDateTime=true")
                .jvmOption("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS")
                .logFile(options.outDir().resolve("logs").resolve(name + ".log"));
        if (instance > 0) {
            builder.jvmOption("-D" + PlainClientsEngine.INSTANCE_PROPERTY + "=" + instance);
        }
        if (spec.workload() == Workload.W10 && spec.engine().kafkaStreams()) {
            builder.jvmOption("-D" + StreamsEngine.PUNCTUATE_PROPERTY + "=" + options.w10PunctuateMillis());
        }
        if (spec.engine() == Engine.EDDY && options.eddyStoreCacheBytes() != null) {
            builder.jvmOption("-D" + EddyEngine.STORE_CACHE_PROPERTY + "=" + options.eddyStoreCacheBytes());
        }
        if (options.jfrEngines().contains(spec.engine())) {
            builder.jvmOption("-XX:StartFlightRecording=dumponexit=true,settings=" + options.jfrSettings()
                    + ",filename=" + options.outDir().resolve(name + ".jfr").toAbsolutePath());
        }
        return builder;
    }

    /** The measurements of one engine JVM's run. */
    private record Measured(long millis, long peakHeap, long heapAfterGc, long peakRss, long engineCpuMillis,
                            long brokerCpuMillis, long produceRequests, long fetchRequests,
                            long restoreWindowMillis, long restoredRecords, LatencyProbe.Result latency) {
    }

    /**
     * Measures a run of one engine JVM, or of several ({@link Workload#instances()}), the clock
     * starting at the first one's start marker: engine CPU and peak RSS summed over them, peak heap
     * and heap after GC the largest of them, client requests summed.
     */
    private Measured measure(List<ChildJvm> children, EngineSpec spec) {
        ChildJvm child = children.get(0);
        String startLine = child.awaitLogLine(EngineMain.START_MARKER, Duration.ofSeconds(60));
        long startMillis = Long.parseLong(startLine.substring(startLine.indexOf(EngineMain.START_MARKER)
                + EngineMain.START_MARKER.length()).trim());
        long[] cpu0 = {cpuMillis(children), cpuMillis(kafka.pid())};
        long timeoutSeconds = options.runTimeoutSeconds(spec.workload());
        long endMillis;
        long restoreWindowMillis = -1;
        long restoredRecords = -1;
        LatencyProbe.Result latency = null;
        switch (spec.workload().kind()) {
            case THROUGHPUT, COUNT, WINDOW_COUNT, SESSION_TOTALS, PIPELINE -> {
                endMillis = awaitCommitted(children, spec, timeoutSeconds);
                if (spec.workload().kind() == Workload.Kind.PIPELINE) {
                    long committedMillis = endMillis;
                    endMillis = awaitClosedWindows(children, spec, timeoutSeconds);
                    say("%s %s: input committed %.2f s after start, every closed window emitted %.2f s after start",
                            spec.workload(), spec.engine().id(), (committedMillis - startMillis) / 1000.0,
                            (endMillis - startMillis) / 1000.0);
                }
                if (spec.workload().learning()) {
                    // the shard behind its repartition topic is still learning: done when every
                    // prediction is committed (read back as it arrives)
                    long seen = probe.countCommitted(spec.outputTopic(), options.partitions(), options.records(),
                            Duration.ofSeconds(timeoutSeconds));
                    if (seen < options.records()) {
                        throw new IllegalStateException(spec.engine().label() + " committed " + seen + " of "
                                + options.records() + " predictions within " + timeoutSeconds + " s");
                    }
                    endMillis = System.currentTimeMillis();
                }
            }
            case RESTORE -> {
                String line = child.awaitLogLine(EngineMain.RESTORED_MARKER, Duration.ofSeconds(timeoutSeconds));
                endMillis = field(line, "at");
                restoreWindowMillis = endMillis - field(line, "firstStart");
                restoredRecords = field(line, "records");
            }
            case LATENCY -> {
                latency = LatencyProbe.run(kafka.bootstrapServers(), spec.inputTopic(), spec.outputTopic(),
                        options.partitions(), options.keys(), options.valueBytes(), options.latencyRate(),
                        Duration.ofSeconds(options.latencyWarmupSeconds()), Duration.ofSeconds(options.latencySeconds()),
                        Duration.ofSeconds(Math.max(60, timeoutSeconds - options.latencyWarmupSeconds()
                                - options.latencySeconds())),
                        child::isAlive, () -> {
                            cpu0[0] = cpuMillis(children);
                            cpu0[1] = cpuMillis(kafka.pid());
                        }, spec.workload());
                endMillis = startMillis + latency.measuredMillis();
            }
            default -> throw new IllegalStateException(spec.workload().kind().name());
        }
        long engineCpu1 = cpuMillis(children);
        long brokerCpu1 = cpuMillis(kafka.pid());
        long rss = 0;
        for (ChildJvm c : children) {
            long one = peakRssBytes(c.pid());
            rss = rss < 0 || one < 0 ? -1 : rss + one;
        }
        for (ChildJvm c : children) {
            c.stop(Duration.ofSeconds(60));
        }
        long peakHeap = -1;
        long heapAfterGc = -1;
        long produceRequests = -1;
        long fetchRequests = -1;
        for (ChildJvm c : children) {
            try {
                String stats = c.awaitLogLine(EngineMain.STATS_MARKER, Duration.ofSeconds(5));
                peakHeap = Math.max(peakHeap, field(stats, "peakHeap"));
                heapAfterGc = Math.max(heapAfterGc, field(stats, "heapAfterGc"));
                produceRequests = Math.max(0, produceRequests) + field(stats, "produceRequests");
                fetchRequests = Math.max(0, fetchRequests) + field(stats, "fetchRequests");
            } catch (AssertionError e) {
                say("no heap statistics from %s", c);
            }
        }
        return new Measured(endMillis - startMillis, peakHeap, heapAfterGc, rss,
                cpu0[0] < 0 || engineCpu1 < 0 ? -1 : engineCpu1 - cpu0[0],
                cpu0[1] < 0 || brokerCpu1 < 0 ? -1 : brokerCpu1 - cpu0[1], produceRequests, fetchRequests,
                restoreWindowMillis, restoredRecords, latency);
    }

    /** CPU time the processes of {@code children} have used so far together, or -1 if the OS does not say. */
    private static long cpuMillis(List<ChildJvm> children) {
        long sum = 0;
        for (ChildJvm c : children) {
            long one = cpuMillis(c.pid());
            if (one < 0) {
                return -1;
            }
            sum += one;
        }
        return sum;
    }

    /** Waits until the group of {@code spec} has committed the end of the input; returns when it saw that. */
    private long awaitCommitted(List<ChildJvm> children, EngineSpec spec, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            for (ChildJvm child : children) {
                if (!child.isAlive()) {
                    throw new IllegalStateException(spec.engine().label() + " JVM exited before processing all "
                            + "input; log ends with:\n" + logTail(child.logFile()));
                }
            }
            if (probe.committedReached(spec.applicationId(), inputEnds(spec.workload()))) {
                return System.currentTimeMillis();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(spec.engine().label() + " did not commit all input within "
                        + timeoutSeconds + " s; log ends with:\n" + logTail(children.get(0).logFile()));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }

    /**
     * W9: once the input is committed, waits until the output holds every window that must be
     * closed (the window operator, behind its repartition topic, lags the input); returns when it
     * saw that. The output is small (regions x windows), so it is read again from the start each
     * time.
     */
    private long awaitClosedWindows(List<ChildJvm> children, EngineSpec spec, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            PipelineCheck check = new PipelineCheck(w9Expected, WindowCountCheck.windowSuffixBytes(spec.engine()));
            probe.readAll(spec.outputTopic(), options.partitions(), check::accept, Duration.ofSeconds(timeoutSeconds));
            if (check.complete()) {
                return System.currentTimeMillis();
            }
            for (ChildJvm child : children) {
                if (!child.isAlive()) {
                    throw new IllegalStateException(spec.engine().label() + " JVM exited before emitting every "
                            + "closed window; log ends with:\n" + logTail(child.logFile()));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(spec.engine().label() + " did not emit every closed window within "
                        + timeoutSeconds + " s (" + check.error() + ")");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static long field(String line, String name) {
        for (String part : line.split("\\s+")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        return -1;
    }

    /** CPU time a process has used so far, or -1 if the OS does not say. */
    static long cpuMillis(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toMillis).orElse(-1L);
    }

    /** A process's peak resident set size from {@code /proc/<pid>/status} (VmHWM), or -1. */
    static long peakRssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return parseKilobytes(line.substring("VmHWM:".length())) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Parses {@code "   123456 kB"}. */
    static long parseKilobytes(String text) {
        String t = text.trim();
        if (t.endsWith("kB")) {
            t = t.substring(0, t.length() - 2).trim();
        }
        return Long.parseLong(t);
    }

    /** {@code list} rotated left by {@code by} places. */
    static <T> List<T> rotated(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get((i + by) % list.size()));
        }
        return out;
    }

    /**
     * The version of the Kafka clients on the class path, from the properties file inside their jar
     * (Kafka's own reader of it, {@code AppInfoParser}, is internal since 4.4), or "unknown".
     */
    private static String kafkaVersion() {
        try (var in = TopicPartition.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties props = new java.util.Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String describe(RunResult r) {
        String head = String.format(Locale.ROOT, "%s %-14s threads=%d repeat=%d: ", r.workload(), r.engine().label(),
                r.threads(), r.repeat());
        if (!r.ok() && r.millis() < 0) {
            return head + "FAILED " + r.error();
        }
        String what = switch (r.workload().kind()) {
            case THROUGHPUT, COUNT, WINDOW_COUNT, SESSION_TOTALS, PIPELINE -> String.format(Locale.ROOT,
                    "%s records in %.2f s = %s records/s; output %s%s",
                    Stats.count(r.inputRecords()), r.millis() / 1000.0, Stats.rate(r.recordsPerSecond()),
                    Stats.count(r.actualOutput()), switch (r.workload().kind()) {
                        case COUNT -> " updates";
                        case WINDOW_COUNT -> " windows (" + Stats.count(r.expectedOutput()) + " must be closed)";
                        case SESSION_TOTALS -> " totals (" + Stats.count(r.expectedOutput()) + " must have fired)";
                        case PIPELINE -> " windows (" + Stats.count(r.expectedOutput()) + " must be closed)";
                        default -> "";
                    });
            case RESTORE -> String.format(Locale.ROOT, "%s changelog entries restored %.2f s after start = %s/s "
                            + "(restore alone %.2f s = %s/s); engine reports %s restored",
                    Stats.count(r.inputRecords()), r.millis() / 1000.0, Stats.rate(r.recordsPerSecond()),
                    r.restoreWindowMillis() / 1000.0, Stats.rate(r.restoreWindowRecordsPerSecond()),
                    Stats.count(r.actualOutput()));
            case LATENCY -> String.format(Locale.ROOT, "%s records in %.0f s at %s/s; latency p50 %d ms, p99 %d ms, "
                            + "max %d ms over %s records; output %s",
                    Stats.count(r.inputRecords()), r.millis() / 1000.0, Stats.rate(r.recordsPerSecond()),
                    r.latency().p50Millis(), r.latency().p99Millis(), r.latency().maxMillis(),
                    Stats.count(r.latency().count()), Stats.count(r.actualOutput()));
        };
        return head + String.format(Locale.ROOT,
                "%s%s; peak heap %s, heap after GC %s, peak RSS %s; "
                        + "CPU engine %.1f s, broker %.1f s; requests produce %s, fetch %s",
                what, r.ok() ? " ok" : " WRONG (" + r.error() + ")",
                Stats.mib(r.peakHeapBytes()), Stats.mib(r.heapAfterGcBytes()), Stats.mib(r.peakRssBytes()),
                r.engineCpuMillis() / 1000.0, r.brokerCpuMillis() / 1000.0, Stats.count(r.produceRequests()),
                Stats.count(r.fetchRequests()));
    }

    private static String logTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover scratch directory in /tmp does not matter
        }
    }

    /**
     * The repository root: the nearest directory at or above the working directory whose
     * {@code pom.xml} is Eddy's parent POM; the working directory if there is none.
     */
    static Path repoRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom)
                        && Files.readString(pom).contains("<artifactId>eddy-parent</artifactId>")
                        && !Files.readString(pom).contains("<parent>")) {
                    return dir;
                }
            } catch (IOException e) {
                // unreadable: keep looking upwards
            }
        }
        return start;
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
