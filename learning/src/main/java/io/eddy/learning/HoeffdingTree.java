package io.eddy.learning;

import io.eddy.serde.Serde;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A Hoeffding tree (VFDT, Domingos and Hulten 2000): a decision tree grown one example at a time.
 *
 * <p>Design. Examples are sorted to a leaf, which counts them per class and, per attribute, keeps
 * the statistics a split needs: for a nominal attribute the class counts of each value; for a
 * numeric attribute, per class, a Gaussian estimator (count, mean, variance) and the range seen.
 * Every {@code gracePeriod} examples, an active leaf scores each attribute's best split with the
 * split criterion (information gain or Gini) -- numeric attributes at {@code numericSplitPoints}
 * evenly spaced thresholds, each side's class weights estimated from the Gaussians -- and splits
 * on the best when its merit beats the second best (or not splitting) by more than the Hoeffding
 * bound {@code eps = sqrt(R^2 ln(1/delta) / 2n)}, or when {@code eps} fell below the tie
 * threshold. A nominal split has one child per value, a numeric one two ({@code <=} threshold and
 * above); the children start from the parent's class counts of their side.
 *
 * <p>Memory bound: the tree never grows past {@code maxLeaves} leaves. A leaf whose split would
 * pass the bound is deactivated: it drops its attribute statistics and keeps its class counts, so
 * the model's size is bounded by the leaves' count.
 *
 * <p>Leaves predict their majority class, or by naive Bayes over their attribute statistics
 * ({@link LeafPrediction#NAIVE_BAYES}; majority class where those are missing).
 *
 * <p>Features are a {@code double[]} with one value per declared attribute; a nominal attribute's
 * value is the index of its category (0 to values-1). Trees merge only when they have the same
 * structure ({@link #merge}); independently grown trees do not, so train them through one task
 * ({@link OnlineLearning.Builder#shards} 1). With {@link Config#withDecayHalfLife} the leaves
 * forget old examples exponentially. Not thread-safe.
 */
public final class HoeffdingTree {

    /** The split criterion. */
    public enum SplitCriterion {
        /** Information gain (entropy in bits; range log2 of the number of classes). */
        INFO_GAIN,
        /** Reduction of the Gini impurity (range 1). */
        GINI
    }

    /** How a leaf predicts. */
    public enum LeafPrediction {
        /** The leaf's most frequent class. */
        MAJORITY_CLASS,
        /** Naive Bayes over the leaf's attribute statistics. */
        NAIVE_BAYES
    }

    /**
     * One attribute: nominal with {@code values} categories, or numeric ({@code values} 0).
     *
     * @param name   the attribute's name, for descriptions
     * @param values the number of categories of a nominal attribute, 0 for a numeric one
     */
    public record Attribute(String name, int values) {
        /** A numeric attribute. */
        public static Attribute numeric(String name) {
            return new Attribute(name, 0);
        }

        /** A nominal attribute with {@code values} categories (at least 2). */
        public static Attribute nominal(String name, int values) {
            if (values < 2) {
                throw new IllegalArgumentException("nominal attribute " + name + " needs at least 2 values: " + values);
            }
            return new Attribute(name, values);
        }

        boolean isNominal() {
            return values > 0;
        }
    }

    /**
     * The configuration of a tree.
     *
     * @param attributes         the attributes, in feature order
     * @param classes            the class labels, at least 2, distinct
     * @param criterion          the split criterion
     * @param leafPrediction     how leaves predict
     * @param delta              the Hoeffding bound's allowed error probability, in (0, 1)
     * @param tieThreshold       split anyway when the bound falls below this, in [0, 1)
     * @param gracePeriod        examples a leaf sees between split attempts, at least 1
     * @param maxLeaves          the size bound, at least 1
     * @param numericSplitPoints candidate thresholds per numeric attribute, at least 1
     * @param decayHalfLife      0 for none (the default); otherwise the leaves' statistics forget
     *                           exponentially, halving every {@code decayHalfLife} examples the tree
     *                           learns, so the leaves follow a drifting concept
     */
    public record Config(List<Attribute> attributes, List<String> classes, SplitCriterion criterion,
                         LeafPrediction leafPrediction, double delta, double tieThreshold, int gracePeriod,
                         int maxLeaves, int numericSplitPoints, long decayHalfLife) {
        /** @throws IllegalArgumentException naming the bad parameter */
        public Config {
            attributes = List.copyOf(attributes);
            classes = List.copyOf(classes);
            Objects.requireNonNull(criterion, "criterion");
            Objects.requireNonNull(leafPrediction, "leafPrediction");
            if (attributes.isEmpty()) {
                throw new IllegalArgumentException("attributes must not be empty");
            }
            if (classes.size() < 2 || classes.stream().distinct().count() != classes.size()) {
                throw new IllegalArgumentException("classes must be at least 2 distinct labels: " + classes);
            }
            if (!(delta > 0 && delta < 1)) {
                throw new IllegalArgumentException("delta must be in (0, 1): " + delta);
            }
            if (!(tieThreshold >= 0 && tieThreshold < 1)) {
                throw new IllegalArgumentException("tieThreshold must be in [0, 1): " + tieThreshold);
            }
            if (gracePeriod < 1) {
                throw new IllegalArgumentException("gracePeriod must be at least 1: " + gracePeriod);
            }
            if (maxLeaves < 1) {
                throw new IllegalArgumentException("maxLeaves must be at least 1: " + maxLeaves);
            }
            if (numericSplitPoints < 1) {
                throw new IllegalArgumentException("numericSplitPoints must be at least 1: " + numericSplitPoints);
            }
            if (decayHalfLife < 0) {
                throw new IllegalArgumentException("decayHalfLife must be 0 (none) or positive: " + decayHalfLife);
            }
        }

        /** A configuration without decay. */
        public Config(List<Attribute> attributes, List<String> classes, SplitCriterion criterion,
                      LeafPrediction leafPrediction, double delta, double tieThreshold, int gracePeriod,
                      int maxLeaves, int numericSplitPoints) {
            this(attributes, classes, criterion, leafPrediction, delta, tieThreshold, gracePeriod, maxLeaves,
                    numericSplitPoints, 0);
        }

        /**
         * The same with exponential forgetting: every leaf's statistics (class counts, nominal
         * counts, the numeric attributes' Gaussian weights) halve every {@code halfLife} examples
         * the tree learns, applied when the leaf next learns. After a concept drift, a leaf's
         * prediction follows the new concept once its new examples outweigh the decayed old ones
         * (a few half-lives of the examples reaching it); the tree's splits stay. Statistics
         * retained are about {@code halfLife / ln 2} examples' worth, so keep {@code halfLife}
         * well above {@code gracePeriod} for leaves to keep splitting.
         *
         * @throws IllegalArgumentException if {@code halfLife} is negative (0 turns decay off)
         */
        public Config withDecayHalfLife(long halfLife) {
            return new Config(attributes, classes, criterion, leafPrediction, delta, tieThreshold, gracePeriod,
                    maxLeaves, numericSplitPoints, halfLife);
        }

        /**
         * The usual settings: information gain, naive-Bayes leaves, delta 1e-7, tie threshold 0.05,
         * grace period 200, at most 1000 leaves, 10 thresholds per numeric attribute.
         */
        public static Config of(List<Attribute> attributes, List<String> classes) {
            return new Config(attributes, classes, SplitCriterion.INFO_GAIN, LeafPrediction.NAIVE_BAYES, 1e-7, 0.05,
                    200, 1000, 10);
        }

        /** The same with another criterion. */
        public Config withCriterion(SplitCriterion c) {
            return new Config(attributes, classes, c, leafPrediction, delta, tieThreshold, gracePeriod, maxLeaves,
                    numericSplitPoints, decayHalfLife);
        }

        /** The same with another leaf prediction. */
        public Config withLeafPrediction(LeafPrediction p) {
            return new Config(attributes, classes, criterion, p, delta, tieThreshold, gracePeriod, maxLeaves,
                    numericSplitPoints, decayHalfLife);
        }

        /** The same with another size bound. */
        public Config withMaxLeaves(int leaves) {
            return new Config(attributes, classes, criterion, leafPrediction, delta, tieThreshold, gracePeriod, leaves,
                    numericSplitPoints, decayHalfLife);
        }

        /** The same with another grace period. */
        public Config withGracePeriod(int examples) {
            return new Config(attributes, classes, criterion, leafPrediction, delta, tieThreshold, examples, maxLeaves,
                    numericSplitPoints, decayHalfLife);
        }
    }

    private final Config config;
    private final int classCount;
    private Node root;
    private long examples;
    private int leaves = 1;
    private int deactivated;

    private abstract static class Node {
    }

    private static final class Split extends Node {
        final int attribute;
        final double threshold;   // numeric: <= threshold goes to child 0; nominal: unused
        final Node[] children;

        Split(int attribute, double threshold, Node[] children) {
            this.attribute = attribute;
            this.threshold = threshold;
            this.children = children;
        }
    }

    private static final class Leaf extends Node {
        final double[] classCounts;
        double[][][] stats;   // per attribute; null when deactivated. nominal: [value][class];
                              // numeric: [class][n, mean, m2] plus [classCount] = {min, max}
        double weightAtLastAttempt;
        long decayedAt;   // with decay: the tree's example count when the statistics were last decayed

        Leaf(double[] classCounts) {
            this.classCounts = classCounts;
        }

        double total() {
            double t = 0;
            for (double c : classCounts) {
                t += c;
            }
            return t;
        }
    }

    private HoeffdingTree(Config config) {
        this.config = config;
        this.classCount = config.classes().size();
        this.root = newLeaf(new double[classCount]);
    }

    /** A new tree of {@code config}, one leaf. */
    public static HoeffdingTree create(Config config) {
        return new HoeffdingTree(Objects.requireNonNull(config, "config"));
    }

    /** The learner of {@code config}. Its models do not merge. */
    public static Learner<double[], HoeffdingTree> learner(Config config) {
        create(config);
        return new Learner<>() {
            public HoeffdingTree newModel() {
                return create(config);
            }

            public void learn(HoeffdingTree model, double[] features, String label) {
                model.learn(features, label);
            }

            public Scored predict(HoeffdingTree model, double[] features) {
                return model.predict(features);
            }

            public long examples(HoeffdingTree model) {
                return model.examples();
            }

            public boolean mergeable() {
                return false;
            }

            /** Only trees of one structure merge ({@link HoeffdingTree#merge}); sharded training is refused. */
            public HoeffdingTree merge(List<HoeffdingTree> models) {
                return HoeffdingTree.merge(models);
            }

            public Serde<HoeffdingTree> modelSerde() {
                return serde(config);
            }

            public String toString() {
                return "HoeffdingTree(" + config + ")";
            }
        };
    }

    private Leaf newLeaf(double[] classCounts) {
        Leaf leaf = new Leaf(classCounts);
        leaf.weightAtLastAttempt = leaf.total();
        leaf.decayedAt = examples;
        leaf.stats = newStats();
        return leaf;
    }

    private double[][][] newStats() {
        double[][][] stats = new double[config.attributes().size()][][];
        for (int a = 0; a < stats.length; a++) {
            Attribute attribute = config.attributes().get(a);
            if (attribute.isNominal()) {
                stats[a] = new double[attribute.values()][classCount];
            } else {
                stats[a] = new double[classCount + 1][];
                for (int c = 0; c < classCount; c++) {
                    stats[a][c] = new double[3];
                }
                stats[a][classCount] = new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            }
        }
        return stats;
    }

    /**
     * Learns one example.
     *
     * @throws IllegalArgumentException if the features do not match the attributes, or the label
     *         is not a declared class
     */
    public void learn(double[] features, String label) {
        check(features);
        int c = config.classes().indexOf(label);
        if (c < 0) {
            throw new IllegalArgumentException("label " + label + " is not one of the classes " + config.classes());
        }
        Leaf leaf = leafOf(features);
        if (config.decayHalfLife() > 0) {
            decay(leaf);
        }
        examples++;
        leaf.classCounts[c]++;
        if (leaf.stats == null) {
            return;
        }
        for (int a = 0; a < features.length; a++) {
            double x = features[a];
            if (config.attributes().get(a).isNominal()) {
                leaf.stats[a][(int) x][c]++;
            } else {
                double[] g = leaf.stats[a][c];
                g[0]++;
                double d = x - g[1];
                g[1] += d / g[0];
                g[2] += d * (x - g[1]);
                double[] range = leaf.stats[a][classCount];
                range[0] = Math.min(range[0], x);
                range[1] = Math.max(range[1], x);
            }
        }
        double total = leaf.total();
        if (total - leaf.weightAtLastAttempt >= config.gracePeriod()) {
            leaf.weightAtLastAttempt = total;
            attemptSplit(leaf, features);
        }
    }

    /** Scales the leaf's statistics by 2^(-(examples since its last decay) / halfLife); means and ranges stay. */
    private void decay(Leaf leaf) {
        long age = examples - leaf.decayedAt;
        leaf.decayedAt = examples;
        if (age <= 0) {
            return;
        }
        double f = Math.pow(0.5, (double) age / config.decayHalfLife());
        for (int c = 0; c < classCount; c++) {
            leaf.classCounts[c] *= f;
        }
        leaf.weightAtLastAttempt *= f;
        if (leaf.stats == null) {
            return;
        }
        for (int a = 0; a < leaf.stats.length; a++) {
            if (config.attributes().get(a).isNominal()) {
                for (double[] byClass : leaf.stats[a]) {
                    for (int c = 0; c < classCount; c++) {
                        byClass[c] *= f;
                    }
                }
            } else {
                for (int c = 0; c < classCount; c++) {
                    leaf.stats[a][c][0] *= f;
                    leaf.stats[a][c][2] *= f;
                }
            }
        }
    }

    private Leaf leafOf(double[] features) {
        Node node = root;
        while (node instanceof Split s) {
            node = s.children[childIndex(s, features[s.attribute])];
        }
        return (Leaf) node;
    }

    private int childIndex(Split s, double value) {
        return config.attributes().get(s.attribute).isNominal() ? (int) value : (value <= s.threshold ? 0 : 1);
    }

    private void attemptSplit(Leaf leaf, double[] anyFeatures) {
        int nonZero = 0;
        for (double c : leaf.classCounts) {
            if (c > 0) {
                nonZero++;
            }
        }
        if (nonZero < 2) {
            return;
        }
        double pre = impurity(leaf.classCounts);
        double best = 0;   // not splitting has merit 0
        double second = 0;
        int bestAttribute = -1;
        double bestThreshold = Double.NaN;
        double[][] bestChildren = null;
        for (int a = 0; a < config.attributes().size(); a++) {
            double attributeBest = Double.NEGATIVE_INFINITY;
            double attributeThreshold = Double.NaN;
            double[][] attributeChildren = null;
            if (config.attributes().get(a).isNominal()) {
                double[][] children = leaf.stats[a];
                attributeBest = merit(pre, children);
                attributeChildren = children;
            } else {
                double[] range = leaf.stats[a][classCount];
                if (!(range[1] > range[0])) {
                    continue;
                }
                for (int i = 1; i <= config.numericSplitPoints(); i++) {
                    double t = range[0] + (range[1] - range[0]) * i / (config.numericSplitPoints() + 1);
                    double[][] children = numericSplit(leaf.stats[a], t);
                    double m = merit(pre, children);
                    if (m > attributeBest) {
                        attributeBest = m;
                        attributeThreshold = t;
                        attributeChildren = children;
                    }
                }
            }
            if (attributeBest > best) {
                second = best;
                best = attributeBest;
                bestAttribute = a;
                bestThreshold = attributeThreshold;
                bestChildren = attributeChildren;
            } else if (attributeBest > second) {
                second = attributeBest;
            }
        }
        if (bestAttribute < 0) {
            return;
        }
        double range = config.criterion() == SplitCriterion.INFO_GAIN ? log2(classCount) : 1.0;
        double n = leaf.total();
        double epsilon = Math.sqrt(range * range * Math.log(1 / config.delta()) / (2 * n));
        if (!(best - second > epsilon || epsilon < config.tieThreshold())) {
            return;
        }
        int added = bestChildren.length - 1;
        if (leaves + added > config.maxLeaves()) {
            leaf.stats = null;   // the size bound: this leaf stops growing and drops its statistics
            deactivated++;
            return;
        }
        Node[] children = new Node[bestChildren.length];
        leaves += added;
        for (int i = 0; i < children.length; i++) {
            children[i] = newLeaf(bestChildren[i].clone());
        }
        replace(leaf, new Split(bestAttribute, bestThreshold, children), anyFeatures);
    }

    /** Replaces {@code leaf} (the leaf of {@code features}) by {@code split}. */
    private void replace(Leaf leaf, Split split, double[] features) {
        if (root == leaf) {
            root = split;
            return;
        }
        Split parent = (Split) root;
        while (true) {
            int i = childIndex(parent, features[parent.attribute]);
            if (parent.children[i] == leaf) {
                parent.children[i] = split;
                return;
            }
            parent = (Split) parent.children[i];
        }
    }

    private double[][] numericSplit(double[][] stats, double threshold) {
        double[][] children = new double[2][classCount];
        for (int c = 0; c < classCount; c++) {
            double[] g = stats[c];
            if (g[0] == 0) {
                continue;
            }
            double sd = Math.sqrt(g[2] / g[0]);
            double left;
            if (sd == 0) {
                left = g[1] <= threshold ? g[0] : 0;
            } else {
                left = g[0] * normalCdf((threshold - g[1]) / sd);
            }
            children[0][c] = left;
            children[1][c] = g[0] - left;
        }
        return children;
    }

    /** The criterion's decrease of impurity from {@code pre} to the weighted children; -inf with under 2 non-empty children. */
    private double merit(double pre, double[][] children) {
        double total = 0;
        int nonEmpty = 0;
        double[] weights = new double[children.length];
        for (int i = 0; i < children.length; i++) {
            for (double c : children[i]) {
                weights[i] += c;
            }
            total += weights[i];
            if (weights[i] > 0) {
                nonEmpty++;
            }
        }
        if (nonEmpty < 2) {
            return Double.NEGATIVE_INFINITY;
        }
        double post = 0;
        for (int i = 0; i < children.length; i++) {
            if (weights[i] > 0) {
                post += weights[i] / total * impurity(children[i]);
            }
        }
        return pre - post;
    }

    private double impurity(double[] counts) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        double result = config.criterion() == SplitCriterion.GINI ? 1 : 0;
        for (double c : counts) {
            if (c > 0) {
                double p = c / total;
                result += config.criterion() == SplitCriterion.GINI ? -p * p : -p * log2(p);
            }
        }
        return result;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The standard normal distribution function (Abramowitz and Stegun 7.1.26 for erf; error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /** The predicted class of {@code features} and its estimated probability. */
    public Learner.Scored predict(double[] features) {
        check(features);
        Leaf leaf = leafOf(features);
        double total = leaf.total();
        if (total == 0) {
            return Learner.Scored.NONE;
        }
        double[] scores = config.leafPrediction() == LeafPrediction.NAIVE_BAYES && leaf.stats != null
                ? naiveBayes(leaf, features) : leaf.classCounts.clone();
        int best = 0;
        double sum = 0;
        for (int c = 0; c < classCount; c++) {
            sum += scores[c];
            if (scores[c] > scores[best]) {
                best = c;
            }
        }
        return new Learner.Scored(config.classes().get(best), sum > 0 ? scores[best] / sum : Double.NaN);
    }

    private double[] naiveBayes(Leaf leaf, double[] features) {
        double total = leaf.total();
        double[] logs = new double[classCount];
        double max = Double.NEGATIVE_INFINITY;
        // a numeric attribute informs only if every class has a Gaussian for it: skipping it for
        // one class alone would favour the class the leaf knows least about
        boolean[] usable = new boolean[features.length];
        for (int a = 0; a < features.length; a++) {
            usable[a] = true;
            if (!config.attributes().get(a).isNominal()) {
                for (int c = 0; c < classCount; c++) {
                    usable[a] &= leaf.stats[a][c][0] >= 2;
                }
            }
        }
        for (int c = 0; c < classCount; c++) {
            double log = Math.log((leaf.classCounts[c] + 1) / (total + classCount));
            for (int a = 0; a < features.length; a++) {
                Attribute attribute = config.attributes().get(a);
                if (attribute.isNominal()) {
                    double seen = 0;
                    for (int v = 0; v < attribute.values(); v++) {
                        seen += leaf.stats[a][v][c];
                    }
                    log += Math.log((leaf.stats[a][(int) features[a]][c] + 1) / (seen + attribute.values()));
                } else {
                    double[] g = leaf.stats[a][c];
                    if (!usable[a]) {
                        continue;
                    }
                    double variance = g[2] / g[0] + 1e-9;
                    double d = features[a] - g[1];
                    log += -0.5 * Math.log(2 * Math.PI * variance) - d * d / (2 * variance);
                }
            }
            logs[c] = log;
            max = Math.max(max, log);
        }
        for (int c = 0; c < classCount; c++) {
            logs[c] = Math.exp(logs[c] - max);
        }
        return logs;
    }

    private void check(double[] features) {
        if (features.length != config.attributes().size()) {
            throw new IllegalArgumentException("expected " + config.attributes().size() + " features, got "
                    + features.length);
        }
        for (int a = 0; a < features.length; a++) {
            Attribute attribute = config.attributes().get(a);
            double x = features[a];
            if (attribute.isNominal() && (x != Math.rint(x) || x < 0 || x >= attribute.values())) {
                throw new IllegalArgumentException("attribute " + attribute.name() + " is nominal with values 0 to "
                        + (attribute.values() - 1) + ": " + x);
            }
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException("attribute " + attribute.name() + " is NaN");
            }
        }
    }

    /** The number of examples learned. */
    public long examples() {
        return examples;
    }

    /**
     * Whether {@code a} and {@code b} have the same structure: the same splits (attribute,
     * threshold, children) everywhere, so their leaves correspond one to one.
     */
    public static boolean sameStructure(HoeffdingTree a, HoeffdingTree b) {
        return a.config.attributes().equals(b.config.attributes()) && a.config.classes().equals(b.config.classes())
                && sameStructure(a.root, b.root);
    }

    private static boolean sameStructure(Node a, Node b) {
        if (a instanceof Split sa && b instanceof Split sb) {
            if (sa.attribute != sb.attribute || Double.compare(sa.threshold, sb.threshold) != 0
                    || sa.children.length != sb.children.length) {
                return false;
            }
            for (int i = 0; i < sa.children.length; i++) {
                if (!sameStructure(sa.children[i], sb.children[i])) {
                    return false;
                }
            }
            return true;
        }
        return a instanceof Leaf && b instanceof Leaf;
    }

    /**
     * The tree whose leaves hold the summed statistics of {@code trees}' corresponding leaves:
     * class and nominal counts added (exactly), numeric attributes' Gaussians combined by the
     * parallel-variance formula (up to rounding) and their ranges widened; a leaf deactivated in
     * any tree is deactivated in the merge. For trees of one structure, for instance copies of a
     * published tree that learned on several tasks without splitting since (a large grace period),
     * this equals one copy that learned all their examples at its leaves. Its configuration is the
     * first tree's; none of the arguments changes.
     *
     * <p>Trees that grew apart (different splits, which is what independent shards almost always
     * do once they split) have no such merge: train through one task ({@code shards(1)}, the
     * global model) instead. Decaying trees do not merge either (their leaves decayed at different
     * clocks).
     *
     * @throws IllegalArgumentException if the trees differ in structure, attributes or classes, or decay
     */
    public static HoeffdingTree merge(List<HoeffdingTree> trees) {
        if (trees.isEmpty()) {
            throw new IllegalArgumentException("no trees to merge");
        }
        HoeffdingTree first = trees.get(0);
        HoeffdingTree merged = serde(first.config).deserialize("", serde(first.config).serialize("", first));
        for (HoeffdingTree t : trees.subList(1, trees.size())) {
            if (first.config.decayHalfLife() > 0 || t.config.decayHalfLife() > 0) {
                throw new IllegalArgumentException("decaying Hoeffding trees do not merge: train through one task");
            }
            if (!sameStructure(first, t)) {
                throw new IllegalArgumentException("cannot merge Hoeffding trees of different structures (their "
                        + "splits differ): train through one task (OnlineLearning shards(1), the global model)");
            }
            merged.examples += t.examples;
            merged.deactivated = 0;
            mergeInto(merged, merged.root, t.root);
        }
        merged.deactivated = countDeactivated(merged.root);
        return merged;
    }

    private static void mergeInto(HoeffdingTree tree, Node into, Node from) {
        if (into instanceof Split si) {
            Split sf = (Split) from;
            for (int i = 0; i < si.children.length; i++) {
                mergeInto(tree, si.children[i], sf.children[i]);
            }
            return;
        }
        Leaf a = (Leaf) into;
        Leaf b = (Leaf) from;
        for (int c = 0; c < tree.classCount; c++) {
            a.classCounts[c] += b.classCounts[c];
        }
        a.weightAtLastAttempt += b.weightAtLastAttempt;
        if (a.stats == null || b.stats == null) {
            a.stats = null;
            return;
        }
        for (int at = 0; at < a.stats.length; at++) {
            if (tree.config.attributes().get(at).isNominal()) {
                for (int v = 0; v < a.stats[at].length; v++) {
                    for (int c = 0; c < tree.classCount; c++) {
                        a.stats[at][v][c] += b.stats[at][v][c];
                    }
                }
            } else {
                for (int c = 0; c < tree.classCount; c++) {
                    double[] ga = a.stats[at][c];
                    double[] gb = b.stats[at][c];
                    double n = ga[0] + gb[0];
                    if (n > 0) {
                        double delta = gb[1] - ga[1];
                        ga[2] += gb[2] + delta * delta * ga[0] * gb[0] / n;
                        ga[1] += delta * gb[0] / n;
                        ga[0] = n;
                    }
                }
                double[] ra = a.stats[at][tree.classCount];
                double[] rb = b.stats[at][tree.classCount];
                ra[0] = Math.min(ra[0], rb[0]);
                ra[1] = Math.max(ra[1], rb[1]);
            }
        }
    }

    private static int countDeactivated(Node node) {
        if (node instanceof Split s) {
            int n = 0;
            for (Node child : s.children) {
                n += countDeactivated(child);
            }
            return n;
        }
        return ((Leaf) node).stats == null ? 1 : 0;
    }

    /** The number of leaves (never more than the configured bound). */
    public int leaves() {
        return leaves;
    }

    /** The number of leaves that stopped growing because of the size bound. */
    public int deactivatedLeaves() {
        return deactivated;
    }

    /** The depth of the tree (0 for a single leaf). */
    public int depth() {
        return depth(root);
    }

    private static int depth(Node node) {
        if (node instanceof Split s) {
            int d = 0;
            for (Node child : s.children) {
                d = Math.max(d, depth(child));
            }
            return d + 1;
        }
        return 0;
    }

    /** The configuration. */
    public Config config() {
        return config;
    }

    @Override
    public String toString() {
        return "HoeffdingTree{examples=" + examples + ", leaves=" + leaves + ", depth=" + depth() + "}";
    }

    /**
     * The binary serde of trees of {@code config} (format byte 0x74); the configuration itself is
     * not written, so both sides must use the same one.
     */
    public static Serde<HoeffdingTree> serde(Config config) {
        return new BinarySerde<>("Hoeffding tree", 0x74, (out, tree) -> {
            out.writeLong(tree.examples);
            out.writeInt(tree.leaves);
            out.writeInt(tree.deactivated);
            writeNode(out, tree.root, config.decayHalfLife() > 0);
        }, in -> {
            HoeffdingTree tree = new HoeffdingTree(config);
            tree.examples = in.readLong();
            tree.leaves = in.readInt();
            tree.deactivated = in.readInt();
            tree.root = readNode(in, tree);
            return tree;
        });
    }

    private static void writeNode(DataOutputStream out, Node node, boolean decay) throws IOException {
        if (node instanceof Split s) {
            out.writeBoolean(true);
            out.writeInt(s.attribute);
            out.writeDouble(s.threshold);
            out.writeInt(s.children.length);
            for (Node child : s.children) {
                writeNode(out, child, decay);
            }
            return;
        }
        Leaf leaf = (Leaf) node;
        out.writeBoolean(false);
        BinarySerde.writeDoubles(out, leaf.classCounts);
        out.writeDouble(leaf.weightAtLastAttempt);
        if (decay) {
            out.writeLong(leaf.decayedAt);
        }
        out.writeBoolean(leaf.stats != null);
        if (leaf.stats != null) {
            for (double[][] attribute : leaf.stats) {
                for (double[] row : attribute) {
                    BinarySerde.writeDoubles(out, row);
                }
            }
        }
    }

    private static Node readNode(DataInputStream in, HoeffdingTree tree) throws IOException {
        if (in.readBoolean()) {
            int attribute = in.readInt();
            double threshold = in.readDouble();
            Node[] children = new Node[in.readInt()];
            for (int i = 0; i < children.length; i++) {
                children[i] = readNode(in, tree);
            }
            return new Split(attribute, threshold, children);
        }
        Leaf leaf = new Leaf(BinarySerde.readDoubles(in));
        leaf.weightAtLastAttempt = in.readDouble();
        if (tree.config.decayHalfLife() > 0) {
            leaf.decayedAt = in.readLong();
        }
        if (in.readBoolean()) {
            leaf.stats = tree.newStats();
            for (double[][] attribute : leaf.stats) {
                for (int r = 0; r < attribute.length; r++) {
                    attribute[r] = BinarySerde.readDoubles(in);
                }
            }
        }
        return leaf;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HoeffdingTree t && t.config.equals(config)
                && Arrays.equals(serde(config).serialize("", this), serde(config).serialize("", t));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(serde(config).serialize("", this));
    }
}
