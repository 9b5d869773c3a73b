package io.eddy.examples;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.connectors.file.CsvSchema;
import io.eddy.connectors.file.FileFormat;
import io.eddy.connectors.file.FileSource;
import io.eddy.connectors.rate.RateSource;
import io.eddy.connectors.socket.SocketSource;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The README's sources outside Kafka, runnable: {@code file} (CSV files in a fresh temporary
 * directory, one more added while the application runs), {@code rate} (a thousand records a
 * second) or {@code socket} (lines from a local server this program starts, as {@code nc -lk}
 * would). Each prints the committed output and exits 0 once it saw what it expected, 1 if not
 * within a minute, 2 for bad arguments.
 *
 * <pre>
 *   mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.SourcesExample -Dexec.args="file"
 * </pre>
 *
 * Without {@code --bootstrap host:port} (or {@code EDDY_BOOTSTRAP}) it starts an embedded broker.
 */
public final class SourcesExample {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private SourcesExample() {
    }

    /** Which source to run and where. */
    record Options(String source, String bootstrapServers) {
        static Options parse(String[] args, String bootstrapFromEnv) {
            String source = "file";
            String bootstrap = bootstrapFromEnv == null || bootstrapFromEnv.isBlank() ? null : bootstrapFromEnv;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--bootstrap" -> {
                        if (++i == args.length) {
                            throw new IllegalArgumentException("--bootstrap needs host:port");
                        }
                        bootstrap = args[i];
                    }
                    case "--help", "-h" -> throw new IllegalArgumentException("help");
                    case "file", "rate", "socket" -> source = args[i];
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            return new Options(source, bootstrap);
        }
    }

    /** Runs the example; see the class comment. */
    public static void main(String[] args) {
        ExampleSupport.main("SourcesExample [file|rate|socket] [--bootstrap host:port]",
                () -> Options.parse(args, System.getenv("EDDY_BOOTSTRAP")), SourcesExample::run, ok -> ok);
    }

    /** Runs one source; returns whether the committed output held what was expected. */
    static boolean run(Options options) {
        EmbeddedKafka embedded = options.bootstrapServers() == null ? EmbeddedKafka.start() : null;
        String servers = embedded != null ? embedded.bootstrapServers() : options.bootstrapServers();
        try {
            return switch (options.source()) {
                case "rate" -> rate(servers);
                case "socket" -> socket(servers);
                default -> file(servers);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static boolean file(String servers) throws IOException {
        Path dir = Files.createTempDirectory("eddy-orders-in-");
        Files.writeString(dir.resolve("orders-1.csv"), "id,customer,amount\n1,alice,12.5\n2,bob,3\n");
        Files.writeString(dir.resolve("orders-2.csv"), "id,customer,amount\n3,alice,7.25\n");
        ExampleSupport.createTopics(servers, 1, "order-lines");
        // --- README file source: begin
        CsvSchema orders = CsvSchema.builder("Order")
                .column("id", CsvSchema.Type.LONG)
                .column("customer", CsvSchema.Type.STRING)
                .column("amount", CsvSchema.Type.DOUBLE)
                .build();
        EddyApp app = EddyApp.builder("orders-from-files")
                .bootstrapServers(servers)
                .guarantee(Guarantee.EXACTLY_ONCE)
                .trigger(Trigger.every(Duration.ofMillis(200)))
                .pipeline(p -> p
                        .source("orders", FileSource.builder(dir, FileFormat.csv(orders))
                                .glob("*.csv")                      // new files are picked up as they appear
                                .maxFilesPerBatch(10)
                                .deleteAfterProcessing()            // once the batch that read a file committed
                                .build())
                        .mapValues(order -> order.get("customer") + " paid " + order.get("amount"))
                        .toKafka("order-lines", Produced.with(Serdes.string(), Serdes.string())))
                .build();
        // --- README file source: end
        try (app; ExampleSupport.TopicTail tail = new ExampleSupport.TopicTail(servers, "order-lines")) {
            app.start();
            List<String> seen = new ArrayList<>();
            boolean added = false;
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (seen.size() < 4 && System.nanoTime() < deadline) {
                tail.poll(Duration.ofMillis(200)).forEach(r -> {
                    String line = new String(r.value(), StandardCharsets.UTF_8);
                    System.out.println("order-lines: " + line);
                    seen.add(line);
                });
                if (!added && seen.size() == 3) {
                    Path tmp = dir.resolve(".orders-3.tmp");   // written whole, then moved in
                    Files.writeString(tmp, "id,customer,amount\n4,carol,1\n");
                    Files.move(tmp, dir.resolve("orders-3.csv"));
                    added = true;
                }
            }
            boolean deleted = ExampleSupport.waitUntil(Duration.ofSeconds(10), () -> {
                try (var files = Files.list(dir)) {
                    return files.findAny().isEmpty();
                } catch (IOException e) {
                    return false;
                }
            });
            System.out.println(seen.size() + " lines; input directory " + (deleted ? "emptied" : "not emptied"));
            return seen.size() == 4 && deleted;
        }
    }

    private static boolean rate(String servers) {
        ExampleSupport.createTopics(servers, 1, "ticks");
        // --- README rate source: begin
        EddyApp app = EddyApp.builder("ticks")
                .bootstrapServers(servers)
                .pipeline(p -> p
                        .source("clock", RateSource.perSecond(1_000))     // values 0, 1, 2, ... one per ms
                        .filter((key, n) -> n % 100 == 0)
                        .mapValues(n -> "tick " + n)
                        .toKafka("ticks", Produced.with(Serdes.string(), Serdes.string())))
                .build();
        // --- README rate source: end
        return printUntil(app, servers, "ticks", 10);
    }

    private static boolean socket(String servers) throws IOException {
        ExampleSupport.createTopics(servers, 1, "shouts");
        try (ServerSocket server = new ServerSocket(0)) {
            Thread feeder = new Thread(() -> feed(server), "line-feeder");
            feeder.setDaemon(true);
            feeder.start();
            int port = server.getLocalPort();
            // --- README socket source: begin
            EddyApp app = EddyApp.builder("shouter")
                    .bootstrapServers(servers)
                    .guarantee(Guarantee.EXACTLY_ONCE)
                    .pipeline(p -> p
                            .source("typed", SocketSource.builder("localhost", port)
                                    .acceptAtMostOnce()                   // required under EXACTLY_ONCE
                                    .build())
                            .mapValues(line -> line.toUpperCase(Locale.ROOT))
                            .toKafka("shouts", Produced.with(Serdes.string(), Serdes.string())))
                    .build();
            // --- README socket source: end
            return printUntil(app, servers, "shouts", 5);
        }
    }

    private static void feed(ServerSocket server) {
        try (Socket client = server.accept();
             Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line : List.of("hello", "from", "a", "socket", "server")) {
                out.write(line + "\n");
            }
            out.flush();
            client.getInputStream().read();   // until the application closes the connection
        } catch (IOException e) {
            System.err.println("feeder: " + e);
        }
    }

    private static boolean printUntil(EddyApp app, String servers, String topic, int wanted) {
        try (app; ExampleSupport.TopicTail tail = new ExampleSupport.TopicTail(servers, topic)) {
            app.start();
            int seen = 0;
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (seen < wanted && System.nanoTime() < deadline) {
                for (var r : tail.poll(Duration.ofMillis(200))) {
                    System.out.println(topic + ": " + new String(r.value(), StandardCharsets.UTF_8));
                    seen++;
                }
            }
            return seen >= wanted;
        }
    }
}
