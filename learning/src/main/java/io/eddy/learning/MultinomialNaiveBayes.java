package io.eddy.learning;

import io.eddy.serde.Serde;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Multinomial naive Bayes over token counts (text), trained one example at a time. The model is
 * nothing but counts (examples per label, each token's occurrences per label, tokens per label,
 * the vocabulary), so merging models adds counts and gives exactly the model one learner would
 * have built from all the examples, in any order.
 *
 * <p>Prediction: {@code argmax_c log P(c) + sum_t n(t) log((count(c,t) + alpha) / (tokens(c) + alpha |V|))}
 * with Laplace (add-alpha) smoothing; tokens never seen in training are ignored. The score is the
 * posterior probability of the predicted label.
 *
 * <p>Not thread-safe: a model belongs to one task's state at a time.
 */
public final class MultinomialNaiveBayes {
    private final TreeMap<String, Long> examplesPerLabel = new TreeMap<>();
    private final TreeMap<String, Long> tokensPerLabel = new TreeMap<>();
    private final TreeMap<String, TreeMap<String, Long>> tokenCounts = new TreeMap<>();
    private final TreeMap<String, Long> vocabulary = new TreeMap<>();
    private long examples;

    /** A new, untrained model. */
    public MultinomialNaiveBayes() {
    }

    /**
     * The learner over token lists, with add-{@code alpha} smoothing.
     *
     * @param alpha the smoothing pseudo-count, 1 for Laplace smoothing
     * @throws IllegalArgumentException if {@code alpha} is not positive
     */
    public static Learner<List<String>, MultinomialNaiveBayes> learner(double alpha) {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("alpha must be positive: " + alpha);
        }
        return new Learner<>() {
            public MultinomialNaiveBayes newModel() {
                return new MultinomialNaiveBayes();
            }

            public void learn(MultinomialNaiveBayes model, List<String> tokens, String label) {
                model.learn(tokens, label);
            }

            public Scored predict(MultinomialNaiveBayes model, List<String> tokens) {
                return model.predict(tokens, alpha);
            }

            public long examples(MultinomialNaiveBayes model) {
                return model.examples();
            }

            public boolean mergeable() {
                return true;
            }

            public MultinomialNaiveBayes merge(List<MultinomialNaiveBayes> models) {
                MultinomialNaiveBayes merged = new MultinomialNaiveBayes();
                models.forEach(merged::add);
                return merged;
            }

            public Serde<MultinomialNaiveBayes> modelSerde() {
                return serde();
            }

            public String toString() {
                return "MultinomialNaiveBayes(alpha=" + alpha + ")";
            }
        };
    }

    /**
     * Counts one example.
     *
     * @throws NullPointerException if {@code tokens}, a token or {@code label} is null
     */
    public void learn(List<String> tokens, String label) {
        Objects.requireNonNull(label, "label (naive Bayes learns labelled examples only)");
        examplesPerLabel.merge(label, 1L, Long::sum);
        TreeMap<String, Long> counts = tokenCounts.computeIfAbsent(label, l -> new TreeMap<>());
        for (String token : tokens) {
            Objects.requireNonNull(token, "token");
            counts.merge(token, 1L, Long::sum);
            vocabulary.merge(token, 1L, Long::sum);
        }
        tokensPerLabel.merge(label, (long) tokens.size(), Long::sum);
        examples++;
    }

    /** The most probable label of {@code tokens} and its posterior probability. */
    public Learner.Scored predict(List<String> tokens, double alpha) {
        if (examples == 0) {
            return Learner.Scored.NONE;
        }
        Map<String, Integer> occurrences = new HashMap<>();
        for (String token : tokens) {
            if (vocabulary.containsKey(token)) {
                occurrences.merge(token, 1, Integer::sum);
            }
        }
        double vocabularySize = vocabulary.size();
        String best = null;
        double bestLog = Double.NEGATIVE_INFINITY;
        double[] logs = new double[examplesPerLabel.size()];
        int i = 0;
        for (Map.Entry<String, Long> label : examplesPerLabel.entrySet()) {
            TreeMap<String, Long> counts = tokenCounts.get(label.getKey());
            double denominator = Math.log(tokensPerLabel.get(label.getKey()) + alpha * vocabularySize);
            double log = Math.log((double) label.getValue() / examples);
            for (Map.Entry<String, Integer> o : occurrences.entrySet()) {
                long c = counts.getOrDefault(o.getKey(), 0L);
                log += o.getValue() * (Math.log(c + alpha) - denominator);
            }
            logs[i++] = log;
            if (log > bestLog) {
                bestLog = log;
                best = label.getKey();
            }
        }
        return new Learner.Scored(best, posterior(logs, bestLog));
    }

    /** exp(best) / sum exp(log), computed without overflow. */
    static double posterior(double[] logs, double best) {
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - best);
        }
        return 1 / sum;
    }

    /** Adds {@code other}'s counts to this model's. */
    public void add(MultinomialNaiveBayes other) {
        other.examplesPerLabel.forEach((k, v) -> examplesPerLabel.merge(k, v, Long::sum));
        other.tokensPerLabel.forEach((k, v) -> tokensPerLabel.merge(k, v, Long::sum));
        other.vocabulary.forEach((k, v) -> vocabulary.merge(k, v, Long::sum));
        other.tokenCounts.forEach((label, counts) -> {
            TreeMap<String, Long> mine = tokenCounts.computeIfAbsent(label, l -> new TreeMap<>());
            counts.forEach((k, v) -> mine.merge(k, v, Long::sum));
        });
        examples += other.examples;
    }

    /** The number of examples learned. */
    public long examples() {
        return examples;
    }

    /** The number of examples learned with {@code label}. */
    public long examples(String label) {
        return examplesPerLabel.getOrDefault(label, 0L);
    }

    /** The number of distinct tokens seen. */
    public int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultinomialNaiveBayes m && examples == m.examples
                && examplesPerLabel.equals(m.examplesPerLabel) && tokensPerLabel.equals(m.tokensPerLabel)
                && tokenCounts.equals(m.tokenCounts) && vocabulary.equals(m.vocabulary);
    }

    @Override
    public int hashCode() {
        return Objects.hash(examples, examplesPerLabel, tokenCounts);
    }

    @Override
    public String toString() {
        return "MultinomialNaiveBayes{examples=" + examples + ", labels=" + examplesPerLabel
                + ", vocabulary=" + vocabulary.size() + "}";
    }

    /** The binary serde of these models (format byte 0x71). */
    public static Serde<MultinomialNaiveBayes> serde() {
        return new BinarySerde<>("multinomial naive Bayes model", 0x71, MultinomialNaiveBayes::write,
                MultinomialNaiveBayes::read);
    }

    private static void write(DataOutputStream out, MultinomialNaiveBayes m) throws IOException {
        out.writeLong(m.examples);
        writeCounts(out, m.examplesPerLabel);
        writeCounts(out, m.tokensPerLabel);
        writeCounts(out, m.vocabulary);
        out.writeInt(m.tokenCounts.size());
        for (Map.Entry<String, TreeMap<String, Long>> e : m.tokenCounts.entrySet()) {
            out.writeUTF(e.getKey());
            writeCounts(out, e.getValue());
        }
    }

    private static MultinomialNaiveBayes read(DataInputStream in) throws IOException {
        MultinomialNaiveBayes m = new MultinomialNaiveBayes();
        m.examples = in.readLong();
        readCounts(in, m.examplesPerLabel);
        readCounts(in, m.tokensPerLabel);
        readCounts(in, m.vocabulary);
        int labels = in.readInt();
        for (int i = 0; i < labels; i++) {
            String label = in.readUTF();
            readCounts(in, m.tokenCounts.computeIfAbsent(label, l -> new TreeMap<>()));
        }
        return m;
    }

    private static void writeCounts(DataOutputStream out, TreeMap<String, Long> counts) throws IOException {
        out.writeInt(counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static void readCounts(DataInputStream in, TreeMap<String, Long> into) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            into.put(in.readUTF(), in.readLong());
        }
    }
}
