package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.util.Objects;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * An approximate count of distinct items: a HyperLogLog sketch (Apache DataSketches, 4-bit
 * registers) with {@code 2^lgK} registers, and what it estimates.
 *
 * <p><b>Accuracy.</b> Exact while the sketch holds few items (its list and set modes, up to about
 * {@code K/8} items); beyond, the relative standard error is about {@code 1.04 / sqrt(K)}
 * ({@link #relativeStandardError}): 1.6 % for lgK = 12 (the default), 0.8 % for lgK = 14. The
 * estimate lies within {@code s} standard errors of the truth with the normal confidence of
 * {@code s} (68 %, 95 %, 99.7 % for s = 1, 2, 3); {@link #lowerBound}/{@link #upperBound} give
 * those intervals. Size: at most about {@code K/2} bytes (2 KiB for lgK = 12), whatever the count.
 *
 * <p><b>State.</b> As an aggregate ({@link Sketches#distinctCount}) it is stored as its compact
 * bytes ({@link #serde}): changelogged, restored and exactly-once like any aggregate. The bytes
 * depend only on the items and their order, so a replayed batch rebuilds the same bytes.
 *
 * <p>Not thread-safe; an instance read from a table is the caller's own copy.
 */
public final class DistinctCount {

    /** The default lgK: 4096 registers, 1.6 % relative standard error, about 2 KiB. */
    public static final int DEFAULT_LG_K = 12;
    /** The smallest lgK DataSketches accepts. */
    public static final int MIN_LG_K = 4;
    /** The largest lgK DataSketches accepts. */
    public static final int MAX_LG_K = 21;

    private final HllSketch sketch;

    private DistinctCount(HllSketch sketch) {
        this.sketch = sketch;
    }

    /**
     * An empty count with {@code 2^lgK} registers.
     *
     * @throws IllegalArgumentException unless {@code lgK} is in [4, 21]
     */
    public static DistinctCount empty(int lgK) {
        Items.checkRange("lgK", lgK, MIN_LG_K, MAX_LG_K);
        return new DistinctCount(new HllSketch(lgK, TgtHllType.HLL_4));
    }

    /**
     * Adds {@code item} (see {@link Sketches} for the item types); null is ignored, and so are an
     * empty string and an empty byte array (DataSketches skips them).
     *
     * @return this count
     */
    public DistinctCount add(Object item) {
        if (item != null) {
            sketch.update(Items.bytes(item));
        }
        return this;
    }

    /** The estimated number of distinct items. */
    public double estimate() {
        return sketch.getEstimate();
    }

    /**
     * The lower end of the interval that holds the true count with the confidence of
     * {@code stdDevs} standard errors.
     *
     * @throws IllegalArgumentException unless {@code stdDevs} is 1, 2 or 3
     */
    public double lowerBound(int stdDevs) {
        Items.checkRange("stdDevs", stdDevs, 1, 3);
        return sketch.getLowerBound(stdDevs);
    }

    /** The upper end of that interval; see {@link #lowerBound}. */
    public double upperBound(int stdDevs) {
        Items.checkRange("stdDevs", stdDevs, 1, 3);
        return sketch.getUpperBound(stdDevs);
    }

    /** The sketch's lgK. */
    public int lgK() {
        return sketch.getLgConfigK();
    }

    /** {@code 1.04 / sqrt(2^lgK)}: the documented relative standard error in estimation mode. */
    public double relativeStandardError() {
        return 1.04 / Math.sqrt(1 << lgK());
    }

    /** True before any item was added. */
    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    /**
     * The union of two counts (items seen by either), as a new count with the smaller lgK of the
     * two; neither argument changes. A union of per-partition counts estimates the distinct items of
     * all partitions with the same bound as one sketch of that lgK. Union is idempotent: merging a
     * count with itself or with an older version of itself changes nothing.
     */
    public static DistinctCount union(DistinctCount a, DistinctCount b) {
        Union union = new Union(Math.min(a.lgK(), b.lgK()));
        union.update(a.sketch);
        union.update(b.sketch);
        return new DistinctCount(union.getResult(TgtHllType.HLL_4));
    }

    /** The compact bytes of the sketch, as DataSketches writes them (readable by its other languages). */
    public byte[] toByteArray() {
        return sketch.toCompactByteArray();
    }

    /**
     * Reads {@link #toByteArray} bytes.
     *
     * @throws org.apache.datasketches.common.SketchesArgumentException if they are not an HLL sketch
     */
    public static DistinctCount fromByteArray(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new DistinctCount(HllSketch.heapify(bytes));
    }

    /** Stores a count as its compact bytes; null stays null. */
    public static Serde<DistinctCount> serde() {
        return SketchSerde.of("DistinctCount", DistinctCount::toByteArray, DistinctCount::fromByteArray);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "DistinctCount[estimate=%.1f, 2σ=[%.1f, %.1f], lgK=%d]",
                estimate(), sketch.getLowerBound(2), sketch.getUpperBound(2), lgK());
    }
}
