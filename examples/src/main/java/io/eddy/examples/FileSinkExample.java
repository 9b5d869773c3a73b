package io.eddy.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.connectors.filesink.FileSinkFormat;
import io.eddy.connectors.filesink.FileSink;
import io.eddy.connectors.filesink.FileSinkManifest;
import io.eddy.connectors.filesink.PartitionPaths;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.SinkRecord;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.EmbeddedKafka;
import io.eddy.testkit.kafka.TopicIO;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Kafka to files, exactly once: orders from a topic are written as JSON lines under
 * {@code <out>/date=…/hour=…/region=…/}, published through the file sink's manifest, and read back
 * from the manifest.
 *
 * <pre>
 *   orders (customer → {"id","region","amount"})
 *     → file sink: JSON lines with the order and its input position,
 *       partitioned by the record's hour (UTC) and the order's region
 * </pre>
 *
 * <p>Run as a program, it starts an embedded Kafka broker (unless {@code --bootstrap host:port}
 * or {@code EDDY_BOOTSTRAP} names a cluster), produces {@code --records} orders, drains them with
 * {@code Trigger.availableNow()}, then lists the manifest and checks that it holds every order
 * exactly once:
 *
 * <pre>
 *   mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.FileSinkExample
 *   mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.FileSinkExample -Dexec.args="--out /tmp/orders --records 50000"
 * </pre>
 *
 * Exit code 0 when the check passes, 1 when it does not, 2 for bad arguments.
 */
public final class FileSinkExample {
    static final String APP_ID = "eddy-orders-to-files";
    private static final String[] REGIONS = {"eu-west", "us-east", "ap-south"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private FileSinkExample() {
    }

    /** Defines the pipeline on {@code p}: the orders of {@code topic}, written by a file sink under {@code out}. */
    public static void pipeline(Pipeline p, String topic, Path out) {
        // --- file sink pipeline: begin
        FileSink<String, String> sink = FileSink.builder(out, FileSinkFormat.<String, String>jsonLines(r -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("customer", r.key());
                    row.put("order", parse(r.value()));                      // the order's JSON, as is
                    row.put("source", r.topic() + "-" + r.partition() + "@" + r.offset());
                    return row;
                }))
                .partitionBy(PartitionPaths.concat(
                        PartitionPaths.hourly(),                                // date=2026-12-05/hour=07
                        PartitionPaths.byField("region", (SinkRecord<String, String> r) -> parse(r.value()).path("region").asText())))
                .build();
        p.kafka(topic, Consumed.with(Serdes.string(), Serdes.string())).foreach(sink);
        // --- file sink pipeline: end
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    /**
     * What to run.
     *
     * @param bootstrapServers an existing cluster, or null to start an embedded broker
     * @param out the sink's directory, or null for a new temporary one
     * @param records how many orders to produce
     * @param print where the example prints
     */
    public record Options(String bootstrapServers, Path out, int records, PrintStream print) {

        /**
         * Reads {@code --bootstrap host:port}, {@code --out DIR} and {@code --records N};
         * {@code EDDY_BOOTSTRAP} stands in for a missing {@code --bootstrap}.
         *
         * @throws IllegalArgumentException naming the bad argument
         */
        public static Options parse(String[] args, String bootstrapFromEnv) {
            String bootstrap = bootstrapFromEnv == null || bootstrapFromEnv.isBlank() ? null : bootstrapFromEnv;
            Path out = null;
            int records = 10_000;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException("help");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                String value = args[++i];
                switch (flag) {
                    case "--bootstrap" -> bootstrap = value;
                    case "--out" -> out = Path.of(value);
                    case "--records" -> records = ExampleSupport.positive(flag, value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            return new Options(bootstrap, out, records, System.out);
        }
    }

    /**
     * What the run found in the manifest.
     *
     * @param produced orders produced
     * @param listed records in the files the manifest lists
     * @param files data files the manifest lists
     * @param duplicates input positions listed more than once
     * @param out the sink's directory
     */
    public record Summary(long produced, long listed, int files, long duplicates, Path out) {
        /** Every order listed exactly once. */
        public boolean correct() {
            return listed == produced && duplicates == 0;
        }
    }

    /** Runs the example (broker, topic, orders, pipeline, read-back) and returns what it found. */
    public static Summary run(Options options) {
        PrintStream print = options.print();
        EmbeddedKafka embedded = null;
        Path stateDir = null;
        try {
            String bootstrap = options.bootstrapServers();
            String suffix = "";
            if (bootstrap == null) {
                print.println("starting an embedded Kafka broker…");
                embedded = EmbeddedKafka.start();
                bootstrap = embedded.bootstrapServers();
            } else {
                suffix = "-" + Long.toString(System.currentTimeMillis(), 36);
            }
            String topic = "orders" + suffix;
            ExampleSupport.createTopics(bootstrap, 4, topic);
            Path out = options.out() != null ? options.out() : Files.createTempDirectory("eddy-orders-files-");
            stateDir = ExampleSupport.temporaryStateDir(APP_ID);

            List<ProducerRecord<byte[], byte[]>> orders = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (int i = 0; i < options.records(); i++) {
                String json = "{\"id\":" + i + ",\"region\":\"" + REGIONS[i % REGIONS.length] + "\",\"amount\":" + (i % 97 + 1) + "}";
                long timestamp = now - (long) (options.records() - i) * 500;   // spread over the last hours
                orders.add(new ProducerRecord<>(topic, null, timestamp, bytes("customer-" + (i % 100)), bytes(json)));
            }
            TopicIO.of(bootstrap).produce(orders);
            print.printf("produced %,d orders to %s; writing files under %s%n", orders.size(), topic, out);

            try (EddyApp app = EddyApp.builder(APP_ID + suffix)
                    .bootstrapServers(bootstrap)
                    .guarantee(Guarantee.EXACTLY_ONCE)
                    .trigger(Trigger.availableNow(Duration.ofMillis(200)))   // drain what is there, then stop
                    .stateDir(stateDir)
                    .pipeline(p -> pipeline(p, topic, out))
                    .build()) {
                long start = System.nanoTime();
                app.start();
                if (!app.awaitTermination(Duration.ofSeconds(120))) {
                    throw new IllegalStateException("the pipeline did not drain the orders in 120 s");
                }
                print.printf("the pipeline drained them in %.1f s (start, group join and commits included)%n",
                        (System.nanoTime() - start) / 1e9);
            }
            return readBack(out, orders.size(), print);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (stateDir != null) {
                ExampleSupport.deleteRecursively(stateDir);
            }
        }
    }

    /** Reads the orders back the way any reader should: only the files the manifest lists. */
    static Summary readBack(Path out, long produced, PrintStream print) throws IOException {
        List<Path> files = FileSinkManifest.committedFiles(out);
        Set<String> sources = new HashSet<>();
        long listed = 0;
        long duplicates = 0;
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                listed++;
                if (!sources.add(JSON.readTree(line).get("source").asText())) {
                    duplicates++;
                }
            }
        }
        print.printf("the manifest lists %,d batches in %,d files, for example:%n", FileSinkManifest.entries(out).size(), files.size());
        files.stream().limit(3).forEach(f -> print.println("  " + out.relativize(f)));
        if (!files.isEmpty()) {
            print.println("a line of " + out.relativize(files.get(0)) + ":");
            print.println("  " + Files.readAllLines(files.get(0), StandardCharsets.UTF_8).get(0));
        }
        Summary summary = new Summary(produced, listed, files.size(), duplicates, out);
        print.printf("orders produced %,d, listed %,d, duplicates %d: exactly once: %s%n",
                produced, listed, duplicates, summary.correct() ? "yes" : "NO");
        return summary;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs the example; see the class comment. */
    public static void main(String[] args) {
        ExampleSupport.main("FileSinkExample [--bootstrap host:port] [--out DIR] [--records N]",
                () -> Options.parse(args, System.getenv("EDDY_BOOTSTRAP")), FileSinkExample::run, Summary::correct);
    }
}
