package io.eddy.state.internal;

import io.eddy.state.StoreIterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A plain key-value {@link Engine}: all data lives in backend segment 0. */
final class KeyValueEngine extends Engine {

    static final String FORMAT = "eddy-kv-1";
    private static final long SEGMENT = 0;

    KeyValueEngine(Backend backend) {
        super(backend);
    }

    @Override
    byte[] get(byte[] key) {
        return backend.get(SEGMENT, key);
    }

    @Override
    List<StoreIterator<Map.Entry<byte[], byte[]>>> rangeSources(byte[] from, byte[] to, long minTime, long maxTime) {
        return List.of(backend.range(SEGMENT, from, to));
    }

    @Override
    long approximateCount() {
        return backend.approximateCount(SEGMENT);
    }

    @Override
    void commit(Map<byte[], byte[]> changes, long offset) {
        backend.write(changes.isEmpty() ? Map.of() : Map.of(SEGMENT, changes),
                Map.of(OFFSET_KEY, ByteArrays.longBytes(offset)), false);
        committed(offset);
    }

    @Override
    void restore(List<Map.Entry<byte[], byte[]>> records, long lastOffset) {
        TreeMap<byte[], byte[]> collapsed = new TreeMap<>(ByteArrays.ORDER);
        for (Map.Entry<byte[], byte[]> r : records) {
            collapsed.put(r.getKey(), r.getValue());
        }
        backend.write(collapsed.isEmpty() ? Map.of() : Map.of(SEGMENT, collapsed),
                Map.of(OFFSET_KEY, ByteArrays.longBytes(lastOffset)), true);
        committed(lastOffset);
    }
}
