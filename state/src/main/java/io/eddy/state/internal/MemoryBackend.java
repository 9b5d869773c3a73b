package io.eddy.state.internal;

import io.eddy.state.StoreIterator;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * In-memory {@link Backend}: a skip-list map per segment. Nothing survives {@link #close()}.
 * Skip lists (rather than tree maps) make iterators weakly consistent, so a commit while an
 * iterator is open does not break it.
 */
final class MemoryBackend implements Backend {

    private final String name;
    private final ConcurrentSkipListMap<Long, ConcurrentSkipListMap<byte[], byte[]>> segments =
            new ConcurrentSkipListMap<>();
    private final Map<String, byte[]> meta = new ConcurrentHashMap<>();

    MemoryBackend(String name) {
        this.name = name;
    }

    @Override
    public String describe() {
        return "in-memory store '" + name + "'";
    }

    @Override
    public NavigableSet<Long> segments() {
        return new TreeSet<>(segments.keySet());
    }

    @Override
    public byte[] get(long segment, byte[] key) {
        NavigableMap<byte[], byte[]> data = segments.get(segment);
        return data == null ? null : data.get(key);
    }

    @Override
    public StoreIterator<Map.Entry<byte[], byte[]>> range(long segment, byte[] from, byte[] to) {
        NavigableMap<byte[], byte[]> data = segments.get(segment);
        if (data == null || ByteArrays.emptyRange(from, to)) {
            return iterator(Collections.emptyIterator());
        }
        NavigableMap<byte[], byte[]> view = data;
        if (from != null) {
            view = view.tailMap(from, true);
        }
        if (to != null) {
            view = view.headMap(to, true);
        }
        return iterator(view.entrySet().iterator());
    }

    private static StoreIterator<Map.Entry<byte[], byte[]>> iterator(Iterator<Map.Entry<byte[], byte[]>> it) {
        return new AbstractStoreIterator<>() {
            @Override
            protected Map.Entry<byte[], byte[]> computeNext() {
                if (!it.hasNext()) {
                    return null;
                }
                Map.Entry<byte[], byte[]> e = it.next();
                return ByteArrays.entry(e.getKey(), e.getValue());
            }
        };
    }

    @Override
    public long approximateCount(long segment) {
        NavigableMap<byte[], byte[]> data = segments.get(segment);
        return data == null ? 0 : data.size();
    }

    @Override
    public byte[] meta(String key) {
        return meta.get(key);
    }

    @Override
    public void write(Map<Long, ? extends Map<byte[], byte[]>> changes, Map<String, byte[]> metaChanges,
                      boolean disableWal) {
        for (Map.Entry<Long, ? extends Map<byte[], byte[]>> seg : changes.entrySet()) {
            ConcurrentSkipListMap<byte[], byte[]> data =
                    segments.computeIfAbsent(seg.getKey(), id -> new ConcurrentSkipListMap<>(ByteArrays.ORDER));
            for (Map.Entry<byte[], byte[]> e : seg.getValue().entrySet()) {
                if (e.getValue() == null) {
                    data.remove(e.getKey());
                } else {
                    data.put(e.getKey(), e.getValue());
                }
            }
        }
        meta.putAll(metaChanges);
    }

    @Override
    public void dropSegment(long segment) {
        segments.remove(segment);
    }

    @Override
    public void addMetrics(Map<String, Long> into) {
        long entries = 0;
        for (NavigableMap<byte[], byte[]> data : segments.values()) {
            entries += data.size();
        }
        into.merge("memory.entries", entries, Long::sum);
    }

    @Override
    public void close() {
        segments.clear();
        meta.clear();
    }
}
