package io.eddy.learning;

import io.eddy.serde.Serde;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Streaming k-means with forgetting, trained one point at a time.
 *
 * <p>Design. Each cluster has a centre and a weight. Before each point, every weight is multiplied
 * by the decay factor {@code lambda} (0.5^(1 / half-life), per example, so the result does not
 * depend on how the stream is cut into batches); the point then joins its nearest centre, whose
 * weight grows by one and which moves towards the point by {@code 1 / weight}. With
 * {@code lambda = 1} each centre is the mean of all its points; with a half-life of h examples, a
 * point's influence halves every h examples, so the centres follow data that drift.
 *
 * <p>Initial centres are either given ({@link #fromCentres}) or chosen at random with a seed: the
 * first {@code initialSample} points are buffered, k-means++ seeding (driven by the seed) picks k
 * of them, and a few Lloyd iterations over the sample refine them; until then the model predicts
 * nothing.
 *
 * <p>Dying clusters: when a cluster's weight falls below 1e-8 of the largest one (it has received
 * no points for a long time), it is dropped and the largest cluster is split in two, each half
 * with half the weight and nudged apart by a seeded random direction, so k clusters keep covering
 * the data.
 *
 * <p>Merging (for a single logical model trained on several tasks) adds the weighted sums of
 * matched clusters: each model's clusters are matched greedily to the nearest centres of the
 * heaviest model, so it is meaningful when the tasks' models describe the same clusters (the same
 * given initial centres, or well-separated data). Not exact in floating point.
 *
 * <p>Not thread-safe: a model belongs to one task's state at a time.
 */
public final class StreamingKMeans {
    private static final double DYING_FRACTION = 1e-8;
    private static final int LLOYD_ITERATIONS = 10;

    private final int k;
    private final int dimensions;
    private final double decay;
    private final long seed;
    private final int initialSample;
    private double[][] centres;   // null until initialized
    private double[] weights;
    private final List<double[]> sample = new ArrayList<>();
    private long examples;
    private long splits;

    private StreamingKMeans(int k, int dimensions, double decay, long seed, int initialSample) {
        this.k = k;
        this.dimensions = dimensions;
        this.decay = decay;
        this.seed = seed;
        this.initialSample = initialSample;
    }

    /**
     * The configuration of a k-means learner.
     *
     * @param k             the number of clusters, at least 1
     * @param dimensions    the number of features, at least 1
     * @param halfLife      the number of examples after which a point's weight has halved;
     *                      {@code Double.POSITIVE_INFINITY} for no forgetting
     * @param seed          drives the random initial centres and the splits of dying clusters
     * @param initialSample how many points to buffer before choosing random initial centres
     *                      (at least k); ignored by {@link #fromCentres}
     */
    public record Config(int k, int dimensions, double halfLife, long seed, int initialSample) {
        /**
         * @throws IllegalArgumentException naming the bad parameter
         */
        public Config {
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1: " + k);
            }
            if (dimensions < 1) {
                throw new IllegalArgumentException("dimensions must be at least 1: " + dimensions);
            }
            if (!(halfLife > 0)) {
                throw new IllegalArgumentException("halfLife must be positive (infinite for no decay): " + halfLife);
            }
            if (initialSample < k) {
                throw new IllegalArgumentException("initialSample must be at least k=" + k + ": " + initialSample);
            }
        }

        /** k clusters, no forgetting, seed 0, an initial sample of 20 k points. */
        public static Config of(int k, int dimensions) {
            return new Config(k, dimensions, Double.POSITIVE_INFINITY, 0, 20 * k);
        }

        /** The same with a half-life in examples. */
        public Config withHalfLife(double examples) {
            return new Config(k, dimensions, examples, seed, initialSample);
        }

        /** The same with another seed. */
        public Config withSeed(long newSeed) {
            return new Config(k, dimensions, halfLife, newSeed, initialSample);
        }

        /** The per-example decay factor, 0.5^(1 / half-life). */
        public double decayFactor() {
            return Double.isInfinite(halfLife) ? 1.0 : Math.pow(0.5, 1.0 / halfLife);
        }
    }

    /** A new model with random initial centres, chosen once {@code config.initialSample()} points are seen. */
    public static StreamingKMeans create(Config config) {
        return new StreamingKMeans(config.k(), config.dimensions(), config.decayFactor(), config.seed(),
                config.initialSample());
    }

    /**
     * A model with given centres (trained offline, for instance), each of weight {@code weight}.
     *
     * @param centres  k centres of equal dimension
     * @param weight   the weight of each centre (how many points it stands for), positive
     * @param halfLife forgetting for further training; infinite for none
     * @throws IllegalArgumentException if there are no centres or their dimensions differ
     */
    public static StreamingKMeans fromCentres(double[][] centres, double weight, double halfLife, long seed) {
        Config config = new Config(centres.length, centres.length == 0 ? 0 : centres[0].length, halfLife, seed,
                centres.length);
        if (!(weight > 0)) {
            throw new IllegalArgumentException("weight must be positive: " + weight);
        }
        StreamingKMeans m = create(config);
        m.centres = new double[centres.length][];
        for (int i = 0; i < centres.length; i++) {
            if (centres[i].length != config.dimensions()) {
                throw new IllegalArgumentException("centre " + i + " has " + centres[i].length
                        + " dimensions, centre 0 has " + config.dimensions());
            }
            m.centres[i] = centres[i].clone();
        }
        m.weights = new double[centres.length];
        Arrays.fill(m.weights, weight);
        return m;
    }

    /**
     * Reads centres from a CSV file, one centre per line, coordinates separated by commas; blank
     * lines and lines starting with {@code #} are skipped. See {@link #fromCentres}.
     *
     * @throws IllegalArgumentException naming the file and line of a bad number
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static StreamingKMeans fromCsv(Path file, double weight, double halfLife, long seed) {
        List<double[]> centres = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read k-means centres from " + file, e);
        }
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(",");
            double[] c = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    c[i] = Double.parseDouble(parts[i].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + (n + 1) + ": not a number: " + parts[i]);
                }
            }
            centres.add(c);
        }
        return fromCentres(centres.toArray(double[][]::new), weight, halfLife, seed);
    }

    /** The learner of {@code config}; labels are ignored, the predicted label is the cluster index. */
    public static Learner<double[], StreamingKMeans> learner(Config config) {
        Objects.requireNonNull(config, "config");
        return learner(() -> create(config), config.toString());
    }

    /** The learner that starts from (a copy of) {@code initial}, for instance centres trained offline. */
    public static Learner<double[], StreamingKMeans> learner(StreamingKMeans initial) {
        byte[] bytes = serde().serialize("", initial);
        return learner(() -> serde().deserialize("", bytes), "from " + initial);
    }

    private static Learner<double[], StreamingKMeans> learner(java.util.function.Supplier<StreamingKMeans> models,
                                                              String description) {
        return new Learner<>() {
            public StreamingKMeans newModel() {
                return models.get();
            }

            public void learn(StreamingKMeans model, double[] features, String label) {
                model.learn(features);
            }

            @Override
            public boolean unsupervised() {
                return true;
            }

            public Scored predict(StreamingKMeans model, double[] features) {
                int c = model.nearest(features);
                return c < 0 ? Scored.NONE : new Scored(Integer.toString(c), distance2(model.centres[c], features));
            }

            public long examples(StreamingKMeans model) {
                return model.examples();
            }

            public boolean mergeable() {
                return true;
            }

            public StreamingKMeans merge(List<StreamingKMeans> models) {
                return StreamingKMeans.merge(models);
            }

            public Serde<StreamingKMeans> modelSerde() {
                return serde();
            }

            public String toString() {
                return "StreamingKMeans(" + description + ")";
            }
        };
    }

    /**
     * Learns one point.
     *
     * @throws IllegalArgumentException if {@code point} does not have {@link #dimensions()} values
     */
    public void learn(double[] point) {
        checkDimensions(point);
        examples++;
        if (centres == null) {
            sample.add(point.clone());
            if (sample.size() >= initialSample) {
                initializeFromSample();
            }
            return;
        }
        for (int i = 0; i < k; i++) {
            weights[i] *= decay;
        }
        int c = nearest(point);
        weights[c] += 1;
        double step = 1 / weights[c];
        for (int i = 0; i < dimensions; i++) {
            centres[c][i] += (point[i] - centres[c][i]) * step;
        }
        splitDyingCluster();
    }

    /** The index of the centre nearest {@code point}, -1 before the centres are chosen. */
    public int nearest(double[] point) {
        checkDimensions(point);
        if (centres == null) {
            return -1;
        }
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            double d = distance2(centres[i], point);
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }

    private void splitDyingCluster() {
        int smallest = 0;
        int largest = 0;
        for (int i = 1; i < k; i++) {
            if (weights[i] < weights[smallest]) {
                smallest = i;
            }
            if (weights[i] > weights[largest]) {
                largest = i;
            }
        }
        if (smallest == largest || weights[smallest] >= DYING_FRACTION * weights[largest]) {
            return;
        }
        Random random = new Random(seed * 31 + examples);
        double scale = 0;
        for (double v : centres[largest]) {
            scale = Math.max(scale, Math.abs(v));
        }
        scale = 1e-3 * Math.max(scale, 1);
        for (int i = 0; i < dimensions; i++) {
            double nudge = scale * random.nextGaussian();
            centres[smallest][i] = centres[largest][i] + nudge;
            centres[largest][i] -= nudge;
        }
        weights[largest] /= 2;
        weights[smallest] = weights[largest];
        splits++;
    }

    private void initializeFromSample() {
        Random random = new Random(seed);
        double[][] chosen = new double[k][];
        chosen[0] = sample.get(random.nextInt(sample.size())).clone();
        double[] nearest2 = new double[sample.size()];
        Arrays.fill(nearest2, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {   // k-means++: the next centre with probability ~ squared distance
            double total = 0;
            for (int p = 0; p < sample.size(); p++) {
                nearest2[p] = Math.min(nearest2[p], distance2(sample.get(p), chosen[c - 1]));
                total += nearest2[p];
            }
            double target = random.nextDouble() * total;
            int pick = sample.size() - 1;
            for (int p = 0; p < sample.size(); p++) {
                target -= nearest2[p];
                if (target < 0) {
                    pick = p;
                    break;
                }
            }
            chosen[c] = sample.get(pick).clone();
        }
        centres = chosen;
        weights = new double[k];
        for (int iteration = 0; iteration < LLOYD_ITERATIONS; iteration++) {
            double[][] sums = new double[k][dimensions];
            double[] counts = new double[k];
            for (double[] p : sample) {
                int c = nearest(p);
                counts[c]++;
                for (int i = 0; i < dimensions; i++) {
                    sums[c][i] += p[i];
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    for (int i = 0; i < dimensions; i++) {
                        centres[c][i] = sums[c][i] / counts[c];
                    }
                }
            }
            weights = counts;
        }
        // the sample's points are in the weights now; their age is forgotten (they count as fresh)
        sample.clear();
    }

    private static StreamingKMeans merge(List<StreamingKMeans> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        StreamingKMeans first = models.get(0);
        StreamingKMeans heaviest = null;
        long examples = 0;
        for (StreamingKMeans m : models) {
            if (m.k != first.k || m.dimensions != first.dimensions) {
                throw new IllegalArgumentException("cannot merge k-means models of different shapes: k=" + first.k
                        + "/" + m.k + ", dimensions=" + first.dimensions + "/" + m.dimensions);
            }
            examples += m.examples;
            if (m.centres != null && (heaviest == null || sum(m.weights) > sum(heaviest.weights))) {
                heaviest = m;
            }
        }
        StreamingKMeans merged = new StreamingKMeans(first.k, first.dimensions, first.decay, first.seed,
                first.initialSample);
        merged.examples = examples;
        if (heaviest == null) {
            models.forEach(m -> merged.sample.addAll(m.sample));
            return merged;
        }
        double[][] sums = new double[first.k][first.dimensions];
        double[] weights = new double[first.k];
        for (StreamingKMeans m : models) {
            if (m.centres == null) {
                continue;
            }
            int[] match = matchTo(heaviest.centres, m.centres);
            for (int c = 0; c < m.k; c++) {
                int target = match[c];
                weights[target] += m.weights[c];
                for (int i = 0; i < m.dimensions; i++) {
                    sums[target][i] += m.weights[c] * m.centres[c][i];
                }
            }
        }
        merged.centres = new double[first.k][];
        for (int c = 0; c < first.k; c++) {
            merged.centres[c] = heaviest.centres[c].clone();
            if (weights[c] > 0) {
                for (int i = 0; i < first.dimensions; i++) {
                    merged.centres[c][i] = sums[c][i] / weights[c];
                }
            }
        }
        merged.weights = weights;
        return merged;
    }

    /** For each of {@code centres}, a distinct index of {@code reference}: greedily, closest pairs first. */
    private static int[] matchTo(double[][] reference, double[][] centres) {
        int k = reference.length;
        int[] match = new int[k];
        Arrays.fill(match, -1);
        boolean[] taken = new boolean[k];
        for (int round = 0; round < k; round++) {
            double best = Double.POSITIVE_INFINITY;
            int bestC = -1;
            int bestR = -1;
            for (int c = 0; c < k; c++) {
                if (match[c] >= 0) {
                    continue;
                }
                for (int r = 0; r < k; r++) {
                    if (!taken[r] && distance2(reference[r], centres[c]) < best) {
                        best = distance2(reference[r], centres[c]);
                        bestC = c;
                        bestR = r;
                    }
                }
            }
            match[bestC] = bestR;
            taken[bestR] = true;
        }
        return match;
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    static double distance2(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    private void checkDimensions(double[] point) {
        if (point.length != dimensions) {
            throw new IllegalArgumentException("expected " + dimensions + " features, got " + point.length);
        }
    }

    /** The centres (copies), or null before they are chosen. */
    public double[][] centres() {
        if (centres == null) {
            return null;
        }
        double[][] copy = new double[k][];
        for (int i = 0; i < k; i++) {
            copy[i] = centres[i].clone();
        }
        return copy;
    }

    /** The clusters' weights (a copy), or null before the centres are chosen. */
    public double[] weights() {
        return weights == null ? null : weights.clone();
    }

    /** The number of clusters. */
    public int k() {
        return k;
    }

    /** The number of features. */
    public int dimensions() {
        return dimensions;
    }

    /** The number of points learned. */
    public long examples() {
        return examples;
    }

    /** How many dying clusters were replaced by splitting the largest. */
    public long splits() {
        return splits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamingKMeans m && Arrays.equals(serde().serialize("", this), serde().serialize("", m));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(serde().serialize("", this));
    }

    @Override
    public String toString() {
        return "StreamingKMeans{k=" + k + ", dimensions=" + dimensions + ", decay=" + decay + ", examples=" + examples
                + ", centres=" + (centres == null ? "not chosen" : Arrays.deepToString(centres)) + "}";
    }

    /** The binary serde of these models (format byte 0x73). */
    public static Serde<StreamingKMeans> serde() {
        return new BinarySerde<>("streaming k-means model", 0x73, StreamingKMeans::write, StreamingKMeans::read);
    }

    private static void write(DataOutputStream out, StreamingKMeans m) throws IOException {
        out.writeInt(m.k);
        out.writeInt(m.dimensions);
        out.writeDouble(m.decay);
        out.writeLong(m.seed);
        out.writeInt(m.initialSample);
        out.writeLong(m.examples);
        out.writeLong(m.splits);
        out.writeBoolean(m.centres != null);
        if (m.centres != null) {
            for (int c = 0; c < m.k; c++) {
                BinarySerde.writeDoubles(out, m.centres[c]);
            }
            BinarySerde.writeDoubles(out, m.weights);
        }
        out.writeInt(m.sample.size());
        for (double[] p : m.sample) {
            BinarySerde.writeDoubles(out, p);
        }
    }

    private static StreamingKMeans read(DataInputStream in) throws IOException {
        StreamingKMeans m = new StreamingKMeans(in.readInt(), in.readInt(), in.readDouble(), in.readLong(), in.readInt());
        m.examples = in.readLong();
        m.splits = in.readLong();
        if (in.readBoolean()) {
            m.centres = new double[m.k][];
            for (int c = 0; c < m.k; c++) {
                m.centres[c] = BinarySerde.readDoubles(in);
            }
            m.weights = BinarySerde.readDoubles(in);
        }
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            m.sample.add(BinarySerde.readDoubles(in));
        }
        return m;
    }
}
