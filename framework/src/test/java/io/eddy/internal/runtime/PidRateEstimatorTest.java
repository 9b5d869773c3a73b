package io.eddy.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The backpressure controller against a simulated worker: each batch admits
 * {@code bound × interval} records (500, one poll, before the first bound), processing costs
 * {@code cost(n)} ms per record plus a fixed 10 ms (commit), and a batch whose work exceeds the
 * 100 ms interval adds the excess to the trigger delay while one with time to spare takes its idle
 * time off. Input arrives at 2,000 records/s, more than the worker can ever take, so the bound is
 * always in force. The bound the controller should find is the one whose batch exactly fills the
 * interval: {@code (interval − 10) / (interval · cost)} records per ms.
 */
class PidRateEstimatorTest {
    static final long INTERVAL = 100;
    static final double OVERHEAD = 10;

    record Step(double bound, double delay, double ideal) {
    }

    static double ideal(double costMs) {
        return (INTERVAL - OVERHEAD) * 1000.0 / (INTERVAL * costMs);
    }

    static List<Step> simulate(IntToDoubleFunction cost, int batches) {
        PidRateEstimator pid = new PidRateEstimator(1.0, 0.2, 0.0, 10.0);
        List<Step> steps = new ArrayList<>();
        double bound = Double.NaN;
        double delay = 0;
        long now = 0;
        for (int n = 0; n < batches; n++) {
            double c = cost.applyAsDouble(n);
            double admitted = Double.isNaN(bound) ? 500 : bound * INTERVAL / 1000.0;
            double busy = admitted * c + OVERHEAD;
            double duration = Math.max(INTERVAL, busy);
            delay = Math.max(0, delay + busy - INTERVAL);
            now += (long) duration;
            bound = pid.update(now, Math.round(admitted), Math.round(busy), Math.round(delay), INTERVAL);
            steps.add(new Step(bound, delay, ideal(c)));
        }
        return steps;
    }

    @Test
    void stepLoadConvergesWithin2PercentIn20BatchesWithoutOvershoot() {
        // processing cost doubles at batch 100 (the capacity halves)
        List<Step> s = simulate(n -> n < 100 ? 1.0 : 2.0, 200);
        for (int n = 20; n < 100; n++) {
            assertThat(s.get(n).bound()).as("batch %d", n).isCloseTo(900, org.assertj.core.data.Percentage.withPercentage(2));
        }
        for (int n = 120; n < 200; n++) {
            assertThat(s.get(n).bound()).as("batch %d", n).isCloseTo(450, org.assertj.core.data.Percentage.withPercentage(2));
        }
        for (int n = 1; n < 200; n++) {
            assertThat(s.get(n).bound()).as("no overshoot, batch %d", n).isLessThanOrEqualTo(s.get(n).ideal() * 1.05);
        }
        // the first, unbounded batch (one 500-record poll) leaves the worker 410 ms behind; the
        // bound drains that within 10 batches, and the step costs at most one interval of delay
        for (int n = 10; n < 200; n++) {
            assertThat(s.get(n).delay()).as("delay, batch %d", n).isLessThanOrEqualTo(INTERVAL);
        }
    }

    @Test
    void rampTracksTheFallingCapacityWithin5Percent() {
        // the cost grows linearly from 1 ms to 2 ms per record over 200 batches
        List<Step> s = simulate(n -> 1.0 + n / 200.0, 200);
        for (int n = 20; n < 200; n++) {
            assertThat(s.get(n).bound()).as("batch %d", n)
                    .isCloseTo(s.get(n).ideal(), org.assertj.core.data.Percentage.withPercentage(5));
            assertThat(s.get(n).delay()).as("delay, batch %d", n).isLessThanOrEqualTo(0.1 * INTERVAL);
        }
    }

    @Test
    void oscillatingCapacityIsFollowedWithoutAmplification() {
        // the cost swings between 0.5 and 1.5 ms per record with a period of 40 batches
        List<Step> s = simulate(n -> 1.0 + 0.5 * Math.sin(2 * Math.PI * n / 40), 240);
        double lowest = ideal(1.5);
        double highest = ideal(0.5);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int n = 40; n < 240; n++) {
            Step step = s.get(n);
            assertThat(step.bound()).as("batch %d", n).isBetween(0.9 * lowest, 1.05 * highest);
            assertThat(step.delay()).as("delay, batch %d", n).isLessThanOrEqualTo(0.5 * INTERVAL);
            min = Math.min(min, step.bound());
            max = Math.max(max, step.bound());
        }
        assertThat(max - min).as("the bound's swing").isLessThanOrEqualTo(1.05 * (highest - lowest));
    }

    @Test
    void batchesWithoutRecordsOrTimeChangeNothing() {
        PidRateEstimator pid = new PidRateEstimator(1.0, 0.2, 0.0, 10.0);
        assertThat(pid.update(100, 0, 0, 0, 100)).isNaN();
        assertThat(pid.update(200, 100, 100, 0, 100)).isEqualTo(1000.0);
        assertThat(pid.update(300, 0, 5, 0, 100)).isEqualTo(1000.0);
        assertThat(pid.rate()).isEqualTo(1000.0);
    }

    @Test
    void theBoundNeverFallsBelowTheMinimumRate() {
        PidRateEstimator pid = new PidRateEstimator(1.0, 0.2, 0.0, 50.0);
        // a huge delay asks for a negative rate
        assertThat(pid.update(100, 10, 100, 100_000, 100)).isEqualTo(50.0);
        assertThat(pid.update(200, 10, 100, 100_000, 100)).isEqualTo(50.0);
    }
}
