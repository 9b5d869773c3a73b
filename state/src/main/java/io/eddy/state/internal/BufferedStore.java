package io.eddy.state.internal;

import io.eddy.state.StateStoreException;
import io.eddy.state.StoreIterator;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;

/**
 * The {@link BytesStore} implementation: a dirty buffer and an optional read cache in front of an
 * {@link Engine}, kept in one hash map.
 *
 * <h2>Design</h2>
 *
 * <p><b>One map of slots.</b> Each key the store has seen recently has one {@link Slot}: either
 * <em>dirty</em> (written in this batch: the last value, or a sentinel for a delete) or
 * <em>clean</em> (a cached committed value, or a sentinel for a cached absence). A
 * read-modify-write of a key therefore costs one hash lookup for the read and one for the write,
 * however often the key changes in a batch, and a batch that updates a key a thousand times
 * produces one changelog record and one engine write. Dirty slots are also kept in a list in the
 * order they became dirty: that is the order of {@link #forEachDirty} and of the engine write.
 *
 * <p><b>Commit and abort.</b> {@link #commit} hands the dirty slots to the engine as one atomic
 * write together with the changelog offset; only then do they become clean (cached) slots, so a
 * failed engine write loses nothing. {@link #abort} removes the dirty slots: the next read of
 * those keys goes to the engine, which holds the committed data.
 *
 * <p><b>Cache.</b> With a budget above 0, clean slots stay in the map as a read cache, bounded by
 * bytes (key + value + {@link #ENTRY_OVERHEAD}) and evicted least-recently-used first; clean slots
 * are linked in a list in access order, dirty slots never are, so eviction never has to skip
 * them. Without a budget only dirty slots are kept. A restore writes behind the cache's back, so
 * it drops every clean slot.
 *
 * <p><b>Range reads</b> merge a sorted snapshot of the dirty slots in range with the engine's
 * iterators; they bypass the cache. The first range read of a batch builds a sorted index of the
 * dirty slots, which later writes of the batch keep up to date, so stores read by range on every
 * record (joins, sessions) do not sort per read.
 *
 * <p><b>Expiry.</b> For window and session engines a key can expire while it sits in the map;
 * every read path therefore asks the engine whether the key is still visible.
 *
 * <p>Single-threaded, like every store; only the counters behind {@link #addMetrics} are read
 * from other threads, and a stale figure is acceptable there.
 */
final class BufferedStore implements BytesStore {

    /** The value of a clean slot whose key is known to be absent; compared by identity. */
    private static final byte[] ABSENT = new byte[0];
    /** The value of a dirty slot whose key was deleted; compared by identity. */
    private static final byte[] DELETED = new byte[0];
    /**
     * Bytes a cached entry costs beyond its key and value: the slot, the hash map node and key
     * wrapper, two array headers and its share of the table (measured with compressed oops).
     */
    static final int ENTRY_OVERHEAD = 112;

    private final String name;
    private final Engine engine;
    private final long cacheMaxBytes;
    private final Consumer<BufferedStore> onClose;
    private final HashMap<Bytes, Slot> slots = new HashMap<>();
    private final ArrayList<Slot> dirty = new ArrayList<>();
    /** The dirty slots by key, or null until a range read needs them in this batch. */
    private TreeMap<byte[], Slot> sortedDirty;
    /** Sentinel of the circular list of clean slots, least recently used first. */
    private final Slot clean = new Slot(null, null);
    private long cleanBytes;
    private long dirtyBytes;
    private long hits;
    private long misses;
    private long evictions;
    private boolean closed;

    BufferedStore(String name, Engine engine, StoreOptions options, Consumer<BufferedStore> onClose) {
        this.name = name;
        this.engine = engine;
        this.onClose = onClose;
        this.cacheMaxBytes = options.cacheMaxBytes();
        clean.before = clean;
        clean.after = clean;
    }

    Engine engine() {
        return engine;
    }

    private void checkOpen() {
        if (closed) {
            throw new StateStoreException(engine.backend.describe() + " is closed");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        if (!engine.visible(key)) {
            return null;
        }
        Slot slot = slots.get(Bytes.wrap(key));
        if (slot != null) {
            if (!slot.dirty) {
                hits++;
                unlink(slot);
                linkLast(slot);
            }
            return slot.getValue();
        }
        byte[] value = engine.get(key);
        if (cacheMaxBytes > 0) {
            misses++;
            Slot cached = new Slot(key.clone(), value == null ? ABSENT : value);
            slots.put(Bytes.wrap(cached.key), cached);
            linkLast(cached);
            cleanBytes += cached.weight();
            evictOverBudget();
        }
        return value;
    }

    @Override
    public void put(byte[] key, byte[] valueOrNull) {
        checkOpen();
        if (key == null) {
            throw new NullPointerException("key");
        }
        if (!engine.admit(key)) {
            return;
        }
        byte[] value = valueOrNull == null ? DELETED : valueOrNull;
        Slot slot = slots.get(Bytes.wrap(key));
        if (slot == null) {
            slot = new Slot(key, value);
            slots.put(Bytes.wrap(key), slot);
            markDirty(slot);
        } else if (!slot.dirty) {
            unlink(slot);
            cleanBytes -= slot.weight();
            slot.value = value;
            markDirty(slot);
        } else {
            dirtyBytes += value.length - slot.value.length;   // the sentinels have length 0
            slot.value = value;
        }
    }

    private void markDirty(Slot slot) {
        slot.dirty = true;
        dirty.add(slot);
        dirtyBytes += slot.key.length + slot.value.length;
        if (sortedDirty != null) {
            sortedDirty.put(slot.key, slot);
        }
    }

    @Override
    public StoreIterator<Map.Entry<byte[], byte[]>> range(byte[] fromInclusive, byte[] toInclusive) {
        return range(fromInclusive, toInclusive, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * Like {@link #range(byte[], byte[])}, but a segmented engine skips segments entirely outside
     * {@code [minTime, maxTime]}. A hint only: callers still filter entries by time.
     */
    StoreIterator<Map.Entry<byte[], byte[]>> range(byte[] from, byte[] to, long minTime, long maxTime) {
        checkOpen();
        if (ByteArrays.emptyRange(from, to)) {
            return new MergingIterator(List.of(), null);
        }
        List<Map.Entry<byte[], byte[]>> snapshot = new ArrayList<>();
        if (!dirty.isEmpty()) {
            if (sortedDirty == null) {
                sortedDirty = new TreeMap<>(ByteArrays.ORDER);
                for (Slot slot : dirty) {
                    sortedDirty.put(slot.key, slot);
                }
            }
            NavigableMap<byte[], Slot> view = sortedDirty;
            if (from != null) {
                view = view.tailMap(from, true);
            }
            if (to != null) {
                view = view.headMap(to, true);
            }
            for (Slot slot : view.values()) {
                snapshot.add(ByteArrays.entry(slot.key, slot.getValue()));
            }
        }
        List<StoreIterator<Map.Entry<byte[], byte[]>>> sources = new ArrayList<>();
        sources.add(listIterator(snapshot));
        try {
            sources.addAll(engine.rangeSources(from, to, minTime, maxTime));
        } catch (RuntimeException e) {
            sources.forEach(StoreIterator::close);
            throw e;
        }
        return new MergingIterator(sources, engine.visibility());
    }

    private static StoreIterator<Map.Entry<byte[], byte[]>> listIterator(List<Map.Entry<byte[], byte[]>> list) {
        return new AbstractStoreIterator<>() {
            private int next;

            @Override
            protected Map.Entry<byte[], byte[]> computeNext() {
                return next < list.size() ? list.get(next++) : null;
            }
        };
    }

    @Override
    public long approximateCount() {
        checkOpen();
        return engine.approximateCount();
    }

    @Override
    public long dirtyBytes() {
        return dirtyBytes;
    }

    @Override
    public int dirtyCount() {
        return dirty.size();
    }

    @Override
    public void forEachDirty(BiConsumer<byte[], byte[]> changelogRecord) {
        checkOpen();
        for (Slot slot : dirty) {
            changelogRecord.accept(slot.key, slot.getValue());
        }
    }

    @Override
    public void commit(long changelogOffset) {
        checkOpen();
        engine.commit(dirtyView, changelogOffset);   // throws before anything changes here
        for (Slot slot : dirty) {
            slot.dirty = false;
            if (cacheMaxBytes > 0) {
                if (slot.value == DELETED) {
                    slot.value = ABSENT;
                }
                linkLast(slot);
                cleanBytes += slot.weight();
            } else {
                slots.remove(Bytes.wrap(slot.key));
            }
        }
        clearDirty();
        evictOverBudget();
    }

    @Override
    public void abort() {
        checkOpen();
        for (Slot slot : dirty) {
            slots.remove(Bytes.wrap(slot.key));
        }
        clearDirty();
        engine.rollback();
    }

    private void clearDirty() {
        dirty.clear();
        sortedDirty = null;
        dirtyBytes = 0;
    }

    /** Drops least recently used clean slots until the cache is within its budget. */
    private void evictOverBudget() {
        while (cleanBytes > cacheMaxBytes && clean.after != clean) {
            Slot eldest = clean.after;
            unlink(eldest);
            slots.remove(Bytes.wrap(eldest.key));
            cleanBytes -= eldest.weight();
            evictions++;
        }
    }

    /** Drops every clean slot. */
    private void dropCache() {
        for (Slot slot = clean.after; slot != clean; slot = slot.after) {
            slots.remove(Bytes.wrap(slot.key));
        }
        clean.before = clean;
        clean.after = clean;
        cleanBytes = 0;
    }

    private void linkLast(Slot slot) {
        slot.before = clean.before;
        slot.after = clean;
        clean.before.after = slot;
        clean.before = slot;
    }

    private static void unlink(Slot slot) {
        slot.before.after = slot.after;
        slot.after.before = slot.before;
        slot.before = null;
        slot.after = null;
    }

    @Override
    public long committedOffset() {
        checkOpen();
        return engine.committedOffset();
    }

    @Override
    public void restore(List<Map.Entry<byte[], byte[]>> records, long lastOffset) {
        checkOpen();
        if (!dirty.isEmpty()) {
            throw new IllegalStateException("store '" + name + "' cannot restore with " + dirty.size()
                    + " uncommitted writes in its buffer");
        }
        try {
            engine.restore(records, lastOffset);
        } finally {
            dropCache();
        }
    }

    @Override
    public void advanceStreamTime(long streamTime) {
        checkOpen();
        engine.advanceStreamTime(streamTime);
    }

    @Override
    public long droppedExpiredWrites() {
        return engine.droppedExpiredWrites();
    }

    /** Adds cache statistics to {@code into}. */
    void addMetrics(Map<String, Long> into) {
        if (cacheMaxBytes > 0) {
            into.merge("cache.hits", hits, Long::sum);
            into.merge("cache.misses", misses, Long::sum);
            into.merge("cache.evictions", evictions, Long::sum);
            into.merge("cache.weight.bytes", cleanBytes, Long::sum);
        }
        into.merge("store.dropped-expired-writes", engine.droppedExpiredWrites(), Long::sum);
        engine.backend.addMetrics(into);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        clearDirty();
        slots.clear();
        clean.before = clean;
        clean.after = clean;
        cleanBytes = 0;
        try {
            engine.close();
        } finally {
            onClose.accept(this);
        }
    }

    /**
     * The dirty slots as the map the engine writes: iteration only, in the order the keys became
     * dirty, with null values for deletes.
     */
    private final Map<byte[], byte[]> dirtyView = new AbstractMap<>() {
        private final Set<Entry<byte[], byte[]>> entries = new AbstractSet<>() {
            @Override
            public Iterator<Entry<byte[], byte[]>> iterator() {
                Iterator<Slot> slotsInOrder = dirty.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return slotsInOrder.hasNext();
                    }

                    @Override
                    public Entry<byte[], byte[]> next() {
                        return slotsInOrder.next();
                    }
                };
            }

            @Override
            public int size() {
                return dirty.size();
            }
        };

        @Override
        public Set<Entry<byte[], byte[]>> entrySet() {
            return entries;
        }
    };

    /**
     * One key's entry: dirty (its value is the batch's last write, {@link #DELETED} for a delete)
     * or clean (a cached committed value, {@link #ABSENT} for a cached absence). As a map entry it
     * reads as the engine wants a change: null for a delete.
     */
    private static final class Slot implements Map.Entry<byte[], byte[]> {
        final byte[] key;
        byte[] value;
        boolean dirty;
        /** Neighbours in the list of clean slots; null while dirty. */
        Slot before;
        Slot after;

        Slot(byte[] key, byte[] value) {
            this.key = key;
            this.value = value;
        }

        long weight() {
            return key.length + value.length + ENTRY_OVERHEAD;
        }

        @Override
        public byte[] getKey() {
            return key;
        }

        @Override
        public byte[] getValue() {
            return value == DELETED || value == ABSENT ? null : value;
        }

        @Override
        public byte[] setValue(byte[] ignored) {
            throw new UnsupportedOperationException();
        }
    }
}
