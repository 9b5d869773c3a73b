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
 * cooking, 20 each); see {@code TextClassifierTest} for the pipeline on the test driver.
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
