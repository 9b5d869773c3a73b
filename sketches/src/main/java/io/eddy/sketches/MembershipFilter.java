package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.util.Locale;
import java.util.Objects;
import org.apache.datasketches.filters.bloomfilter.BloomFilter;
import org.apache.datasketches.filters.bloomfilter.BloomFilterBuilder;
import org.apache.datasketches.memory.Memory;

/**
 * Approximate set membership: a Bloom filter (Apache DataSketches) sized for {@code expectedItems}
 * at false-positive probability {@code fpp}.
 *
 * <p><b>Accuracy.</b> No false negatives: an item added is always reported as possibly present.
 * An item never added is reported present with probability about {@code fpp} once
 * {@code expectedItems} items were added, less before, and more beyond (the filter does not grow).
 * Size: about {@code -1.44 * log2(fpp)} bits per expected item (1.2 MB for a million items at 1 %).
 *
 * <p><b>State.</b> Stored as DataSketches' bytes ({@link #serde}); every filter uses one fixed hash
 * seed, so filters of equal sizing can be merged ({@link #union}) and a replayed batch rebuilds the
 * same bytes. Each record reads and writes the whole filter from the store, so keep filters small
 * (thousands to a few hundred thousand expected items per key).
 *
 * <p>Not thread-safe; an instance read from a table is the caller's own copy.
 */
public final class MembershipFilter {

    /** The default false-positive probability: 1 %. */
    public static final double DEFAULT_FPP = 0.01;
    private static final long SEED = 0x5eed_b100_2026L;

    private final BloomFilter filter;

    private MembershipFilter(BloomFilter filter) {
        this.filter = filter;
    }

    /**
     * An empty filter for about {@code expectedItems} items at false-positive probability {@code fpp}.
     *
     * @throws IllegalArgumentException unless {@code expectedItems} is positive and {@code fpp} is in (0, 1)
     */
    public static MembershipFilter create(long expectedItems, double fpp) {
        if (expectedItems < 1) {
            throw new IllegalArgumentException("expectedItems must be positive, not " + expectedItems);
        }
        if (!(fpp > 0 && fpp < 1)) {
            throw new IllegalArgumentException("fpp must be in (0, 1), not " + fpp);
        }
        return new MembershipFilter(BloomFilterBuilder.createByAccuracy(expectedItems, fpp, SEED));
    }

    /** Adds {@code item} (types as in {@link Sketches}); null and empty items are ignored. */
    public MembershipFilter add(Object item) {
        if (item != null) {
            filter.update(Items.bytes(item));
        }
        return this;
    }

    /** False if {@code item} was certainly never added; true if it probably was. Null: false. */
    public boolean mightContain(Object item) {
        return item != null && filter.query(Items.bytes(item));
    }

    /**
     * Adds {@code item} and says whether it might have been present before; null: false, not added.
     */
    public boolean addAndCheck(Object item) {
        return item != null && filter.queryAndUpdate(Items.bytes(item));
    }

    /** The fraction of bits set (a full filter answers "present" to everything). */
    public double fill() {
        return filter.getFillPercentage();
    }

    /** Bits in the filter. */
    public long bits() {
        return filter.getCapacity();
    }

    /**
     * The union of two filters of equal sizing (items of either), as a new filter.
     *
     * @throws IllegalArgumentException if they were sized differently
     */
    public static MembershipFilter union(MembershipFilter a, MembershipFilter b) {
        if (!a.filter.isCompatible(b.filter)) {
            throw new IllegalArgumentException("cannot merge Bloom filters of different sizes: "
                    + a.bits() + " and " + b.bits() + " bits");
        }
        BloomFilter merged = BloomFilter.heapify(Memory.wrap(a.toByteArray()));
        merged.union(b.filter);
        return new MembershipFilter(merged);
    }

    /** The filter's bytes, as DataSketches writes them. */
    public byte[] toByteArray() {
        return filter.toByteArray();
    }

    /** Reads {@link #toByteArray} bytes. */
    public static MembershipFilter fromByteArray(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new MembershipFilter(BloomFilter.heapify(Memory.wrap(bytes)));
    }

    /** Stores a filter as its bytes; null stays null. */
    public static Serde<MembershipFilter> serde() {
        return SketchSerde.of("MembershipFilter", MembershipFilter::toByteArray, MembershipFilter::fromByteArray);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MembershipFilter[bits=%d, hashes=%d, fill=%.3f]",
                bits(), filter.getNumHashes(), fill());
    }
}
