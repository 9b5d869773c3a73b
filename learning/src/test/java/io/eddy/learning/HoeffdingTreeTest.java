package io.eddy.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.learning.HoeffdingTree.Attribute;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Hoeffding tree on generated concepts: prequential accuracy, the size bound, serdes. */
class HoeffdingTreeTest {
    private static final List<String> AB = List.of("a", "b");

    /** SEA (Street and Kim 2001): three attributes in [0, 10), class a iff x1 + x2 <= 8; the third is noise. */
    private static Example<double[]> sea(Random random) {
        double[] x = {10 * random.nextDouble(), 10 * random.nextDouble(), 10 * random.nextDouble()};
        return Example.of(x, x[0] + x[1] <= 8 ? "a" : "b");
    }

    /**
     * An Agrawal-like concept over a person: age in [20, 80), salary in [20k, 150k), education
     * level 0-4 (nominal), zip code 0-8 (nominal, irrelevant): group a iff (age < 40 and education
     * >= 2) or (age >= 60 and salary >= 75k) or (40 <= age < 60 and salary < 50k).
     */
    private static Example<double[]> agrawal(Random random) {
        double age = 20 + 60 * random.nextDouble();
        double salary = 20_000 + 130_000 * random.nextDouble();
        int education = random.nextInt(5);
        int zip = random.nextInt(9);
        boolean a = (age < 40 && education >= 2) || (age >= 60 && salary >= 75_000)
                || (age >= 40 && age < 60 && salary < 50_000);
        return Example.of(new double[] {age, salary, education, zip}, a ? "a" : "b");
    }

    private static final List<Attribute> SEA = List.of(Attribute.numeric("x1"), Attribute.numeric("x2"),
            Attribute.numeric("x3"));
    private static final List<Attribute> AGRAWAL = List.of(Attribute.numeric("age"), Attribute.numeric("salary"),
            Attribute.nominal("education", 5), Attribute.nominal("zip", 9));

    /** Prequential accuracy over examples (from, to]: each predicted, then learned. */
    private static double prequential(HoeffdingTree tree, Function<Random, Example<double[]>> concept, long seed,
                                      int from, int to) {
        Random random = new Random(seed);
        int correct = 0;
        for (int n = 0; n < to; n++) {
            Example<double[]> e = concept.apply(random);
            if (n >= from && e.label().equals(tree.predict(e.features()).label())) {
                correct++;
            }
            tree.learn(e.features(), e.label());
        }
        return (double) correct / (to - from);
    }

    @ParameterizedTest
    @EnumSource(HoeffdingTree.SplitCriterion.class)
    void onSeaItReaches97PercentPrequentialAccuracyBetween20And40ThousandExamples(HoeffdingTree.SplitCriterion c) {
        HoeffdingTree tree = HoeffdingTree.create(HoeffdingTree.Config.of(SEA, AB).withCriterion(c));
        double accuracy = prequential(tree, HoeffdingTreeTest::sea, 1, 20_000, 40_000);
        assertThat(accuracy).as("%s, %s", c, tree).isGreaterThan(0.97);
        assertThat(tree.depth()).isGreaterThan(1);
    }

    @ParameterizedTest
    @EnumSource(HoeffdingTree.LeafPrediction.class)
    void onAnAgrawalLikeConceptItReaches95PercentBetween100And140ThousandExamples(HoeffdingTree.LeafPrediction p) {
        HoeffdingTree tree = HoeffdingTree.create(HoeffdingTree.Config.of(AGRAWAL, AB).withLeafPrediction(p));
        double accuracy = prequential(tree, HoeffdingTreeTest::agrawal, 2, 100_000, 140_000);
        assertThat(accuracy).as("%s, %s", p, tree).isGreaterThan(0.95);
    }

    @Test
    void theTreeNeverGrowsPastItsLeafBound() {
        HoeffdingTree tree = HoeffdingTree.create(HoeffdingTree.Config.of(AGRAWAL, AB).withMaxLeaves(6)
                .withGracePeriod(100));
        Random random = new Random(3);
        for (int n = 0; n < 50_000; n++) {
            Example<double[]> e = agrawal(random);
            tree.learn(e.features(), e.label());
            assertThat(tree.leaves()).isLessThanOrEqualTo(6);
        }
        assertThat(tree.deactivatedLeaves()).as("leaves stopped growing at the bound").isPositive();
        HoeffdingTree unbounded = HoeffdingTree.create(HoeffdingTree.Config.of(AGRAWAL, AB).withGracePeriod(100));
        random = new Random(3);
        for (int n = 0; n < 50_000; n++) {
            Example<double[]> e = agrawal(random);
            unbounded.learn(e.features(), e.label());
        }
        assertThat(unbounded.leaves()).isGreaterThan(6);
        int boundedBytes = HoeffdingTree.serde(tree.config()).serialize("t", tree).length;
        int unboundedBytes = HoeffdingTree.serde(unbounded.config()).serialize("t", unbounded).length;
        assertThat(boundedBytes).isLessThan(unboundedBytes);
    }

    @Test
    void theSerdeRoundTripsAGrownTreeAndItKeepsLearningTheSame() {
        HoeffdingTree.Config config = HoeffdingTree.Config.of(AGRAWAL, AB);
        HoeffdingTree tree = HoeffdingTree.create(config);
        Random random = new Random(4);
        for (int n = 0; n < 5_000; n++) {
            Example<double[]> e = agrawal(random);
            tree.learn(e.features(), e.label());
        }
        HoeffdingTree copy = HoeffdingTree.serde(config).deserialize("t", HoeffdingTree.serde(config).serialize("t", tree));
        assertThat(copy).isEqualTo(tree);
        for (int n = 0; n < 5_000; n++) {
            Example<double[]> e = agrawal(random);
            tree.learn(e.features(), e.label());
            copy.learn(e.features(), e.label());
        }
        assertThat(copy).isEqualTo(tree);
    }

    @Test
    void badFeaturesAreRefusedWithTheAttributeNamed() {
        HoeffdingTree tree = HoeffdingTree.create(HoeffdingTree.Config.of(AGRAWAL, AB));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tree.learn(new double[] {30, 1, 7, 0}, "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("education");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tree.learn(new double[] {30, 1, 1, 0}, "z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classes");
    }
}
