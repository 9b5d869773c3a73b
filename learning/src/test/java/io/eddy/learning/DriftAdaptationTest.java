package io.eddy.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.learning.HoeffdingTree.Attribute;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Exponential forgetting on a stream whose concept drifts abruptly: after {@value #BEFORE}
 * examples of one concept the labels follow another. Prequential accuracy is measured over
 * examples {@value #FROM}-{@value #TO} after the drift: with decay it recovers, without it stays
 * low, because the old examples' counts outweigh the new ones. Seeded; the figures of seeds 1-3
 * are in the assertions' margins.
 */
class DriftAdaptationTest {
    private static final int BEFORE = 20_000;
    private static final int FROM = 3_000;
    private static final int TO = 8_000;

    /** Prequential accuracy over post-drift examples (FROM, TO] of a learner on concept {@code before}, then {@code after}. */
    private static <M> double accuracyAfterDrift(Learner<double[], M> learner, BiFunction<Random, Boolean, Example<double[]>> concept,
                                                  long seed) {
        M model = learner.newModel();
        Random random = new Random(seed);
        int correct = 0;
        for (int n = 0; n < BEFORE + TO; n++) {
            Example<double[]> e = concept.apply(random, n >= BEFORE);
            if (n >= BEFORE + FROM && e.label().equals(learner.predict(model, e.features()).label())) {
                correct++;
            }
            learner.learn(model, e.features(), e.label());
        }
        return (double) correct / (TO - FROM);
    }

    /** Two Gaussian classes 3 standard deviations apart in the first feature; after the drift they swap places. */
    private static Example<double[]> swappingGaussians(Random random, boolean drifted) {
        boolean a = random.nextBoolean();
        boolean high = a == drifted;
        return Example.of(new double[] {random.nextGaussian() + (high ? 3 : 0), random.nextGaussian()}, a ? "a" : "b");
    }

    /** SEA: class a iff x1 + x2 <= 8; after the drift, iff x1 + x2 > 8 (the labels flip). */
    private static Example<double[]> flippingSea(Random random, boolean drifted) {
        double[] x = {10 * random.nextDouble(), 10 * random.nextDouble(), 10 * random.nextDouble()};
        boolean a = (x[0] + x[1] <= 8) != drifted;
        return Example.of(x, a ? "a" : "b");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void gaussianNaiveBayesWithAHalfLifeRecoversAfterTheDriftAndWithoutItDoesNot(long seed) {
        double decayed = accuracyAfterDrift(GaussianNaiveBayes.learner(2, 500), DriftAdaptationTest::swappingGaussians, seed);
        double plain = accuracyAfterDrift(GaussianNaiveBayes.learner(2), DriftAdaptationTest::swappingGaussians, seed);
        System.out.printf("drift, Gaussian naive Bayes, seed %d: half-life 500 %.3f, no decay %.3f%n", seed, decayed, plain);
        assertThat(decayed).as("half-life 500: near the Bayes-optimal 0.93").isGreaterThan(0.88);
        assertThat(plain).as("no decay: the old means still dominate").isLessThan(0.3);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void hoeffdingTreeWithAHalfLifeRecoversAfterTheDriftAndWithoutItDoesNot(long seed) {
        List<Attribute> sea = List.of(Attribute.numeric("x1"), Attribute.numeric("x2"), Attribute.numeric("x3"));
        HoeffdingTree.Config config = HoeffdingTree.Config.of(sea, List.of("a", "b"));
        double decayed = accuracyAfterDrift(HoeffdingTree.learner(config.withDecayHalfLife(1_000)),
                DriftAdaptationTest::flippingSea, seed);
        double plain = accuracyAfterDrift(HoeffdingTree.learner(config), DriftAdaptationTest::flippingSea, seed);
        System.out.printf("drift, Hoeffding tree, seed %d: half-life 1000 %.3f, no decay %.3f%n", seed, decayed, plain);
        assertThat(decayed).as("half-life 1000").isGreaterThan(0.9);
        assertThat(plain).as("no decay: leaves keep the old majority").isLessThan(0.3);
    }

    @Test
    void decayingModelsRoundTripTheirSerdesAndRefuseToMerge() {
        Learner<double[], GaussianNaiveBayes> nb = GaussianNaiveBayes.learner(2, 100);
        GaussianNaiveBayes model = nb.newModel();
        Random random = new Random(4);
        for (int i = 0; i < 1_000; i++) {
            Example<double[]> e = swappingGaussians(random, i > 500);
            nb.learn(model, e.features(), e.label());
        }
        GaussianNaiveBayes copy = nb.modelSerde().deserialize("t", nb.modelSerde().serialize("t", model));
        assertThat(copy).isEqualTo(model);
        double[] x = {1.5, 0};
        assertThat(nb.predict(copy, x)).isEqualTo(nb.predict(model, x));
        assertThat(nb.mergeable()).isFalse();
        assertThatThrownBy(() -> model.add(copy)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one task");

        List<Attribute> sea = List.of(Attribute.numeric("x1"), Attribute.numeric("x2"), Attribute.numeric("x3"));
        HoeffdingTree.Config config = HoeffdingTree.Config.of(sea, List.of("a", "b")).withDecayHalfLife(1_000);
        HoeffdingTree tree = HoeffdingTree.create(config);
        for (int i = 0; i < 5_000; i++) {
            Example<double[]> e = flippingSea(random, false);
            tree.learn(e.features(), e.label());
        }
        HoeffdingTree treeCopy = HoeffdingTree.serde(config).deserialize("t", HoeffdingTree.serde(config).serialize("t", tree));
        assertThat(treeCopy).isEqualTo(tree);
        assertThatThrownBy(() -> HoeffdingTree.Config.of(sea, List.of("a", "b")).withDecayHalfLife(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decayHalfLife");
    }
}
