package io.eddy.examples;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Pipeline;
import io.eddy.dsl.Produced;
import io.eddy.learning.Example;
import io.eddy.learning.LearningSerdes;
import io.eddy.learning.MultinomialNaiveBayes;
import io.eddy.learning.OnlineLearning;
import io.eddy.learning.Prediction;
import io.eddy.serde.Serdes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small text classifier trained and applied on the stream: multinomial naive Bayes with Laplace
 * smoothing over the words of short texts, trained by two shards whose counts are merged and
 * published to a compacted model topic, which a global table reads back to label unlabelled texts.
 *
 * <pre>
 *   labelled-texts (id → "label&lt;TAB&gt;text")
 *     → words (lower case, letters only, 3 letters or more) → labelled example
 *     → train: 2 shards, counts merged once per batch → text-topics-model (compacted)
 *   texts (id → text) → words
 *     → predict with the latest model of text-topics-model (a global table)
 *     → text-labels (id → "weather p=0.97 model=45")
 * </pre>
 *
 * <p>The labelled texts ship with the examples ({@code short-texts.tsv}: sport, weather and
 * cooking, 20 each); see {@code TextClassifierTest} for the pipeline on the test driver. Run as a
 * program it starts an embedded broker (unless {@code --bootstrap host:port}), sends the labelled
 * texts, waits for the model that learned them all on the model topic, then labels three new
 * texts (sending a text again while the global table still holds an older model):
 *
 * <pre>
 *   mvn -B -q -pl examples exec:java -Dexec.mainClass=io.eddy.examples.TextClassifier
 * </pre>
 *
 * Exit code 0 when the three texts get their expected labels, 1 otherwise.
 */
public final class TextClassifier {
    static final String LABELLED = "labelled-texts";
    static final String TEXTS = "texts";
    static final String LABELS = "text-labels";

    private TextClassifier() {
    }

    /** The operators: multinomial naive Bayes, add-one smoothing, two shards merged. */
    static final OnlineLearning<List<String>, MultinomialNaiveBayes> TOPICS = OnlineLearning
            .builder(MultinomialNaiveBayes.learner(1.0), LearningSerdes.tokens())
            .name("text-topics").shards(2).build();

    /** Defines the pipeline on {@code p}. */
    public static void pipeline(Pipeline p) {
        TOPICS.train(p.kafka(LABELLED, Consumed.with(Serdes.string(), Serdes.string()))
                .mapValues(TextClassifier::parseLabelled));
        TOPICS.predict(p, p.kafka(TEXTS, Consumed.with(Serdes.string(), Serdes.string())).mapValues(TextClassifier::words))
                .mapValues(TextClassifier::describe)
                .toKafka(LABELS, Produced.with(Serdes.string(), Serdes.string()));
    }

    /** The words of {@code text}: lower case, runs of letters, at least 3 letters long. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
            if (w.length() >= 3) {
                words.add(w);
            }
        }
        return words;
    }

    /**
     * Parses {@code "label<TAB>text"}.
     *
     * @throws IllegalArgumentException if there is no tab
     */
    static Example<List<String>> parseLabelled(String line) {
        int tab = line.indexOf('\t');
        if (tab <= 0) {
            throw new IllegalArgumentException("a labelled text needs label<TAB>text: " + line);
        }
        return Example.of(words(line.substring(tab + 1)), line.substring(0, tab));
    }

    static String describe(Prediction p) {
        return String.format(Locale.ROOT, "%s p=%.2f model=%d", p.label() == null ? "unknown" : p.label(),
                p.score(), p.modelVersion());
    }

    /** New texts and the labels they should get. */
    static final java.util.Map<String, String> NEW_TEXTS = java.util.Map.of(
            "Rain and wind tonight with snow on the hills", "weather",
            "The team scored a late goal to win the cup", "sport",
            "Bake the cake with butter sugar and eggs", "cooking");

    /** What a run labelled: text → label line; and a failure, if any. */
    record Summary(java.util.Map<String, String> labels, Throwable failure) {
        boolean correct() {
            return failure == null && NEW_TEXTS.entrySet().stream().allMatch(e -> {
                String line = labels.get(e.getKey());
                return line != null && line.startsWith(e.getValue() + " ");
            });
        }
    }

    /** Runs the example; see the class comment. */
    static Summary run(String bootstrapOrNull, java.io.PrintStream out) {
        io.eddy.testkit.kafka.EmbeddedKafka embedded = null;
        java.nio.file.Path stateDir = null;
        try {
            String bootstrap = bootstrapOrNull;
            String suffix = "";
            if (bootstrap == null) {
                out.println("starting an embedded Kafka broker (pass --bootstrap host:port to use your own)");
                embedded = io.eddy.testkit.kafka.EmbeddedKafka.start();
                bootstrap = embedded.bootstrapServers();
            } else {
                suffix = "-" + Long.toString(System.currentTimeMillis(), 36);
            }
            ExampleSupport.createTopics(bootstrap, 4, LABELLED, TEXTS, LABELS, TOPICS.modelTopic());
            stateDir = ExampleSupport.temporaryStateDir("eddy-text-classifier");
            return runPipeline(bootstrap, "eddy-text-classifier" + suffix, stateDir, out);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (stateDir != null) {
                ExampleSupport.deleteRecursively(stateDir);
            }
        }
    }

    private static Summary runPipeline(String bootstrap, String appId, java.nio.file.Path stateDir, java.io.PrintStream out) {
        java.time.Duration timeout = java.time.Duration.ofSeconds(90);
        io.eddy.EddyApp app = io.eddy.EddyApp.builder(appId).bootstrapServers(bootstrap)
                .guarantee(io.eddy.Guarantee.EXACTLY_ONCE).threads(2)
                .trigger(io.eddy.Trigger.every(java.time.Duration.ofMillis(200))).stateDir(stateDir)
                .pipeline(TextClassifier::pipeline).build();
        java.util.Map<String, String> labels = new java.util.TreeMap<>();
        Throwable failure = null;
        List<String> labelled = shippedTexts();
        try (ExampleSupport.TopicTail models = new ExampleSupport.TopicTail(bootstrap, TOPICS.modelTopic());
             ExampleSupport.TopicTail results = new ExampleSupport.TopicTail(bootstrap, LABELS);
             org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(java.util.Map.of(
                             org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                             new org.apache.kafka.common.serialization.StringSerializer(),
                             new org.apache.kafka.common.serialization.StringSerializer())) {
            try {
                app.start();
                for (int i = 0; i < labelled.size(); i++) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(LABELLED, "t" + i, labelled.get(i)));
                }
                producer.flush();
                out.printf(Locale.ROOT, "sent %d labelled texts; waiting for the model that learned them all%n", labelled.size());
                long[] learned = {0};
                boolean trained = ExampleSupport.waitUntil(timeout, () -> {
                    for (var r : models.poll(java.time.Duration.ofMillis(200))) {
                        learned[0] = Math.max(learned[0], MultinomialNaiveBayes.serde().deserialize(TOPICS.modelTopic(),
                                r.value()).examples());
                    }
                    return learned[0] >= labelled.size();
                });
                if (!trained) {
                    throw new IllegalStateException("no model with " + labelled.size() + " examples after " + timeout
                            + " (the latest learned " + learned[0] + ")");
                }
                out.printf(Locale.ROOT, "model %d published to %s; labelling new texts:%n", learned[0], TOPICS.modelTopic());
                long deadline = System.nanoTime() + timeout.toNanos();
                while (labels.size() < NEW_TEXTS.size() && System.nanoTime() < deadline) {
                    for (String text : NEW_TEXTS.keySet()) {
                        if (!labels.containsKey(text)) {
                            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TEXTS, text, text));
                        }
                    }
                    producer.flush();
                    for (var r : results.poll(java.time.Duration.ofMillis(500))) {
                        String text = new String(r.key(), StandardCharsets.UTF_8);
                        String line = new String(r.value(), StandardCharsets.UTF_8);
                        if (line.endsWith("model=" + labelled.size())) {   // an older model: ask again
                            labels.putIfAbsent(text, line);
                        }
                    }
                }
                labels.forEach((text, line) -> out.printf(Locale.ROOT, "  %-48s -> %s%n", text, line));
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                app.close(java.time.Duration.ofSeconds(30));
            }
            if (app.failure().isPresent()) {
                failure = app.failure().get();
            }
        }
        return new Summary(labels, failure);
    }

    /** Runs the example; {@code --bootstrap host:port}. */
    public static void main(String[] args) {
        String bootstrap = System.getenv("EDDY_BOOTSTRAP");
        if (args.length == 2 && args[0].equals("--bootstrap")) {
            bootstrap = args[1];
        } else if (args.length != 0) {
            System.err.println("flags: --bootstrap host:port");
            ExampleSupport.exit(2);
            return;
        }
        Summary summary = run(bootstrap == null || bootstrap.isBlank() ? null : bootstrap, System.out);
        if (summary.failure() != null) {
            summary.failure().printStackTrace();
        }
        ExampleSupport.exit(summary.correct() ? 0 : 1);
    }

    /** The shipped labelled texts, as {@code "label<TAB>text"} lines. */
    static List<String> shippedTexts() {
        try (InputStream in = TextClassifier.class.getResourceAsStream("short-texts.tsv")) {
            if (in == null) {
                throw new IllegalStateException("short-texts.tsv is missing from the class path");
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        lines.add(line);
                    }
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
