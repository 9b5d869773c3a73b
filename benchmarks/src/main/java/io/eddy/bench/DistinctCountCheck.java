package io.eddy.bench;

import io.eddy.sketches.DistinctCount;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads W11's output: one record per closed (key, window), whose value is Eddy's HyperLogLog sketch
 * (its estimate is read) or Kafka Streams' exact count of distinct values (an 8-byte long). Keeps
 * each cell's answer so the harness can compare the two engines' answers cell by cell. Window keys
 * are read as {@link WindowCountCheck} reads them. Not thread-safe.
 */
final class DistinctCountCheck {
    private final EventTimeInput.Expected expected;
    private final Engine engine;
    private final int suffixBytes;
    private final double[] answers;
    private long records;
    private long unknown;
    private long duplicates;
    private long valueBytes;

    DistinctCountCheck(EventTimeInput.Expected expected, Engine engine) {
        this.expected = expected;
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

    /** Null if every window that must close was written once, with a sane answer; else what is wrong. */
    String error() {
        long missing = 0;
        long insane = 0;
        boolean[] mustClose = expected.mustClose();
        for (int cell = 0; cell < answers.length; cell++) {
            if (mustClose[cell] && Double.isNaN(answers[cell])) {
                missing++;
            }
            if (!Double.isNaN(answers[cell]) && (answers[cell] < 1 || answers[cell] > 1.1 * expected.counts()[cell])) {
                insane++;   // distinct values never exceed the records (an HLL by more than its error)
            }
        }
        if (missing == 0 && unknown == 0 && duplicates == 0 && insane == 0) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "%d windows missing, %d unknown records, %d duplicates, "
                + "%d answers above the record count", missing, unknown, duplicates, insane);
    }

    /**
     * One line comparing HLL estimates with exact answers, cell by cell where both exist: mean and
     * largest relative error, the share within 3 standard errors (lgK 12: 3 × 1.625 %).
     */
    static String compare(double[] estimates, double[] exact) {
        int n = 0;
        int within = 0;
        double sum = 0;
        double max = 0;
        double[] errors = new double[estimates.length];
        for (int i = 0; i < estimates.length; i++) {
            if (Double.isNaN(estimates[i]) || Double.isNaN(exact[i]) || exact[i] == 0) {
                continue;
            }
            double e = Math.abs(estimates[i] - exact[i]) / exact[i];
            errors[n++] = e;
            sum += e;
            max = Math.max(max, e);
            within += e <= 3 * 1.04 / Math.sqrt(4096) ? 1 : 0;
        }
        if (n == 0) {
            return "no window answered by both engines";
        }
        Arrays.sort(errors, 0, n);
        return String.format(java.util.Locale.ROOT, "HLL lgK 12 vs exact over %d windows: relative error mean %.3f %%, "
                        + "p99 %.3f %%, max %.3f %%; %.1f %% of windows within 3 standard errors (4.9 %%)",
                n, 100 * sum / n, 100 * errors[(int) Math.min(n - 1, Math.ceil(0.99 * n) - 1)], 100 * max,
                100.0 * within / n);
    }
}
