package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The heavy hitters of a stream of text items: a Misra-Gries style frequent-items sketch (Apache
 * DataSketches) tracking at most {@code 0.75 * maxMapSize} items.
 *
 * <p><b>Accuracy.</b> Every count is exact while fewer distinct items than that were seen. Beyond,
 * each item's estimate is within {@link #maximumError()} of its true count, and that error is at
 * most {@code 3.5 / maxMapSize} of the stream length ({@link #aprioriError}): with the default
 * {@code maxMapSize = 64}, any item more frequent than about 5.5 % of the stream is always found.
 * {@link #top} lists items with no false negatives for that threshold (it may include items just
 * under it); each row carries its lower and upper bound.
 *
 * <p><b>State.</b> Stored as its compact bytes ({@link #serde}); the sketch is deterministic, so a
 * replayed batch rebuilds the same bytes.
 *
 * <p>Not thread-safe; an instance read from a table is the caller's own copy.
 */
public final class FrequentItems {

    /** The default map size: 48 items tracked, error at most 5.5 % of the stream length. */
    public static final int DEFAULT_MAX_MAP_SIZE = 64;
    private static final ArrayOfStringsSerDe STRINGS = new ArrayOfStringsSerDe();

    private final ItemsSketch<String> sketch;

    private FrequentItems(ItemsSketch<String> sketch) {
        this.sketch = sketch;
    }

    /**
     * An empty sketch with map size {@code maxMapSize}.
     *
     * @throws IllegalArgumentException unless {@code maxMapSize} is a power of two in [8, 2^26]
     */
    public static FrequentItems empty(int maxMapSize) {
        Items.checkRange("maxMapSize", maxMapSize, 8, 1 << 26);
        if (Integer.bitCount(maxMapSize) != 1) {
            throw new IllegalArgumentException("maxMapSize must be a power of two, not " + maxMapSize);
        }
        return new FrequentItems(new ItemsSketch<>(maxMapSize));
    }

    /** The bound on {@link #maximumError()} for {@code streamLength} items: {@code 3.5 * n / maxMapSize}. */
    public static double aprioriError(int maxMapSize, long streamLength) {
        return ItemsSketch.getAprioriError(maxMapSize, streamLength);
    }

    /**
     * Counts one occurrence of {@code item}; null and the empty string are ignored.
     *
     * @return this sketch
     */
    public FrequentItems add(String item) {
        if (item != null && !item.isEmpty()) {
            sketch.update(item);
        }
        return this;
    }

    /** The estimated count of {@code item} (0 if not tracked). */
    public long estimate(String item) {
        return sketch.getEstimate(item);
    }

    /** How many items were counted. */
    public long streamLength() {
        return sketch.getStreamLength();
    }

    /** The largest difference between any estimate and its true count. */
    public long maximumError() {
        return sketch.getMaximumError();
    }

    /**
     * The {@code n} most frequent items, most frequent first, among those whose upper bound
     * exceeds {@link #maximumError()} (so no item more frequent than that is missed).
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public List<ItemCount> top(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, not " + n);
        }
        List<ItemCount> rows = new ArrayList<>();
        for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
            if (rows.size() == n) {
                break;
            }
            rows.add(new ItemCount(row.getItem(), row.getEstimate(), row.getLowerBound(), row.getUpperBound()));
        }
        return List.copyOf(rows);
    }

    /** The merge of two sketches (the items of both), as a new sketch; neither argument changes. */
    public static FrequentItems merge(FrequentItems a, FrequentItems b) {
        ItemsSketch<String> merged = ItemsSketch.getInstance(Memory.wrap(a.toByteArray()), STRINGS);
        merged.merge(b.sketch);
        return new FrequentItems(merged);
    }

    /** The compact bytes of the sketch, as DataSketches writes them (items as UTF-8). */
    public byte[] toByteArray() {
        return sketch.toByteArray(STRINGS);
    }

    /** Reads {@link #toByteArray} bytes. */
    public static FrequentItems fromByteArray(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new FrequentItems(ItemsSketch.getInstance(Memory.wrap(bytes), STRINGS));
    }

    /** Stores a sketch as its compact bytes; null stays null. */
    public static Serde<FrequentItems> serde() {
        return SketchSerde.of("FrequentItems", FrequentItems::toByteArray, FrequentItems::fromByteArray);
    }

    @Override
    public String toString() {
        return "FrequentItems[n=" + streamLength() + ", maxError=" + maximumError() + ", top=" + top(5) + "]";
    }

    /**
     * One row of {@link #top}: an item, its estimated count and the bounds of its true count.
     *
     * @param item       the item
     * @param estimate   the estimated count
     * @param lowerBound the true count is at least this
     * @param upperBound the true count is at most this
     */
    public record ItemCount(String item, long estimate, long lowerBound, long upperBound) {
    }
}
