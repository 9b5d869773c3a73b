package io.eddy.state.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eddy.state.StateStoreException;
import io.eddy.state.StoreIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;

/**
 * The {@link BytesStore} implementation: a dirty buffer and an optional read cache in front of an
 * {@link Engine}.
 *
 * <h2>Design</h2>
 *
 * <p><b>Dirty buffer.</b> Every {@link #put} lands in a sorted map from key to the last value
 * written (a sentinel for a delete, so that each read or write is one map traversal), so a batch
 * that updates a key a thousand times produces one changelog record and one engine write. Reads consult the buffer first. {@link #commit} hands the
 * whole buffer to the engine as one atomic write together with the changelog offset; only then is
 * the buffer cleared, so a failed engine write loses nothing. {@link #abort} just clears it.
 *
 * <p><b>Cache.</b> When enabled, a Caffeine cache bounded by bytes (key + value + a fixed
 * overhead per entry) remembers the results of committed point reads, including absence. It never
 * holds uncommitted data: reads fill it from the engine only, and a commit refreshes entries that
 * are already cached with the committed values (it does not add new ones, so write-only keys do
 * not evict useful entries). Because of that an abort needs no cache work. A restore writes behind
 * its back, so it invalidates the whole cache. Range reads bypass the cache: they merge a snapshot
 * of the buffer's range with the engine's iterators.
 *
 * <p><b>Expiry.</b> For window and session engines a key can expire while it sits in the buffer or
 * the cache; every read path therefore asks the engine whether the key is still visible.
 *
 * <p>Single-threaded, like every store.
 */
final class BufferedStore implements BytesStore {

    /** Marks a cached absence; compared by identity. */
    private static final byte[] ABSENT = new byte[0];
    /** Marks a delete in the dirty buffer, so that one map lookup tells absent from deleted; compared by identity. */
    private static final byte[] DELETED = new byte[0];
    private static final int ENTRY_OVERHEAD = 64;

    private final String name;
    private final Engine engine;
    private final Cache<Bytes, byte[]> cache;
    private final Consumer<BufferedStore> onClose;
    private final TreeMap<byte[], byte[]> dirty = new TreeMap<>(ByteArrays.ORDER);
    private long dirtyBytes;
    private boolean closed;

    BufferedStore(String name, Engine engine, StoreOptions options, Consumer<BufferedStore> onClose) {
        this.name = name;
        this.engine = engine;
        this.onClose = onClose;
        this.cache = options.cacheMaxBytes() <= 0 ? null : Caffeine.newBuilder()
                .maximumWeight(options.cacheMaxBytes())
                .weigher((Bytes k, byte[] v) -> k.get().length + v.length + ENTRY_OVERHEAD)
                .executor(Runnable::run)
                .recordStats()
                .build();
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
        byte[] buffered = dirty.get(key);
        if (buffered != null) {
            return buffered == DELETED ? null : buffered;
        }
        if (cache == null) {
            return engine.get(key);
        }
        Bytes cacheKey = Bytes.wrap(key);
        byte[] cached = cache.getIfPresent(cacheKey);
        if (cached != null) {
            return cached == ABSENT ? null : cached;
        }
        byte[] value = engine.get(key);
        cache.put(Bytes.wrap(key.clone()), value == null ? ABSENT : value);
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
        byte[] old = dirty.put(key, valueOrNull == null ? DELETED : valueOrNull);
        if (old != null) {
            dirtyBytes -= old.length;   // DELETED has length 0
        } else {
            dirtyBytes += key.length;
        }
        dirtyBytes += valueOrNull == null ? 0 : valueOrNull.length;
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
        NavigableMap<byte[], byte[]> view = dirty;
        if (from != null) {
            view = view.tailMap(from, true);
        }
        if (to != null) {
            view = view.headMap(to, true);
        }
        List<Map.Entry<byte[], byte[]>> snapshot = new ArrayList<>(view.size());
        for (Map.Entry<byte[], byte[]> e : view.entrySet()) {
            snapshot.add(ByteArrays.entry(e.getKey(), valueOf(e.getValue())));
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
        for (Map.Entry<byte[], byte[]> e : dirty.entrySet()) {
            changelogRecord.accept(e.getKey(), valueOf(e.getValue()));
        }
    }

    private static byte[] valueOf(byte[] buffered) {
        return buffered == DELETED ? null : buffered;
    }

    @Override
    public void commit(long changelogOffset) {
        checkOpen();
        for (Map.Entry<byte[], byte[]> e : dirty.entrySet()) {
            if (e.getValue() == DELETED) {
                e.setValue(null);   // engines take null for a delete
            }
        }
        try {
            engine.commit(dirty, changelogOffset);
        } catch (RuntimeException e) {
            for (Map.Entry<byte[], byte[]> d : dirty.entrySet()) {
                if (d.getValue() == null) {
                    d.setValue(DELETED);   // the buffer stays as it was: nothing is lost
                }
            }
            throw e;
        }
        if (cache != null) {
            for (Map.Entry<byte[], byte[]> e : dirty.entrySet()) {
                byte[] committed = e.getValue() == null ? ABSENT : e.getValue();
                cache.asMap().replace(Bytes.wrap(e.getKey()), committed);   // cheaper than computeIfPresent
            }
        }
        clearDirty();
    }

    @Override
    public void abort() {
        checkOpen();
        clearDirty();
        engine.rollback();
    }

    private void clearDirty() {
        dirty.clear();
        dirtyBytes = 0;
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
            if (cache != null) {
                cache.invalidateAll();
            }
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
        if (cache != null) {
            var stats = cache.stats();
            into.merge("cache.hits", stats.hitCount(), Long::sum);
            into.merge("cache.misses", stats.missCount(), Long::sum);
            into.merge("cache.evictions", stats.evictionCount(), Long::sum);
            into.merge("cache.weight.bytes", cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L),
                    Long::sum);
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
        if (cache != null) {
            cache.invalidateAll();
        }
        try {
            engine.close();
        } finally {
            onClose.accept(this);
        }
    }
}
