package io.eddy.bench;

import io.eddy.sketches.DistinctCount;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads W11's output: one record per closed (key, window), whose value is Eddy's HyperLogLog sketch
 * (its estimate is read) or Kafka Streams' exact count of distinct values (an 8-byte long), and
 * checks each against the true number of distinct values of its cell
 * ({@link DistinctValuesInput#distinctCounts}). The exact engine must give the true number; the
 * sketch must be within 10 % of it ({@link #SKETCH_SANITY_BOUND}: more than six standard errors at lgK
 * 12, so a miss is a bug, not bad luck); how close it is, {@link #accuracy()} says. Window keys are
 * read as {@link WindowCountCheck} reads them. Not thread-safe.
 */
final class DistinctCountCheck {
    /** The largest relative error of a sketch's estimate that the check accepts. */
    static final double SKETCH_SANITY_BOUND = 0.10;
    /** The relative standard error of the benchmark's sketch: HLL at the default lgK (12), 1.04 / sqrt(2^12). */
    static final double STANDARD_ERROR = 1.04 / Math.sqrt(1 << DistinctCount.DEFAULT_LG_K);

    private final EventTimeInput.Expected expected;
    private final long[] truth;
    private final Engine engine;
    private final int suffixBytes;
    private final double[] answers;
    private long records;
    private long unknown;
    private long duplicates;
    private long valueBytes;

    /**
     * @param expected the input's cells and which must be closed
     * @param truth the true distinct values of every cell, indexed like {@code expected}'s counts
     * @param engine whose output is read: Eddy writes sketches, the others exact counts
     */
    DistinctCountCheck(EventTimeInput.Expected expected, long[] truth, Engine engine) {
        if (truth.length != expected.counts().length) {
            throw new IllegalArgumentException("truth has " + truth.length + " cells, expected "
                    + expected.counts().length);
        }
        this.expected = expected;
        this.truth = truth;
        this.engine = engine;
        this.suffixBytes = WindowCountCheck.windowSuffixBytes(engine);
        this.answers = new double[expected.counts().length];
        Arrays.fill(answers, Double.NaN);
    }

    void accept(byte[] key, byte[] value) {
        records++;
        if (key == null || key.length <= suffixBytes || value == null) {
            unknown++;
            return;
        }
        int keyLength = key.length - suffixBytes;
        long start = ByteBuffer.wrap(key, keyLength, suffixBytes).getLong();
        int cell = expected.cell(Workload.keyIndex(Arrays.copyOf(key, keyLength)), start);
        if (cell < 0) {
            unknown++;
            return;
        }
        if (!Double.isNaN(answers[cell])) {
            duplicates++;
            return;
        }
        valueBytes += value.length;
        answers[cell] = engine == Engine.EDDY ? DistinctCount.fromByteArray(value).estimate()
                : ByteBuffer.wrap(value).getLong();
    }

    /** Each cell's answer (NaN where none was read), by cell. */
    double[] answers() {
        return answers;
    }

    /** Bytes of the output values read (Eddy: the sketches). */
    long valueBytes() {
        return valueBytes;
    }

    /** How close the answers read so far are to the truth. */
    Accuracy accuracy() {
        return accuracy(answers, truth);
    }

    /** Null if every window that must close was written once, with a right answer; else what is wrong. */
    String error() {
        long missing = 0;
        long wrong = 0;
        String example = "";
        boolean[] mustClose = expected.mustClose();
        for (int cell = 0; cell < answers.length; cell++) {
            if (mustClose[cell] && Double.isNaN(answers[cell])) {
                missing++;
            }
            if (!Double.isNaN(answers[cell]) && !acceptable(answers[cell], truth[cell])) {
                if (wrong++ == 0) {
                    example = String.format(Locale.ROOT, " (cell %d: %.1f instead of %d)", cell, answers[cell],
                            truth[cell]);
                }
            }
        }
        if (missing == 0 && unknown == 0 && duplicates == 0 && wrong == 0) {
            return null;
        }
        return String.format(Locale.ROOT, "%d windows missing, %d unknown records, %d duplicates, %d wrong answers%s",
                missing, unknown, duplicates, wrong, example);
    }

    private boolean acceptable(double answer, long exact) {
        if (engine != Engine.EDDY) {
            return answer == exact;
        }
        return exact > 0 && Math.abs(answer - exact) <= SKETCH_SANITY_BOUND * exact;
    }

    /**
     * The relative errors of {@code answers} against {@code truth} over the cells that have both
     * (an answer, and at least one value).
     */
    static Accuracy accuracy(double[] answers, long[] truth) {
        int n = 0;
        int within = 0;
        double sum = 0;
        double max = 0;
        double[] errors = new double[answers.length];
        double threeSe = 3 * STANDARD_ERROR;
        for (int i = 0; i < answers.length; i++) {
            if (Double.isNaN(answers[i]) || truth[i] == 0) {
                continue;
            }
            double e = Math.abs(answers[i] - truth[i]) / truth[i];
            errors[n++] = e;
            sum += e;
            max = Math.max(max, e);
            within += e <= threeSe ? 1 : 0;
        }
        if (n == 0) {
            return new Accuracy(0, 0, 0, 0, 0);
        }
        Arrays.sort(errors, 0, n);
        return new Accuracy(n, sum / n, errors[(int) Math.min(n - 1, Math.ceil(0.99 * n) - 1)], max,
                (double) within / n);
    }

    /**
     * Relative errors against the true distinct counts.
     *
     * @param windows cells compared
     * @param mean mean relative error
     * @param p99 99th percentile of the relative error
     * @param max largest relative error
     * @param withinThreeStandardErrors the share of cells within 3 standard errors of lgK 12 (4.9 %)
     */
    record Accuracy(int windows, double mean, double p99, double max, double withinThreeStandardErrors) {
        @Override
        public String toString() {
            if (windows == 0) {
                return "no window to compare";
            }
            return String.format(Locale.ROOT, "over %d windows: relative error mean %.3f %%, p99 %.3f %%, max %.3f %%; "
                            + "%.1f %% of windows within 3 standard errors of lgK 12 (4.9 %%)", windows, 100 * mean,
                    100 * p99, 100 * max, 100 * withinThreeStandardErrors);
        }
    }
}
