package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A uniform random sample of at most {@code capacity} items of a stream (reservoir sampling,
 * Vitter's algorithm R): after {@code n} items, each of them is in the sample with probability
 * {@code min(1, capacity / n)}.
 *
 * <p><b>Why not DataSketches' reservoir.</b> Its random choices come from a thread-local generator,
 * so a batch replayed after a crash would draw a different sample. Here the generator (SplitMix64)
 * is part of the sample's state and stored with it: the same items in the same order always give
 * the same sample and the same bytes, which is what exactly-once replay needs.
 *
 * <p><b>State.</b> Stored with the item serde given to {@link #serde}; its size is the sample's, not
 * the stream's.
 *
 * <p>Not thread-safe; an instance read from a table is the caller's own copy.
 *
 * @param <T> item type
 */
public final class Sample<T> {

    private static final byte FORMAT = 1;
    private static final long INITIAL_STATE = 0x9e37_79b9_7f4a_7c15L;
    /** The largest capacity: a sample is kept whole in the store. */
    public static final int MAX_CAPACITY = 1 << 20;

    private final int capacity;
    private final List<T> items;
    private long seen;
    private long random;

    private Sample(int capacity, List<T> items, long seen, long random) {
        this.capacity = capacity;
        this.items = items;
        this.seen = seen;
        this.random = random;
    }

    /**
     * An empty sample of at most {@code capacity} items.
     *
     * @throws IllegalArgumentException unless {@code capacity} is in [1, 2^20]
     */
    public static <T> Sample<T> empty(int capacity) {
        return empty(capacity, 0);
    }

    /**
     * An empty sample of at most {@code capacity} items whose generator starts from {@code seed}:
     * samples with different seeds choose independently. (The sample aggregations seed each key's
     * sample with the key's hash code, so that keys with equally long streams do not keep the same
     * positions.)
     *
     * @throws IllegalArgumentException unless {@code capacity} is in [1, 2^20]
     */
    public static <T> Sample<T> empty(int capacity, long seed) {
        Items.checkRange("capacity", capacity, 1, MAX_CAPACITY);
        return new Sample<>(capacity, new ArrayList<>(), 0, INITIAL_STATE ^ seed);
    }

    /** Before the first item: restarts the generator from {@code seed}; after it, does nothing. */
    void seedIfEmpty(long seed) {
        if (seen == 0) {
            random = INITIAL_STATE ^ seed;
        }
    }

    /**
     * Offers {@code item} to the sample; null is ignored.
     *
     * @return this sample
     */
    public Sample<T> add(T item) {
        if (item == null) {
            return this;
        }
        seen++;
        if (items.size() < capacity) {
            items.add(item);
        } else {
            long slot = Long.remainderUnsigned(nextRandom(), seen);   // uniform in [0, seen)
            if (slot < capacity) {
                items.set((int) slot, item);
            }
        }
        return this;
    }

    private long nextRandom() {   // SplitMix64
        long z = (random += 0x9e37_79b9_7f4a_7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
        return z ^ (z >>> 31);
    }

    /** The sampled items, in reservoir order (not the stream's); an unmodifiable copy. */
    public List<T> items() {
        return List.copyOf(items);
    }

    /** How many items were offered. */
    public long seen() {
        return seen;
    }

    /** The most items the sample keeps. */
    public int capacity() {
        return capacity;
    }

    /**
     * Writes the sample with {@code itemSerde}: format byte, capacity, items offered, generator
     * state, item count, then each item as length and bytes.
     */
    public byte[] toByteArray(Serde<T> itemSerde) {
        List<byte[]> encoded = new ArrayList<>(items.size());
        int size = 1 + Integer.BYTES + 2 * Long.BYTES + Integer.BYTES;
        for (T item : items) {
            byte[] bytes = itemSerde.serialize("sample", item);
            encoded.add(bytes);
            size += Integer.BYTES + bytes.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT).putInt(capacity).putLong(seen).putLong(random).putInt(encoded.size());
        for (byte[] bytes : encoded) {
            out.putInt(bytes.length).put(bytes);
        }
        return out.array();
    }

    /**
     * Reads {@link #toByteArray} bytes.
     *
     * @throws IllegalArgumentException if they are not a sample of this format
     */
    public static <T> Sample<T> fromByteArray(byte[] bytes, Serde<T> itemSerde) {
        ByteBuffer in = ByteBuffer.wrap(Objects.requireNonNull(bytes, "bytes"));
        if (bytes.length < 25 || in.get() != FORMAT) {
            throw new IllegalArgumentException("not a sample of format " + FORMAT);
        }
        int capacity = in.getInt();
        long seen = in.getLong();
        long random = in.getLong();
        int count = in.getInt();
        if (capacity < 1 || capacity > MAX_CAPACITY || count < 0 || count > capacity) {
            throw new IllegalArgumentException("a sample of capacity " + capacity + " cannot hold " + count + " items");
        }
        List<T> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] item = new byte[in.getInt()];
            in.get(item);
            items.add(itemSerde.deserialize("sample", item));
        }
        return new Sample<>(capacity, items, seen, random);
    }

    /** Stores samples of items written by {@code itemSerde}; null stays null. */
    public static <T> Serde<Sample<T>> serde(Serde<T> itemSerde) {
        Objects.requireNonNull(itemSerde, "itemSerde");
        return SketchSerde.of("Sample", s -> s.toByteArray(itemSerde), b -> fromByteArray(b, itemSerde));
    }

    @Override
    public String toString() {
        return "Sample[" + items.size() + " of " + seen + ", capacity=" + capacity + "]";
    }
}
