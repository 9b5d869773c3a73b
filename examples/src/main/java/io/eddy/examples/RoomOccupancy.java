package io.eddy.examples;

import io.eddy.AppState;
import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.learning.Example;
import io.eddy.learning.GaussianNaiveBayes;
import io.eddy.learning.LearningSerdes;
import io.eddy.learning.OnlineLearning;
import io.eddy.learning.Prediction;
import io.eddy.serde.Serdes;
import io.eddy.testkit.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Room occupancy, learned on the stream: each sensor reading of a room (temperature, humidity,
 * light, CO2, and whether someone was in the room, as a badge reader reports it) is first used to
 * predict occupancy, then learned (prequential evaluation), by a Gaussian naive Bayes model kept
 * in a changelogged store.
 *
 * <pre>
 *   room-readings (room → "temperature,humidity,light,co2,occupied")
 *     → parse into a labelled example (features: the four measurements; label: occupied / empty)
 *     → predictThenTrain: Gaussian naive Bayes, one model for all rooms (one shard)
 *     → room-occupancy (room → "occupied p=0.99 model=1234 accuracy=0.97 (actual occupied)")
 *     → the models, once per batch, to the compacted topic room-occupancy-model
 * </pre>
 *
 * <p>Run as a program it starts an embedded broker (unless {@code --bootstrap host:port}), sends
 * {@code --readings} generated readings (default 3000; seeded: a room is occupied about a third
 * of the time, occupied rooms are brighter, warmer and have more CO2, as in the UCI occupancy
 * data), prints a sample of the predictions and the final prequential accuracy:
 *
 * <pre>
 *   mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.RoomOccupancy
 * </pre>
 *
 * Exit code 0 when the final accuracy is at least 0.9, 1 otherwise, 2 for bad arguments.
 */
public final class RoomOccupancy {
    static final String READINGS = "room-readings";
    static final String PREDICTIONS = "room-occupancy";
    static final String APP_ID = "eddy-room-occupancy";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private RoomOccupancy() {
    }

    /** The operators: Gaussian naive Bayes over the four measurements, all rooms in one model. */
    static final OnlineLearning<double[], GaussianNaiveBayes> OCCUPANCY = OnlineLearning
            .builder(GaussianNaiveBayes.learner(4), LearningSerdes.doubles())
            .name("room-occupancy").build();

    /** Defines the pipeline on {@code p}. */
    public static void pipeline(Pipeline p) {
        OCCUPANCY.predictThenTrain(
                        p.kafka(READINGS, Consumed.with(Serdes.string(), Serdes.string()))
                                .mapValues(RoomOccupancy::parse),
                        Serdes.string())
                .mapValues(RoomOccupancy::describe)
                .toKafka(PREDICTIONS, Produced.with(Serdes.string(), Serdes.string()));
    }

    /**
     * Parses {@code "temperature,humidity,light,co2,occupied"} (occupied: 1 or 0).
     *
     * @throws IllegalArgumentException naming the reading if it does not have five numbers
     */
    static Example<double[]> parse(String csv) {
        String[] parts = csv.split(",");
        if (parts.length != 5) {
            throw new IllegalArgumentException("a room reading needs temperature,humidity,light,co2,occupied: " + csv);
        }
        double[] features = new double[4];
        for (int i = 0; i < 4; i++) {
            features[i] = Double.parseDouble(parts[i].strip());
        }
        return Example.of(features, parts[4].strip().equals("1") ? "occupied" : "empty");
    }

    static String describe(Prediction p) {
        return String.format(Locale.ROOT, "%s p=%.2f model=%d accuracy=%.3f (actual %s)",
                p.label() == null ? "unknown" : p.label(), p.score(), p.modelVersion(), p.accuracy(), p.actual());
    }

    /** The final accuracy printed in a prediction line, NaN if none. */
    static double accuracyOf(String line) {
        int at = line.indexOf("accuracy=");
        return at < 0 ? Double.NaN : Double.parseDouble(line.substring(at + 9, line.indexOf(' ', at)));
    }

    /** A seeded generator of readings: about a third of them in an occupied room. */
    static final class Readings {
        private final Random random;

        Readings(long seed) {
            random = new Random(seed);
        }

        String next() {
            boolean occupied = random.nextDouble() < 0.35;
            double temperature = occupied ? 22.4 + 0.7 * random.nextGaussian() : 20.9 + 0.7 * random.nextGaussian();
            double humidity = 26.5 + 3 * random.nextGaussian();
            double light = Math.max(0, occupied ? 460 + 90 * random.nextGaussian() : 30 + 60 * random.nextGaussian());
            double co2 = occupied ? 820 + 180 * random.nextGaussian() : 500 + 80 * random.nextGaussian();
            return String.format(Locale.ROOT, "%.2f,%.2f,%.1f,%.0f,%d", temperature, humidity, light, co2, occupied ? 1 : 0);
        }
    }

    /** What a run printed and measured. */
    record Summary(long sent, long predictions, double finalAccuracy, double progressAccuracy, Throwable failure) {
        boolean correct() {
            return failure == null && predictions == sent && finalAccuracy >= 0.9;
        }
    }

    /** Runs the example with {@code readings} readings; see the class comment. */
    static Summary run(String bootstrapOrNull, int readings, PrintStream out) {
        EmbeddedKafka embedded = null;
        Path stateDir = null;
        try {
            String bootstrap = bootstrapOrNull;
            String suffix = "";
            if (bootstrap == null) {
                out.println("starting an embedded Kafka broker (pass --bootstrap host:port to use your own)");
                embedded = EmbeddedKafka.start();
                bootstrap = embedded.bootstrapServers();
            } else {
                suffix = "-" + Long.toString(System.currentTimeMillis(), 36);
            }
            ExampleSupport.createTopics(bootstrap, 4, READINGS, PREDICTIONS, OCCUPANCY.modelTopic());
            stateDir = ExampleSupport.temporaryStateDir(APP_ID);
            return runPipeline(bootstrap, APP_ID + suffix, readings, stateDir, out);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (stateDir != null) {
                ExampleSupport.deleteRecursively(stateDir);
            }
        }
    }

    private static Summary runPipeline(String bootstrap, String appId, int readings, Path stateDir, PrintStream out) {
        EddyApp app = EddyApp.builder(appId).bootstrapServers(bootstrap).guarantee(Guarantee.EXACTLY_ONCE)
                .threads(2).trigger(Trigger.every(Duration.ofMillis(200))).stateDir(stateDir)
                .pipeline(RoomOccupancy::pipeline).build();
        long received = 0;
        double accuracy = Double.NaN;
        Throwable failure = null;
        try (ExampleSupport.TopicTail tail = new ExampleSupport.TopicTail(bootstrap, PREDICTIONS)) {
            try {
                app.start();
                ExampleSupport.waitUntil(TIMEOUT, () -> app.state() == AppState.RUNNING || app.state().isTerminal());
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                        new StringSerializer(), new StringSerializer())) {
                    Readings generator = new Readings(2026);
                    for (int n = 0; n < readings; n++) {
                        producer.send(new ProducerRecord<>(READINGS, "room-" + (n % 5), generator.next()));
                    }
                }
                out.printf(Locale.ROOT, "sent %,d readings of 5 rooms; predictions (each before the reading is learned):%n",
                        readings);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                long lastVersion = -1;
                while (received < readings && System.nanoTime() < deadline && !app.state().isTerminal()) {
                    for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(200))) {
                        received++;
                        String line = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
                        int at = line.indexOf("model=");
                        long version = Long.parseLong(line.substring(at + 6, line.indexOf(' ', at)));
                        if (version > lastVersion) {
                            lastVersion = version;
                            accuracy = accuracyOf(line);
                        }
                        if (received <= 3 || received % 500 == 0) {
                            out.println("  " + new String(r.key(), java.nio.charset.StandardCharsets.UTF_8) + ": " + line);
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                app.close(Duration.ofSeconds(30));
            }
            if (app.failure().isPresent()) {
                failure = app.failure().get();
            }
        }
        // the running accuracy is also in the progress events, as "<operator>.accuracy"
        String metric = OCCUPANCY.modelKey() + ".accuracy";
        double reported = app.recentProgress().stream().filter(p -> p.operatorMetrics().containsKey(metric))
                .reduce((a, b) -> b).map(p -> p.operatorMetrics().get(metric)).orElse(Double.NaN);
        out.printf(Locale.ROOT, "%,d predictions; prequential accuracy of the latest model: %.3f (progress events: %.3f)%n",
                received, accuracy, reported);
        return new Summary(readings, received, accuracy, reported, failure);
    }

    /** Runs the example; {@code --bootstrap host:port}, {@code --readings n}. */
    public static void main(String[] args) {
        String bootstrap = System.getenv("EDDY_BOOTSTRAP");
        int readings = 3000;
        try {
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--bootstrap" -> bootstrap = value;
                    case "--readings" -> readings = ExampleSupport.positive(args[i], value);
                    default -> throw new IllegalArgumentException("unknown flag " + args[i]
                            + " (flags: --bootstrap host:port, --readings n)");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            ExampleSupport.exit(2);
            return;
        }
        Summary summary = run(bootstrap == null || bootstrap.isBlank() ? null : bootstrap, readings, System.out);
        if (summary.failure() != null) {
            summary.failure().printStackTrace();
        }
        ExampleSupport.exit(summary.correct() ? 0 : 1);
    }
}
