package io.eddy.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Streaming k-means on seeded Gaussian blobs: recovery, tracking with decay, dying clusters, merging. */
class StreamingKMeansTest {
    private static final double[][] TRUE_CENTRES = {{0, 0, 0}, {10, 0, 0}, {0, 10, 0}, {0, 0, 10}, {10, 10, 10}};

    private static double[] blobPoint(Random random, double[] centre, double sd) {
        double[] p = new double[centre.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = centre[i] + sd * random.nextGaussian();
        }
        return p;
    }

    private static double nearestDistance(double[][] centres, double[] target) {
        double best = Double.POSITIVE_INFINITY;
        for (double[] c : centres) {
            best = Math.min(best, Math.sqrt(StreamingKMeans.distance2(c, target)));
        }
        return best;
    }

    @Test
    void recoversWellSeparatedGaussianCentresWithinAQuarterOfTheirSpread() {
        // 5 blobs of sd 1, at least 10 apart, 10 000 points, random seeded initial centres
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            StreamingKMeans model = StreamingKMeans.create(StreamingKMeans.Config.of(5, 3).withSeed(seed));
            for (int n = 0; n < 10_000; n++) {
                model.learn(blobPoint(random, TRUE_CENTRES[random.nextInt(5)], 1.0));
            }
            for (double[] truth : TRUE_CENTRES) {
                assertThat(nearestDistance(model.centres(), truth)).as("seed %d, centre near %s", seed,
                        java.util.Arrays.toString(truth)).isLessThan(0.25);
            }
        }
    }

    @Test
    void withDecayACentreFollowsAMovingBlobWhileWithoutDecayItLags() {
        Random random = new Random(42);
        StreamingKMeans decaying = StreamingKMeans.create(StreamingKMeans.Config.of(2, 2).withHalfLife(500).withSeed(7));
        StreamingKMeans forever = StreamingKMeans.create(StreamingKMeans.Config.of(2, 2).withSeed(7));
        int steps = 20_000;
        double[] moving = {20, 0};
        for (int n = 0; n < steps; n++) {
            moving = new double[] {20, 30.0 * n / steps};   // drifts 30 units along y
            double[] p = n % 2 == 0 ? blobPoint(random, new double[] {0, 0}, 1) : blobPoint(random, moving, 1);
            decaying.learn(p);
            forever.learn(p);
        }
        // decay on: within 1.5 of where the blob is now (the lag of a half-life of 500 examples is ~0.75 at this speed)
        assertThat(nearestDistance(decaying.centres(), moving)).isLessThan(1.5);
        assertThat(nearestDistance(decaying.centres(), new double[] {0, 0})).isLessThan(0.5);
        // decay off: the centre is the mean of the whole path, about 15 units behind
        assertThat(nearestDistance(forever.centres(), moving)).isGreaterThan(10);
    }

    @Test
    void aClusterThatGetsNoPointsIsReplacedBySplittingTheLargest() {
        // a third centre far from all data gets nothing, decays below 1e-8 of the largest, and is
        // replaced by a split of the largest: then both halves settle on the two data blobs' halves
        StreamingKMeans model = StreamingKMeans.fromCentres(new double[][] {{0, 0}, {10, 0}, {500, 500}}, 1, 100, 3);
        Random random = new Random(5);
        for (int n = 0; n < 20_000; n++) {
            model.learn(blobPoint(random, n % 2 == 0 ? new double[] {0, 0} : new double[] {10, 0}, 1));
        }
        assertThat(model.splits()).isGreaterThanOrEqualTo(1);
        for (double[] c : model.centres()) {
            assertThat(Math.min(Math.hypot(c[0], c[1]), Math.hypot(c[0] - 10, c[1]))).as("centre %s is near the data",
                    java.util.Arrays.toString(c)).isLessThan(3);
        }
    }

    @Test
    void aModelMergedFromFourPartitionsFindsTheCentresOfAllTheirData() {
        Random random = new Random(11);
        double[][] start = {{1, 1, 1}, {9, 1, 1}, {1, 9, 1}, {1, 1, 9}, {9, 9, 9}};
        List<StreamingKMeans> parts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            parts.add(StreamingKMeans.fromCentres(start, 1, Double.POSITIVE_INFINITY, 0));
        }
        StreamingKMeans whole = StreamingKMeans.fromCentres(start, 1, Double.POSITIVE_INFINITY, 0);
        for (int n = 0; n < 8_000; n++) {
            double[] p = blobPoint(random, TRUE_CENTRES[random.nextInt(5)], 1.0);
            parts.get(n % 4).learn(p);
            whole.learn(p);
        }
        StreamingKMeans merged = StreamingKMeans.learner(parts.get(0)).merge(parts);
        assertThat(merged.examples()).isEqualTo(whole.examples());
        for (int c = 0; c < 5; c++) {
            assertThat(Math.sqrt(StreamingKMeans.distance2(merged.centres()[c], whole.centres()[c]))).isLessThan(0.1);
        }
    }

    @Test
    void theSerdeRoundTripsAModelMidwayThroughItsInitialSample() {
        StreamingKMeans model = StreamingKMeans.create(StreamingKMeans.Config.of(3, 2).withHalfLife(50).withSeed(9));
        Random random = new Random(1);
        for (int n = 0; n < 30; n++) {
            model.learn(blobPoint(random, new double[] {0, 0}, 1));
        }
        StreamingKMeans copy = StreamingKMeans.serde().deserialize("t", StreamingKMeans.serde().serialize("t", model));
        assertThat(copy).isEqualTo(model);
        for (int n = 0; n < 100; n++) {
            double[] p = blobPoint(random, new double[] {5, 5}, 1);
            model.learn(p);
            copy.learn(p);
        }
        assertThat(copy).isEqualTo(model);
        assertThat(copy.centres()).isNotNull();
    }
}
