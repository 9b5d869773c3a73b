package io.eddy.state.internal;

import io.eddy.state.StateStoreException;
import io.eddy.state.StoreIterator;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.ArrayList;
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
 * The {@link BytesStore} implementation: a dirty buffer, committed changes waiting to be written
 * behind, and an optional read cache in front of an {@link Engine}, kept in one hash map.
 *
 * <h2>Design</h2>
 *
 * <p><b>One map of slots.</b> Each key the store has seen recently has one {@link Slot}. A slot is
 * <em>dirty</em> when the key was written in this batch (its value is the last write, or a
 * sentinel for a delete), <em>pinned</em> when it holds a committed change the engine has not been
 * given yet (see write-behind), and <em>clean</em> otherwise (a cached committed value, or a
 * sentinel for a cached absence). A read-modify-write of a key therefore costs one hash lookup for
 * the read and one for the write, however often the key changes in a batch, and a batch that
 * updates a key a thousand times produces one changelog record. Dirty slots are kept in a list in
 * the order they became dirty: that is the order of {@link #forEachDirty}.
 *
 * <p><b>Commit and abort.</b> {@link #commit} is called once the batch's changelog records are
 * committed in Kafka. The dirty slots become pinned, and pinned slots go to the engine in one
 * atomic write together with the latest changelog offset: at once, or later for stores that
 * write behind. If that write fails they stay pinned for the next attempt. {@link #abort} puts
 * each dirty slot back to its committed state: a pinned slot gets its committed value back, any
 * other dirty slot is removed, so the next read goes to the engine.
 *
 * <p><b>Write-behind</b> (key-value stores in RocksDB only). The changelog is the store's log,
 * so the engine need not receive every commit: committed changes stay pinned in the map and are
 * written to the engine, collapsed per key, with the offset of the last commit they cover, when
 * they pass a byte budget ({@link #writeBehindBytes}), when {@link #WRITE_BEHIND_NANOS} have
 * passed since the first of them, and on close. A key updated in every batch is then written to
 * RocksDB once per interval instead of once per batch. The engine's data and offset always match
 * (each write is atomic), so a crash loses only the pinned changes, and restore replays them
 * from the changelog starting at the engine's offset; the replay after a crash grows by at most
 * the write-behind interval.
 *
 * <p><b>Cache.</b> With a budget above 0, clean slots stay in the map as a read cache, bounded by
 * bytes (key + value + {@link #ENTRY_OVERHEAD}) and evicted least-recently-used first; only clean
 * slots are linked in the access-order list, so eviction never meets a dirty or pinned one.
 * Without a budget only dirty and pinned slots are kept. A restore writes behind the cache's back,
 * so it drops every clean slot.
 *
 * <p><b>Range reads</b> merge a sorted snapshot of the slots the engine does not have yet (dirty
 * and pinned) in range with the engine's iterators; they bypass the cache. The first range read
 * after a commit builds a sorted index of those slots, which later writes keep up to date, so
 * stores read by range on every record (joins, sessions) do not sort per read.
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
    /** The value of a dirty or pinned slot whose key was deleted; compared by identity. */
    private static final byte[] DELETED = new byte[0];
    /**
     * Bytes a cached entry costs beyond its key and value: the slot, the hash map node and key
     * wrapper, two array headers and its share of the table (counted with compressed oops).
     */
    static final int ENTRY_OVERHEAD = 112;
    /** Longest time a committed change waits before the engine gets it. */
    static final long WRITE_BEHIND_NANOS = 2_000_000_000L;
    /** Smallest byte budget of pinned slots, whatever the cache budget. */
    private static final long MIN_WRITE_BEHIND_BYTES = 1L << 20;

    private final String name;
    private final Engine engine;
    private final long cacheMaxBytes;
    /** Byte budget of pinned slots, or 0 when every commit goes to the engine at once. */
    private final long writeBehindBytes;
    private final Consumer<BufferedStore> onClose;
    private final HashMap<Bytes, Slot> slots = new HashMap<>();
    private final ArrayList<Slot> dirty = new ArrayList<>();
    /** Pinned slots, in the order they were first committed; may also be dirty again. */
    private final ArrayList<Slot> pinned = new ArrayList<>();
    /** The dirty and pinned slots by key, or null until a range read needs them. */
    private TreeMap<byte[], Slot> sortedUnwritten;
    /** Sentinel of the circular list of clean slots, least recently used first. */
    private final Slot clean = new Slot(new byte[0], null);
    private long cleanBytes;
    private long dirtyBytes;
    private long pinnedBytes;
    /** The offset of the last commit whose changes are pinned, or -1 if none are. */
    private long pinnedOffset = -1;
    private long pinnedSince;
    private long hits;
    private long misses;
    private long evictions;
    private boolean closed;

    BufferedStore(String name, Engine engine, StoreOptions options, Consumer<BufferedStore> onClose) {
        this.name = name;
        this.engine = engine;
        this.onClose = onClose;
        this.cacheMaxBytes = options.cacheMaxBytes();
        this.writeBehindBytes = engine instanceof KeyValueEngine && engine.backend instanceof RocksDbBackend
                ? Math.max(MIN_WRITE_BEHIND_BYTES, cacheMaxBytes) : 0;
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
                hits++;   // clean or pinned: a committed value served from memory
            }
            if (slot.isClean()) {
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
        } else if (slot.dirty) {
            dirtyBytes += value.length - slot.value.length;   // the sentinels have length 0
            slot.value = value;
        } else {
            if (slot.isClean()) {
                unlink(slot);
                cleanBytes -= slot.weight();
            }
            slot.value = value;
            markDirty(slot);
        }
    }

    private void markDirty(Slot slot) {
        slot.dirty = true;
        dirty.add(slot);
        dirtyBytes += slot.key.length + slot.value.length;
        if (sortedUnwritten != null) {
            sortedUnwritten.put(slot.key, slot);
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
        if (!dirty.isEmpty() || !pinned.isEmpty()) {
            if (sortedUnwritten == null) {
                sortedUnwritten = new TreeMap<>(ByteArrays.ORDER);
                for (Slot slot : pinned) {
                    sortedUnwritten.put(slot.key, slot);
                }
                for (Slot slot : dirty) {
                    sortedUnwritten.put(slot.key, slot);
                }
            }
            NavigableMap<byte[], Slot> view = sortedUnwritten;
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
        return engine.approximateCount() + pinned.size();   // pinned keys may also be in the engine
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
        if (pinnedOffset < 0) {
            pinnedSince = System.nanoTime();
        }
        for (Slot slot : dirty) {
            slot.dirty = false;
            if (slot.committed == null) {
                pinned.add(slot);
                pinnedBytes += slot.key.length + ENTRY_OVERHEAD;
            } else {
                pinnedBytes -= slot.committed.length;
            }
            slot.committed = slot.value;
            pinnedBytes += slot.value.length;
        }
        pinnedOffset = changelogOffset;
        clearDirty();
        // without write-behind (budget 0) every commit is written at once
        if (pinnedBytes >= writeBehindBytes || System.nanoTime() - pinnedSince >= WRITE_BEHIND_NANOS) {
            writePinned();
        }
    }

    /**
     * Writes every pinned change to the engine with the offset of the last commit; on failure
     * nothing changes here and the exception propagates.
     */
    private void writePinned() {
        if (pinnedOffset < 0) {
            return;
        }
        engine.commit(entries(pinned), pinnedOffset);
        for (Slot slot : pinned) {
            slot.committed = null;
            if (!slot.dirty) {
                written(slot);
            }
        }
        pinned.clear();
        pinnedBytes = 0;
        pinnedOffset = -1;
        sortedUnwritten = null;   // the written slots left it; rebuilt by the next range read
        evictOverBudget();
    }

    /** A slot whose value the engine now holds: cached if there is a cache, else forgotten. */
    private void written(Slot slot) {
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

    @Override
    public void abort() {
        checkOpen();
        dropDirty();
        engine.rollback();
    }

    /** Puts every dirty slot back to its committed state. */
    private void dropDirty() {
        for (Slot slot : dirty) {
            slot.dirty = false;
            if (slot.committed != null) {
                slot.value = slot.committed;   // pinned: back to its committed change
            } else {
                slots.remove(Bytes.wrap(slot.key));
            }
        }
        clearDirty();
    }

    private void clearDirty() {
        dirty.clear();
        sortedUnwritten = null;
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
        return pinnedOffset >= 0 ? pinnedOffset : engine.committedOffset();
    }

    @Override
    public void restore(List<Map.Entry<byte[], byte[]>> records, long lastOffset) {
        checkOpen();
        if (!dirty.isEmpty()) {
            throw new IllegalStateException("store '" + name + "' cannot restore with " + dirty.size()
                    + " uncommitted writes in its buffer");
        }
        writePinned();
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

    @Override
    public Map<String, Long> metrics() {
        Map<String, Long> out = new java.util.TreeMap<>();
        addMetrics(out);
        return out;
    }

    /** Adds cache statistics to {@code into}. */
    void addMetrics(Map<String, Long> into) {
        if (cacheMaxBytes > 0) {
            into.merge("cache.hits", hits, Long::sum);
            into.merge("cache.misses", misses, Long::sum);
            into.merge("cache.evictions", evictions, Long::sum);
            into.merge("cache.weight.bytes", cleanBytes, Long::sum);
        }
        into.merge("store.write-behind.bytes", pinnedBytes, Long::sum);
        into.merge("store.dropped-expired-writes", engine.droppedExpiredWrites(), Long::sum);
        engine.backend.addMetrics(into);
    }

    /**
     * Writes the pinned (committed) changes to the engine, discards the dirty buffer and releases
     * the engine. If the write fails the engine is still released and the failure is thrown: the
     * store is then behind its changelog, which the next open restores. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            dropDirty();
            writePinned();
        } finally {
            closed = true;
            clearDirty();
            pinned.clear();
            slots.clear();
            clean.before = clean;
            clean.after = clean;
            cleanBytes = 0;
            pinnedBytes = 0;
            pinnedOffset = -1;
            try {
                engine.close();
            } finally {
                onClose.accept(this);
            }
        }
    }

    /**
     * Pinned slots as the map the engine writes: iteration only, in list order, each with its
     * committed change (null for a delete).
     */
    private static Map<byte[], byte[]> entries(List<Slot> pinnedSlots) {
        return new AbstractMap<>() {
            @Override
            public Set<Entry<byte[], byte[]>> entrySet() {
                return new AbstractSet<>() {
                    @Override
                    public Iterator<Entry<byte[], byte[]>> iterator() {
                        Iterator<Slot> inOrder = pinnedSlots.iterator();
                        return new Iterator<>() {
                            @Override
                            public boolean hasNext() {
                                return inOrder.hasNext();
                            }

                            @Override
                            public Entry<byte[], byte[]> next() {
                                Slot slot = inOrder.next();
                                return ByteArrays.entry(slot.key, slot.committed == DELETED ? null : slot.committed);
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return pinnedSlots.size();
                    }
                };
            }
        };
    }

    /**
     * One key's entry: dirty (its value is the batch's last write, {@link #DELETED} for a delete),
     * pinned ({@link #committed} holds a committed change the engine has not got yet) or clean (a
     * cached committed value, {@link #ABSENT} for a cached absence; linked in the LRU list).
     */
    private static final class Slot {
        final byte[] key;
        byte[] value;
        /** The committed change waiting for the engine (write-behind), or null. */
        byte[] committed;
        boolean dirty;
        /** Neighbours in the list of clean slots; null unless clean. */
        Slot before;
        Slot after;

        Slot(byte[] key, byte[] value) {
            this.key = key;
            this.value = value;
        }

        boolean isClean() {
            return before != null;
        }

        long weight() {
            return key.length + value.length + ENTRY_OVERHEAD;
        }

        /** The value a read sees: null for a delete or a cached absence. */
        byte[] getValue() {
            return value == DELETED || value == ABSENT ? null : value;
        }
    }
}
