package io.eddy.state.internal;

import io.eddy.serde.Serde;
import io.eddy.state.KeyValueStore;
import io.eddy.state.SessionStore;
import io.eddy.state.StoreIterator;
import io.eddy.state.WindowStore;
import io.eddy.state.Windowed;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Typed views over {@link BytesStore}s. A view serializes keys and values with the given serdes,
 * passing the store name as the serde's topic argument, and holds no state of its own: several
 * views over one byte store see the same data. Views are as single-threaded as their store.
 *
 * <pre>{@code
 * KeyValueStore<String, Long> counts = Stores.keyValue(bytes, Serdes.string(), Serdes.longs());
 * }</pre>
 */
public final class Stores {

    private Stores() {
    }

    /**
     * Returns a key-value view.
     *
     * @param store      a store opened with {@link StateEnvironment#openKeyValue}; never null
     * @param keySerde   the key serde; never null
     * @param valueSerde the value serde; never null
     */
    public static <K, V> KeyValueStore<K, V> keyValue(BytesStore store, Serde<K> keySerde, Serde<V> valueSerde) {
        return new KeyValueView<>(store, keySerde, valueSerde);
    }

    /**
     * Returns a window view.
     *
     * @param store       a store opened with {@link StateEnvironment#openWindow}; never null
     * @param windowSize  the window size in milliseconds, used for {@link Windowed#end()}; positive
     * @param retentionMs the retention the store was opened with; at least {@code windowSize}
     */
    public static <K, V> WindowStore<K, V> window(BytesStore store, Serde<K> keySerde, Serde<V> valueSerde,
                                                  long windowSize, long retentionMs) {
        if (windowSize <= 0) {
            throw new IllegalArgumentException("windowSize must be > 0, was " + windowSize);
        }
        if (retentionMs < windowSize) {
            throw new IllegalArgumentException("retentionMs " + retentionMs + " must be >= windowSize " + windowSize);
        }
        return new WindowView<>(store, keySerde, valueSerde, windowSize);
    }

    /**
     * Returns a session view.
     *
     * @param store       a store opened with {@link StateEnvironment#openSession}; never null
     * @param retentionMs the retention the store was opened with; at least 0
     */
    public static <K, V> SessionStore<K, V> session(BytesStore store, Serde<K> keySerde, Serde<V> valueSerde,
                                                    long retentionMs) {
        if (retentionMs < 0) {
            throw new IllegalArgumentException("retentionMs must be >= 0, was " + retentionMs);
        }
        return new SessionView<>(store, keySerde, valueSerde);
    }

    private abstract static class View<K, V> {
        final BytesStore store;
        final Serde<K> keySerde;
        final Serde<V> valueSerde;

        View(BytesStore store, Serde<K> keySerde, Serde<V> valueSerde) {
            this.store = Objects.requireNonNull(store, "store");
            this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
            this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
        }

        public String name() {
            return store.name();
        }

        byte[] keyBytes(K key) {
            Objects.requireNonNull(key, "key");
            byte[] bytes = keySerde.serialize(store.name(), key);
            if (bytes == null) {
                throw new IllegalArgumentException("key serde of store '" + store.name() + "' returned null");
            }
            return bytes;
        }

        byte[] valueBytes(V value) {
            return value == null ? null : valueSerde.serialize(store.name(), value);
        }

        V value(byte[] bytes) {
            return bytes == null ? null : valueSerde.deserialize(store.name(), bytes);
        }

        K key(byte[] bytes) {
            return keySerde.deserialize(store.name(), bytes);
        }

        StoreIterator<Map.Entry<byte[], byte[]>> range(byte[] from, byte[] to, long minTime, long maxTime) {
            return store instanceof BufferedStore b ? b.range(from, to, minTime, maxTime) : store.range(from, to);
        }

        <T> StoreIterator<T> map(StoreIterator<Map.Entry<byte[], byte[]>> source,
                                 Predicate<byte[]> keep, Function<Map.Entry<byte[], byte[]>, T> mapper) {
            return new AbstractStoreIterator<>() {
                @Override
                protected T computeNext() {
                    while (source.hasNext()) {
                        Map.Entry<byte[], byte[]> e = source.next();
                        if (keep == null || keep.test(e.getKey())) {
                            return mapper.apply(e);
                        }
                    }
                    return null;
                }

                @Override
                protected void release() {
                    source.close();
                }
            };
        }
    }

    private static final class KeyValueView<K, V> extends View<K, V> implements KeyValueStore<K, V> {
        KeyValueView(BytesStore store, Serde<K> keySerde, Serde<V> valueSerde) {
            super(store, keySerde, valueSerde);
        }

        @Override
        public V get(K key) {
            return value(store.get(keyBytes(key)));
        }

        @Override
        public StoreIterator<Map.Entry<K, V>> range(K fromInclusive, K toInclusive) {
            byte[] from = fromInclusive == null ? null : keyBytes(fromInclusive);
            byte[] to = toInclusive == null ? null : keyBytes(toInclusive);
            return map(store.range(from, to), null,
                    e -> new AbstractMap.SimpleImmutableEntry<>(key(e.getKey()), value(e.getValue())));
        }

        @Override
        public StoreIterator<Map.Entry<K, V>> all() {
            return range(null, null);
        }

        @Override
        public long approximateCount() {
            return store.approximateCount();
        }

        @Override
        public void put(K key, V value) {
            store.put(keyBytes(key), valueBytes(value));
        }

        @Override
        public void delete(K key) {
            store.put(keyBytes(key), null);
        }
    }

    private static final class WindowView<K, V> extends View<K, V> implements WindowStore<K, V> {
        private final long windowSize;

        WindowView(BytesStore store, Serde<K> keySerde, Serde<V> valueSerde, long windowSize) {
            super(store, keySerde, valueSerde);
            this.windowSize = windowSize;
        }

        @Override
        public long windowSize() {
            return windowSize;
        }

        @Override
        public V fetch(K key, long windowStart) {
            return value(store.get(WindowKeys.windowKey(keyBytes(key), windowStart)));
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> fetch(K key, long fromStart, long toStart) {
            byte[] k = keyBytes(key);
            if (fromStart > toStart) {
                return map(new MergingIterator(java.util.List.of(), null), null, this::entry);
            }
            return map(range(WindowKeys.windowKey(k, fromStart), WindowKeys.windowKey(k, toStart), fromStart, toStart),
                    composite -> WindowKeys.isWindowKeyOf(composite, k), this::entry);
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> fetchAll(long fromStart, long toStart) {
            return map(range(null, null, fromStart, toStart),
                    composite -> {
                        long start = WindowKeys.windowStart(composite);
                        return start >= fromStart && start <= toStart;
                    }, this::entry);
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> all() {
            return map(store.range(null, null), null, this::entry);
        }

        private Map.Entry<Windowed<K>, V> entry(Map.Entry<byte[], byte[]> e) {
            long start = WindowKeys.windowStart(e.getKey());
            long end = start > Long.MAX_VALUE - windowSize ? Long.MAX_VALUE : start + windowSize;
            return new AbstractMap.SimpleImmutableEntry<>(
                    new Windowed<>(key(WindowKeys.key(e.getKey())), start, end), value(e.getValue()));
        }

        @Override
        public void put(K key, long windowStart, V value) {
            store.put(WindowKeys.windowKey(keyBytes(key), windowStart), valueBytes(value));
        }

        @Override
        public long droppedExpiredWrites() {
            return store.droppedExpiredWrites();
        }
    }

    private static final class SessionView<K, V> extends View<K, V> implements SessionStore<K, V> {
        SessionView(BytesStore store, Serde<K> keySerde, Serde<V> valueSerde) {
            super(store, keySerde, valueSerde);
        }

        @Override
        public V fetchSession(K key, long start, long end) {
            return value(store.get(WindowKeys.sessionKey(keyBytes(key), start, end)));
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> findSessions(K key, long earliestSessionEnd,
                                                                     long latestSessionStart) {
            byte[] k = keyBytes(key);
            byte[] from = WindowKeys.sessionKey(k, Long.MIN_VALUE, earliestSessionEnd);
            byte[] to = WindowKeys.sessionKey(k, Long.MAX_VALUE, Long.MAX_VALUE);
            return map(range(from, to, earliestSessionEnd, Long.MAX_VALUE),
                    composite -> WindowKeys.isSessionKeyOf(composite, k)
                            && WindowKeys.sessionStart(composite) <= latestSessionStart,
                    this::entry);
        }

        @Override
        public StoreIterator<Map.Entry<Windowed<K>, V>> all() {
            return map(store.range(null, null), null, this::entry);
        }

        private Map.Entry<Windowed<K>, V> entry(Map.Entry<byte[], byte[]> e) {
            byte[] c = e.getKey();
            return new AbstractMap.SimpleImmutableEntry<>(
                    new Windowed<>(key(WindowKeys.sessionUserKey(c)), WindowKeys.sessionStart(c), WindowKeys.sessionEnd(c)),
                    value(e.getValue()));
        }

        @Override
        public void put(Windowed<K> session, V value) {
            Objects.requireNonNull(session, "session");
            store.put(WindowKeys.sessionKey(keyBytes(session.key()), session.start(), session.end()),
                    valueBytes(value));
        }

        @Override
        public void remove(Windowed<K> session) {
            put(session, null);
        }
    }
}
