package io.eddy.learning;

import io.eddy.serde.Serde;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Gaussian naive Bayes over dense numeric features, trained one example at a time. Per label it
 * keeps the example count and, per feature, the running mean and sum of squared deviations
 * (Welford's update); merging combines them with the parallel-variance formula, equal to one
 * learner's model up to floating-point rounding (the counts exactly).
 *
 * <p>Prediction: {@code argmax_c log P(c) + sum_i log N(x_i; mean(c,i), var(c,i) + epsilon)} with
 * Laplace smoothing of the priors ({@code (n(c) + 1) / (n + labels)}) and {@code epsilon} = 1e-9
 * times the largest feature variance, so a constant feature does not divide by zero. The score is
 * the posterior probability of the predicted label.
 *
 * <p>Not thread-safe: a model belongs to one task's state at a time.
 */
public final class GaussianNaiveBayes {
    private final int dimensions;
    private final long halfLife;   // 0: no decay
    private final TreeMap<String, LabelStats> labels = new TreeMap<>();
    private long examples;

    private static final class LabelStats {
        long n;
        double weight;   // n without decay; the decayed count of examples with decay
        long decayedAt;  // with decay: the model's example count when weight and m2 were last decayed
        final double[] mean;
        final double[] m2;

        LabelStats(int dimensions) {
            mean = new double[dimensions];
            m2 = new double[dimensions];
        }
    }

    /**
     * A new, untrained model of {@code dimensions} features.
     *
     * @throws IllegalArgumentException if {@code dimensions} is not positive
     */
    public GaussianNaiveBayes(int dimensions) {
        this(dimensions, 0);
    }

    /**
     * A new, untrained model of {@code dimensions} features that forgets: each label's count of
     * examples and sums of squared deviations halve every {@code halfLife} examples the model
     * learns (exponential forgetting, applied lazily when the label next learns; means follow the
     * weighted examples), and the priors use the decayed counts. After a concept drift the model
     * follows the new concept within a few half-lives. Decaying models do not merge.
     *
     * @throws IllegalArgumentException if {@code dimensions} is not positive or {@code halfLife} negative (0: no decay)
     */
    public GaussianNaiveBayes(int dimensions, long halfLife) {
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
        }
        if (halfLife < 0) {
            throw new IllegalArgumentException("halfLife must be 0 (no decay) or positive: " + halfLife);
        }
        this.dimensions = dimensions;
        this.halfLife = halfLife;
    }

    /** The learner over {@code dimensions} numeric features. */
    public static Learner<double[], GaussianNaiveBayes> learner(int dimensions) {
        return learner(dimensions, 0);
    }

    /**
     * The learner over {@code dimensions} numeric features whose models forget with a half-life of
     * {@code halfLife} examples ({@link #GaussianNaiveBayes(int, long)}); 0 for no decay. Decaying
     * models do not merge: train them through one task.
     */
    public static Learner<double[], GaussianNaiveBayes> learner(int dimensions, long halfLife) {
        new GaussianNaiveBayes(dimensions, halfLife);   // validates
        return new Learner<>() {
            public GaussianNaiveBayes newModel() {
                return new GaussianNaiveBayes(dimensions, halfLife);
            }

            public void learn(GaussianNaiveBayes model, double[] features, String label) {
                model.learn(features, label);
            }

            public Scored predict(GaussianNaiveBayes model, double[] features) {
                return model.predict(features);
            }

            public long examples(GaussianNaiveBayes model) {
                return model.examples();
            }

            public boolean mergeable() {
                return halfLife == 0;
            }

            public GaussianNaiveBayes merge(List<GaussianNaiveBayes> models) {
                if (halfLife > 0) {
                    throw new UnsupportedOperationException("decaying naive Bayes models do not merge: train through one task");
                }
                GaussianNaiveBayes merged = new GaussianNaiveBayes(dimensions);
                models.forEach(merged::add);
                return merged;
            }

            public Serde<GaussianNaiveBayes> modelSerde() {
                return serde();
            }

            public String toString() {
                return "GaussianNaiveBayes(dimensions=" + dimensions + (halfLife > 0 ? ", halfLife=" + halfLife : "") + ")";
            }
        };
    }

    /**
     * Learns one example.
     *
     * @throws IllegalArgumentException if {@code features} does not have {@link #dimensions()} values
     */
    public void learn(double[] features, String label) {
        Objects.requireNonNull(label, "label (naive Bayes learns labelled examples only)");
        checkDimensions(features);
        LabelStats s = labels.computeIfAbsent(label, l -> new LabelStats(dimensions));
        if (halfLife > 0) {
            decay(s);
        }
        s.n++;
        s.weight++;
        for (int i = 0; i < dimensions; i++) {
            double delta = features[i] - s.mean[i];
            s.mean[i] += delta / s.weight;
            s.m2[i] += delta * (features[i] - s.mean[i]);
        }
        examples++;
    }

    /** Brings the label's weight and squared deviations to the current example count. */
    private void decay(LabelStats s) {
        long age = examples - s.decayedAt;
        s.decayedAt = examples;
        if (age > 0) {
            double f = Math.pow(0.5, (double) age / halfLife);
            s.weight *= f;
            for (int i = 0; i < dimensions; i++) {
                s.m2[i] *= f;
            }
        }
    }

    /** The label's weight as of now (decayed, without changing the model). */
    private double weightNow(LabelStats s) {
        return halfLife == 0 ? s.weight : s.weight * Math.pow(0.5, (double) (examples - s.decayedAt) / halfLife);
    }

    /** The most probable label of {@code features} and its posterior probability. */
    public Learner.Scored predict(double[] features) {
        checkDimensions(features);
        if (examples == 0) {
            return Learner.Scored.NONE;
        }
        double maxVariance = 0;
        for (LabelStats s : labels.values()) {
            for (int i = 0; i < dimensions; i++) {
                maxVariance = Math.max(maxVariance, s.m2[i] / s.weight);
            }
        }
        double epsilon = Math.max(1e-9 * maxVariance, 1e-12);
        double[] logs = new double[labels.size()];
        String best = null;
        double bestLog = Double.NEGATIVE_INFINITY;
        int j = 0;
        double total = 0;
        for (LabelStats s : labels.values()) {
            total += weightNow(s);
        }
        for (Map.Entry<String, LabelStats> e : labels.entrySet()) {
            LabelStats s = e.getValue();
            double log = Math.log((weightNow(s) + 1.0) / (total + labels.size()));
            for (int i = 0; i < dimensions; i++) {
                double variance = s.m2[i] / s.weight + epsilon;
                double d = features[i] - s.mean[i];
                log += -0.5 * Math.log(2 * Math.PI * variance) - d * d / (2 * variance);
            }
            logs[j++] = log;
            if (log > bestLog) {
                bestLog = log;
                best = e.getKey();
            }
        }
        return new Learner.Scored(best, MultinomialNaiveBayes.posterior(logs, bestLog));
    }

    /** Adds {@code other}'s statistics to this model's (Chan et al.'s pairwise update). */
    public void add(GaussianNaiveBayes other) {
        if (other.dimensions != dimensions) {
            throw new IllegalArgumentException("cannot merge models of " + dimensions + " and "
                    + other.dimensions + " dimensions");
        }
        if (halfLife > 0 || other.halfLife > 0) {
            throw new IllegalArgumentException("decaying naive Bayes models do not merge: train through one task");
        }
        other.labels.forEach((label, theirs) -> {
            LabelStats mine = labels.computeIfAbsent(label, l -> new LabelStats(dimensions));
            long n = mine.n + theirs.n;
            for (int i = 0; i < dimensions; i++) {
                double delta = theirs.mean[i] - mine.mean[i];
                mine.m2[i] += theirs.m2[i] + delta * delta * mine.n * theirs.n / n;
                mine.mean[i] += delta * theirs.n / n;
            }
            mine.n = n;
            mine.weight = n;
        });
        examples += other.examples;
    }

    private void checkDimensions(double[] features) {
        if (features.length != dimensions) {
            throw new IllegalArgumentException("expected " + dimensions + " features, got " + features.length);
        }
    }

    /** The number of features. */
    public int dimensions() {
        return dimensions;
    }

    /** The number of examples learned. */
    public long examples() {
        return examples;
    }

    /** The number of examples learned with {@code label}. */
    public long examples(String label) {
        LabelStats s = labels.get(label);
        return s == null ? 0 : s.n;
    }

    /** The mean of feature {@code i} among the examples of {@code label}, NaN if none. */
    public double mean(String label, int i) {
        LabelStats s = labels.get(label);
        return s == null ? Double.NaN : s.mean[i];
    }

    /** The (population) variance of feature {@code i} among the examples of {@code label}, NaN if none. */
    public double variance(String label, int i) {
        LabelStats s = labels.get(label);
        return s == null ? Double.NaN : s.m2[i] / s.weight;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GaussianNaiveBayes g) || g.dimensions != dimensions || g.examples != examples
                || g.halfLife != halfLife
                || !g.labels.keySet().equals(labels.keySet())) {
            return false;
        }
        for (Map.Entry<String, LabelStats> e : labels.entrySet()) {
            LabelStats a = e.getValue();
            LabelStats b = g.labels.get(e.getKey());
            if (a.n != b.n || Double.compare(a.weight, b.weight) != 0 || !Arrays.equals(a.mean, b.mean)
                    || !Arrays.equals(a.m2, b.m2)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dimensions, examples, labels.keySet());
    }

    @Override
    public String toString() {
        return "GaussianNaiveBayes{dimensions=" + dimensions + ", examples=" + examples + ", labels=" + labels.keySet() + "}";
    }

    /** The binary serde of these models (format byte 0x72). */
    public static Serde<GaussianNaiveBayes> serde() {
        return new BinarySerde<>("Gaussian naive Bayes model", 0x72, (out, m) -> {
            out.writeInt(m.dimensions);
            out.writeLong(m.examples);
            out.writeInt(m.labels.size());
            for (Map.Entry<String, LabelStats> e : m.labels.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().n);
                for (int i = 0; i < m.dimensions; i++) {
                    out.writeDouble(e.getValue().mean[i]);
                    out.writeDouble(e.getValue().m2[i]);
                }
            }
            if (m.halfLife > 0) {   // a trailer, absent from models without decay (the format before decay existed)
                out.writeLong(m.halfLife);
                for (LabelStats s : m.labels.values()) {
                    out.writeDouble(s.weight);
                    out.writeLong(s.decayedAt);
                }
            }
        }, GaussianNaiveBayes::read);
    }

    private static GaussianNaiveBayes read(DataInputStream in) throws IOException {
        int dimensions = in.readInt();
        long examples = in.readLong();
        TreeMap<String, LabelStats> labels = new TreeMap<>();
        int n = in.readInt();
        for (int j = 0; j < n; j++) {
            LabelStats s = new LabelStats(dimensions);
            labels.put(in.readUTF(), s);
            s.n = in.readLong();
            s.weight = s.n;
            for (int i = 0; i < dimensions; i++) {
                s.mean[i] = in.readDouble();
                s.m2[i] = in.readDouble();
            }
        }
        long halfLife = 0;
        if (in.available() > 0) {
            halfLife = in.readLong();
            for (LabelStats s : labels.values()) {
                s.weight = in.readDouble();
                s.decayedAt = in.readLong();
            }
        }
        GaussianNaiveBayes m = new GaussianNaiveBayes(dimensions, halfLife);
        m.examples = examples;
        m.labels.putAll(labels);
        return m;
    }
}
