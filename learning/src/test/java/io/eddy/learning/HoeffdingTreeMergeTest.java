package io.eddy.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.learning.HoeffdingTree.Attribute;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Merging Hoeffding trees: trees of one structure (copies of a grown tree that keep learning at
 * their leaves without splitting) merge leaf by leaf into the tree one copy would have become on
 * all their examples; trees that grew apart are refused with the fallback named.
 */
class HoeffdingTreeMergeTest {
    private static final List<Attribute> ATTRIBUTES = List.of(Attribute.numeric("x1"), Attribute.numeric("x2"),
            Attribute.nominal("colour", 3));
    private static final HoeffdingTree.Config CONFIG = HoeffdingTree.Config.of(ATTRIBUTES, List.of("a", "b"));
    /** The same attributes and classes, but leaves never attempt a split: the structure is frozen. */
    private static final HoeffdingTree.Config FROZEN = CONFIG.withGracePeriod(Integer.MAX_VALUE);

    private static Example<double[]> example(Random random) {
        double[] x = {10 * random.nextDouble(), 10 * random.nextDouble(), random.nextInt(3)};
        boolean a = x[0] + x[1] <= 8 || x[2] == 2 && x[0] < 5;
        return Example.of(x, a ? "a" : "b");
    }

    private static HoeffdingTree copy(HoeffdingTree tree, HoeffdingTree.Config as) {
        return HoeffdingTree.serde(as).deserialize("", HoeffdingTree.serde(tree.config()).serialize("", tree));
    }

    @Test
    void treesOfOneStructureMergeIntoTheTreeThatLearnedAllTheirExamples() {
        HoeffdingTree grown = HoeffdingTree.create(CONFIG);
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            Example<double[]> e = example(random);
            grown.learn(e.features(), e.label());
        }
        assertThat(grown.leaves()).as("a tree with splits").isGreaterThan(3);
        List<HoeffdingTree> shards = List.of(copy(grown, FROZEN), copy(grown, FROZEN), copy(grown, FROZEN),
                copy(grown, FROZEN));
        HoeffdingTree oneTask = copy(grown, FROZEN);
        for (int i = 0; i < 8_000; i++) {
            Example<double[]> e = example(random);
            shards.get(i % 4).learn(e.features(), e.label());
            oneTask.learn(e.features(), e.label());
        }
        HoeffdingTree merged = HoeffdingTree.merge(shards);
        // the copies each start from the grown tree's statistics, so the merge counts them 4 times:
        // it equals one copy that learned everything, merged with 3 more copies of the grown tree
        assertThat(HoeffdingTree.sameStructure(merged, oneTask)).isTrue();
        assertThat(merged.examples()).isEqualTo(4 * grown.examples() + 8_000);
        assertThat(HoeffdingTree.merge(List.of(copy(grown, FROZEN))).examples()).isEqualTo(grown.examples());
        HoeffdingTree reference = HoeffdingTree.merge(List.of(oneTask, copy(grown, FROZEN), copy(grown, FROZEN),
                copy(grown, FROZEN)));
        assertSamePredictions(merged, reference);

        // from empty statistics (a tree of one leaf: no split yet), the merge equals one learner's tree
        List<HoeffdingTree> leaves = List.of(HoeffdingTree.create(FROZEN), HoeffdingTree.create(FROZEN));
        HoeffdingTree single = HoeffdingTree.create(FROZEN);
        for (int i = 0; i < 6_000; i++) {
            Example<double[]> e = example(random);
            leaves.get(i % 2).learn(e.features(), e.label());
            single.learn(e.features(), e.label());
        }
        HoeffdingTree mergedLeaves = HoeffdingTree.merge(leaves);
        assertThat(mergedLeaves.examples()).isEqualTo(single.examples());
        assertSamePredictions(mergedLeaves, single);
    }

    /** The same label and, up to rounding of the Gaussians, the same score on 2,000 points. */
    private static void assertSamePredictions(HoeffdingTree x, HoeffdingTree y) {
        Random test = new Random(9);
        for (int i = 0; i < 2_000; i++) {
            double[] f = example(test).features();
            Learner.Scored a = x.predict(f);
            Learner.Scored b = y.predict(f);
            assertThat(a.label()).isEqualTo(b.label());
            assertThat(a.score()).isCloseTo(b.score(), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void treesThatGrewApartAreRefusedNamingTheOneTaskFallback() {
        HoeffdingTree a = HoeffdingTree.create(CONFIG);
        HoeffdingTree b = HoeffdingTree.create(CONFIG);
        Random ra = new Random(2);
        Random rb = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Example<double[]> e = example(ra);
            a.learn(e.features(), e.label());
            Example<double[]> f = example(rb);
            b.learn(f.features(), f.label());
        }
        assertThat(HoeffdingTree.sameStructure(a, b)).isFalse();
        assertThatThrownBy(() -> HoeffdingTree.merge(List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shards(1)");
        assertThat(HoeffdingTree.learner(CONFIG).mergeable()).as("sharded training stays refused").isFalse();
    }
}
