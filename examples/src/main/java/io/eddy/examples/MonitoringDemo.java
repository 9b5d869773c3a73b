package io.eddy.examples;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.OutputMode;
import io.eddy.dsl.Produced;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedSerde;
import io.eddy.monitoring.MonitoringServer;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The demo with {@code --monitor}: the same page-view feed into a stateful, windowed pipeline (views
 * per URL per 5 seconds of event time, emitted when each window closes), with the monitoring web UI;
 * it prints the UI's URL and runs until {@code --seconds} (default 600) pass or the process is
 * stopped.
 *
 * <pre>
 *   mvn -B -q -pl examples exec:java -Dexec.args="--monitor"
 *   mvn -B -q -pl examples exec:java -Dexec.args="--monitor --port 4040 --seconds 120 --rate 20000"
 * </pre>
 */
public final class MonitoringDemo {
    static final String APP_ID = "eddy-monitoring-demo";
    static final String OUTPUT = "views-per-url";
    /** The UI's default port (the Spark UI's). */
    static final int DEFAULT_PORT = 4040;

    private MonitoringDemo() {
    }

    /** Runs the demo from {@link Demo#main} when {@code --monitor} is given; {@code args} without it. */
    static void main(String[] args, Consumer<Integer> exit) {
        int port = DEFAULT_PORT;
        boolean secondsGiven = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                try {
                    port = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    System.err.println("--port needs a port number, got '" + args[i] + "'");
                    exit.accept(2);
                    return;
                }
            } else {
                secondsGiven |= args[i].equals("--seconds");
                rest.add(args[i]);
            }
        }
        Demo.Options options;
        try {
            options = Demo.Options.parse(rest.toArray(String[]::new), System.getenv("EDDY_BOOTSTRAP"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: Demo --monitor [--port N] [--bootstrap host:port] [--seconds N] [--rate views/s] "
                    + "[--threads N] [--batch-ms N]");
            exit.accept(e.getMessage().equals("help") ? 0 : 2);
            return;
        }
        if (!secondsGiven) {
            options = new Demo.Options(options.bootstrapServers(), Duration.ofSeconds(600), options.recordsPerSecond(),
                    options.threads(), Duration.ofMillis(200), options.out());
        }
        try {
            run(options, port, url -> { });
            exit.accept(0);
        } catch (RuntimeException e) {
            System.err.println("monitoring demo failed: " + e);
            exit.accept(1);
        }
    }

    /**
     * Runs the demo for {@link Demo.Options#duration()}; {@code started} is told the UI's URL once
     * the application runs. Starts and closes its own broker when no bootstrap servers are given.
     *
     * @param port the UI's port; 0 for any free port
     */
    public static void run(Demo.Options options, int port, Consumer<URI> started) {
        PrintStream out = options.out();
        EmbeddedKafka embedded = null;
        Path stateDir = null;
        try {
            String bootstrap = options.bootstrapServers();
            String suffix = "";
            if (bootstrap == null) {
                out.println("starting an embedded Kafka broker (pass --bootstrap host:port to use your own)");
                embedded = EmbeddedKafka.start();
                bootstrap = embedded.bootstrapServers();
            } else {
                suffix = "-" + Long.toString(System.currentTimeMillis(), 36);
            }
            String input = Demo.INPUT + suffix;
            String output = OUTPUT + suffix;
            ExampleSupport.createTopics(bootstrap, Demo.PARTITIONS, input, output);
            stateDir = Files.createTempDirectory("eddy-monitoring-demo");
            EddyApp app = EddyApp.builder(APP_ID + suffix)
                    .bootstrapServers(bootstrap)
                    .guarantee(Guarantee.EXACTLY_ONCE)
                    .threads(options.threads())
                    .trigger(Trigger.every(options.batchInterval()))
                    .stateDir(stateDir)
                    .pipeline(p -> p.kafka(input, Consumed.with(Serdes.string(), Serdes.string()))
                            .mapValues(PageView::parse).named("parse")
                            .withEventTime(PageView::timestamp, Duration.ofSeconds(1))
                            .mapValues(view -> view.normalised().url()).named("url")
                            .groupBy((user, url) -> url, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-url"))
                            .window(TumblingWindows.of(Duration.ofSeconds(5)))
                            .count(Named.as("views-per-url"))
                            .emit(OutputMode.FINAL)
                            .toKafka(output, Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs())))
                    .build();
            PageViewFeed feed = new PageViewFeed(bootstrap, input, options.recordsPerSecond());
            MonitoringServer server = null;
            try {
                app.start();
                server = startServer(app, port, out);
                feed.start();
                out.println();
                out.println("  monitoring UI:  " + server.url());
                out.println("  (JSON: " + server.url() + "status, " + server.url() + "progress; Prometheus: "
                        + server.url() + "metrics)");
                out.println();
                out.printf(Locale.ROOT, "feeding %s at %,d views/s for %d s into a windowed count per URL; "
                        + "stop with Ctrl-C%n", input, options.recordsPerSecond(), options.duration().toSeconds());
                started.accept(server.url());
                long deadline = System.nanoTime() + options.duration().toNanos();
                while (System.nanoTime() < deadline && !app.state().isTerminal() && feed.failure() == null) {
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                }
            } finally {
                feed.stop();
                app.close(Duration.ofSeconds(30));
                if (server != null) {
                    server.close();
                }
            }
            if (app.failure().isPresent()) {
                throw new IllegalStateException("the application failed", app.failure().get());
            }
            out.printf(Locale.ROOT, "done: %,d views fed, %s%n", feed.produced(), app.metrics());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** The UI on {@code port}, or on any free port if that one is taken. */
    private static MonitoringServer startServer(EddyApp app, int port, PrintStream out) {
        try {
            return MonitoringServer.builder(app).port(port).build().start();
        } catch (java.io.UncheckedIOException e) {
            out.println("port " + port + " is taken (" + e.getMessage() + "); using a free port");
            return MonitoringServer.builder(app).port(0).build().start();
        }
    }

}
