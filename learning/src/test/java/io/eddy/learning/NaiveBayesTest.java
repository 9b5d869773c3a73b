package io.eddy.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Naive Bayes on data drawn from a naive Bayes model: the learned classifier's accuracy against
 * the Bayes-optimal one (the true model's), merging, serdes.
 */
class NaiveBayesTest {
    private static final List<String> CLASSES = List.of("a", "b", "c");

    /** A random multinomial naive Bayes model: priors and per-class token distributions over a vocabulary. */
    private record TextModel(double[] priors, double[][] tokenProbabilities, int vocabulary, int length) {
        static TextModel random(Random random, int vocabulary, int length) {
            double[] priors = {0.5, 0.3, 0.2};
            double[][] p = new double[3][vocabulary];
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (int t = 0; t < vocabulary; t++) {
                    p[c][t] = Math.pow(random.nextDouble(), 2);   // skewed, overlapping distributions
                    sum += p[c][t];
                }
                for (int t = 0; t < vocabulary; t++) {
                    p[c][t] /= sum;
                }
            }
            return new TextModel(priors, p, vocabulary, length);
        }

        int draw(Random random, double[] distribution) {
            double u = random.nextDouble();
            for (int i = 0; i < distribution.length; i++) {
                u -= distribution[i];
                if (u < 0) {
                    return i;
                }
            }
            return distribution.length - 1;
        }

        Example<List<String>> example(Random random) {
            int c = draw(random, priors);
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                tokens.add("w" + draw(random, tokenProbabilities[c]));
            }
            return Example.of(tokens, CLASSES.get(c));
        }

        String bayesOptimal(List<String> tokens) {
            int best = 0;
            double bestLog = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                double log = Math.log(priors[c]);
                for (String t : tokens) {
                    log += Math.log(tokenProbabilities[c][Integer.parseInt(t.substring(1))]);
                }
                if (log > bestLog) {
                    bestLog = log;
                    best = c;
                }
            }
            return CLASSES.get(best);
        }
    }

    @Test
    void multinomialReachesTheBayesOptimalAccuracyWithinOnePoint() {
        Random random = new Random(2026);
        TextModel truth = TextModel.random(random, 200, 3);
        Learner<List<String>, MultinomialNaiveBayes> learner = MultinomialNaiveBayes.learner(1.0);
        MultinomialNaiveBayes model = learner.newModel();
        for (int n = 0; n < 20_000; n++) {
            Example<List<String>> e = truth.example(random);
            learner.learn(model, e.features(), e.label());
        }
        int learned = 0;
        int optimal = 0;
        int tests = 20_000;
        for (int n = 0; n < tests; n++) {
            Example<List<String>> e = truth.example(random);
            learned += e.label().equals(learner.predict(model, e.features()).label()) ? 1 : 0;
            optimal += e.label().equals(truth.bayesOptimal(e.features())) ? 1 : 0;
        }
        double bayes = (double) optimal / tests;
        assertThat(bayes).as("the task is neither trivial nor hopeless").isBetween(0.6, 0.98);
        assertThat((double) learned / tests).isGreaterThan(bayes - 0.01);
    }

    @Test
    void gaussianReachesTheBayesOptimalAccuracyWithinOnePoint() {
        Random random = new Random(7);
        double[][] means = {{0, 0, 0, 0}, {1, 1, 0, -1}, {-1, 0.5, 1, 0}};
        double[][] sds = {{1, 1, 1, 1}, {1.5, 0.7, 1, 1}, {1, 1, 0.5, 2}};
        double[] priors = {0.5, 0.3, 0.2};
        Learner<double[], GaussianNaiveBayes> learner = GaussianNaiveBayes.learner(4);
        GaussianNaiveBayes model = learner.newModel();
        for (int n = 0; n < 10_000; n++) {
            int c = draw(random, priors);
            learner.learn(model, point(random, means[c], sds[c]), CLASSES.get(c));
        }
        int learned = 0;
        int optimal = 0;
        int tests = 20_000;
        for (int n = 0; n < tests; n++) {
            int c = draw(random, priors);
            double[] x = point(random, means[c], sds[c]);
            learned += CLASSES.get(c).equals(learner.predict(model, x).label()) ? 1 : 0;
            optimal += c == bayesOptimal(x, means, sds, priors) ? 1 : 0;
        }
        double bayes = (double) optimal / tests;
        assertThat(bayes).isBetween(0.6, 0.95);
        assertThat((double) learned / tests).isGreaterThan(bayes - 0.01);
        assertThat(model.mean("b", 0)).isCloseTo(1, within(0.1));
        assertThat(model.variance("c", 3)).isCloseTo(4, within(0.4));
    }

    private static int draw(Random random, double[] distribution) {
        double u = random.nextDouble();
        for (int i = 0; i < distribution.length; i++) {
            u -= distribution[i];
            if (u < 0) {
                return i;
            }
        }
        return distribution.length - 1;
    }

    private static double[] point(Random random, double[] mean, double[] sd) {
        double[] x = new double[mean.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = mean[i] + sd[i] * random.nextGaussian();
        }
        return x;
    }

    private static int bayesOptimal(double[] x, double[][] means, double[][] sds, double[] priors) {
        int best = 0;
        double bestLog = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < priors.length; c++) {
            double log = Math.log(priors[c]);
            for (int i = 0; i < x.length; i++) {
                double z = (x[i] - means[c][i]) / sds[c][i];
                log += -Math.log(sds[c][i]) - z * z / 2;
            }
            if (log > bestLog) {
                bestLog = log;
                best = c;
            }
        }
        return best;
    }

    @Test
    void multinomialMergedFromFourPartitionsEqualsTheOneTaskModelExactly() {
        Random random = new Random(3);
        TextModel truth = TextModel.random(random, 100, 6);
        Learner<List<String>, MultinomialNaiveBayes> learner = MultinomialNaiveBayes.learner(1.0);
        MultinomialNaiveBayes whole = learner.newModel();
        List<MultinomialNaiveBayes> parts = List.of(learner.newModel(), learner.newModel(), learner.newModel(),
                learner.newModel());
        for (int n = 0; n < 5_000; n++) {
            Example<List<String>> e = truth.example(random);
            learner.learn(whole, e.features(), e.label());
            learner.learn(parts.get(random.nextInt(4)), e.features(), e.label());
        }
        MultinomialNaiveBayes merged = learner.merge(parts);
        assertThat(merged).isEqualTo(whole);
        assertThat(MultinomialNaiveBayes.serde().serialize("t", merged))
                .isEqualTo(MultinomialNaiveBayes.serde().serialize("t", whole));
        assertThat(MultinomialNaiveBayes.serde().deserialize("t", MultinomialNaiveBayes.serde().serialize("t", whole)))
                .isEqualTo(whole);
    }

    @Test
    void gaussianMergedFromFourPartitionsHasTheSameCountsAndMomentsUpToRounding() {
        Random random = new Random(4);
        Learner<double[], GaussianNaiveBayes> learner = GaussianNaiveBayes.learner(2);
        GaussianNaiveBayes whole = learner.newModel();
        List<GaussianNaiveBayes> parts = List.of(learner.newModel(), learner.newModel(), learner.newModel(),
                learner.newModel());
        for (int n = 0; n < 5_000; n++) {
            double[] x = {random.nextGaussian() * 3 + 1, random.nextGaussian()};
            String label = x[1] > 0 ? "a" : "b";
            learner.learn(whole, x, label);
            learner.learn(parts.get(random.nextInt(4)), x, label);
        }
        GaussianNaiveBayes merged = learner.merge(parts);
        for (String label : List.of("a", "b")) {
            assertThat(merged.examples(label)).isEqualTo(whole.examples(label));
            for (int i = 0; i < 2; i++) {
                assertThat(merged.mean(label, i)).isCloseTo(whole.mean(label, i), within(1e-12));
                assertThat(merged.variance(label, i)).isCloseTo(whole.variance(label, i), within(1e-12));
            }
        }
        GaussianNaiveBayes copy = GaussianNaiveBayes.serde().deserialize("t", GaussianNaiveBayes.serde().serialize("t", whole));
        assertThat(copy).isEqualTo(whole);
    }
}
