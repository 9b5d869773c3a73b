package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.util.Locale;
import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * An approximate distribution of numbers: a KLL sketch (Apache DataSketches) of doubles with
 * accuracy parameter {@code k}, queried for quantiles (the value at a rank, e.g. p99) and ranks
 * (the fraction of values at or below a value).
 *
 * <p><b>Accuracy.</b> A quantile returned for rank {@code r} is a value whose true normalized rank
 * lies within {@link #normalizedRankError()} of {@code r} with 99 % confidence: about 1.65 % for
 * k = 200 (the default), 0.65 % for k = 800. The error is in rank, not in value. Exact while fewer
 * than {@code k} values were added. Size: a few KiB whatever the count (about 3 KiB for k = 200
 * and a million values).
 *
 * <p><b>State.</b> Stored as its compact bytes ({@link #serde}), changelogged and exactly-once like
 * any aggregate. KLL compaction keeps the odd or the even items of a level by a random bit; here
 * that bit is a function of the sketch's count of values and the value added (see
 * {@code KllCoins}), so a batch replayed after a crash, or a second run over the same records,
 * rebuilds byte-identical sketches. Updates and merges of all KLL sketches in the JVM take one
 * shared lock for this.
 *
 * <p>Not thread-safe; an instance read from a table is the caller's own copy.
 */
public final class Quantiles {

    /** The default k: 1.65 % normalized rank error at 99 % confidence. */
    public static final int DEFAULT_K = 200;

    private final KllDoublesSketch sketch;

    private Quantiles(KllDoublesSketch sketch) {
        this.sketch = sketch;
    }

    /**
     * An empty sketch with accuracy parameter {@code k}.
     *
     * @throws IllegalArgumentException unless {@code k} is in [8, 65535]
     */
    public static Quantiles empty(int k) {
        Items.checkRange("k", k, 8, 65535);
        return new Quantiles(KllDoublesSketch.newHeapInstance(k));
    }

    /**
     * Adds {@code value}; NaN is ignored.
     *
     * @return this sketch
     */
    public Quantiles add(double value) {
        if (!Double.isNaN(value)) {
            KllCoins.flip(sketch.getN(), Double.doubleToLongBits(value), () -> sketch.update(value));
        }
        return this;
    }

    /** How many values were added. */
    public long count() {
        return sketch.getN();
    }

    /** True before any value was added. */
    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    /**
     * The value at normalized rank {@code rank} (0.5 the median, 0.99 the 99th percentile),
     * inclusive: the smallest retained value whose estimated rank is at least {@code rank}; NaN when
     * empty.
     *
     * @throws IllegalArgumentException unless {@code rank} is in [0, 1]
     */
    public double quantile(double rank) {
        if (!(rank >= 0 && rank <= 1)) {
            throw new IllegalArgumentException("rank must be in [0, 1], not " + rank);
        }
        return isEmpty() ? Double.NaN : sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }

    /** The values at each of {@code ranks}, as {@link #quantile} would return them. */
    public double[] quantiles(double... ranks) {
        double[] out = new double[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            out[i] = quantile(ranks[i]);
        }
        return out;
    }

    /** The estimated fraction of values at or below {@code value}; NaN when empty. */
    public double rank(double value) {
        return isEmpty() ? Double.NaN : sketch.getRank(value, QuantileSearchCriteria.INCLUSIVE);
    }

    /** The smallest value added; NaN when empty. */
    public double min() {
        return isEmpty() ? Double.NaN : sketch.getMinItem();
    }

    /** The largest value added; NaN when empty. */
    public double max() {
        return isEmpty() ? Double.NaN : sketch.getMaxItem();
    }

    /** The sketch's k. */
    public int k() {
        return sketch.getK();
    }

    /** The normalized rank error of a single quantile or rank query, at 99 % confidence. */
    public double normalizedRankError() {
        return sketch.getNormalizedRankError(false);
    }

    /** The merge of two sketches (the values of both), as a new sketch; neither argument changes. */
    public static Quantiles merge(Quantiles a, Quantiles b) {
        KllDoublesSketch merged = KllDoublesSketch.heapify(Memory.wrap(a.sketch.toByteArray()));
        KllCoins.flip(a.sketch.getN(), ~b.sketch.getN(), () -> merged.merge(b.sketch));
        return new Quantiles(merged);
    }

    /** The compact bytes of the sketch, as DataSketches writes them. */
    public byte[] toByteArray() {
        return sketch.toByteArray();
    }

    /** Reads {@link #toByteArray} bytes. */
    public static Quantiles fromByteArray(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new Quantiles(KllDoublesSketch.heapify(Memory.wrap(bytes)));
    }

    /** Stores a sketch as its compact bytes; null stays null. */
    public static Serde<Quantiles> serde() {
        return SketchSerde.of("Quantiles", Quantiles::toByteArray, Quantiles::fromByteArray);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Quantiles[n=%d, p50=%s, p95=%s, p99=%s, k=%d]", count(),
                quantile(0.5), quantile(0.95), quantile(0.99), k());
    }
}
