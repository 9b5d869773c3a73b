package io.eddy.state.internal;

import io.eddy.state.StateStoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Opens the stores of one application instance and owns what they share. A RocksDB environment
 * holds one LRU block cache and one write buffer manager sized from a single memory budget (so
 * the instance's RocksDB memory is bounded however many stores it opens), a bloom filter policy
 * and a statistics object; an in-memory environment holds nothing.
 *
 * <pre>{@code
 * try (StateEnvironment env = StateEnvironment.rocksDb(256L << 20)) {
 *     BytesStore counts = env.openKeyValue(dir.resolve("counts"), "counts", new StoreOptions(16L << 20));
 *     KeyValueStore<String, Long> typed = Stores.keyValue(counts, Serdes.string(), Serdes.longs());
 * }
 * }</pre>
 *
 * <p>Thread-safe: worker threads may open and close stores concurrently and any thread may read
 * {@link #metrics()}. Each store is then used by one thread.
 */
public final class StateEnvironment implements AutoCloseable {

    private final RocksDbResources rocks;
    private final Set<BufferedStore> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private StateEnvironment(RocksDbResources rocks) {
        this.rocks = rocks;
    }

    /**
     * Creates an environment whose stores are RocksDB databases sharing {@code memoryBytes} of
     * block cache, which memtables are charged against (up to half of it). Bloom filters and
     * RocksDB statistics are on.
     *
     * @param memoryBytes the RocksDB memory budget of the whole instance; at least 8 MiB
     * @throws IllegalArgumentException if the budget is too small
     */
    public static StateEnvironment rocksDb(long memoryBytes) {
        return new StateEnvironment(new RocksDbResources(memoryBytes));
    }

    /** Creates an environment whose stores live in memory and do not survive a close. */
    public static StateEnvironment inMemory() {
        return new StateEnvironment(null);
    }

    /** Whether stores of this environment survive being closed and reopened. */
    public boolean persistent() {
        return rocks != null;
    }

    /**
     * Opens (creating if needed) a key-value store.
     *
     * @param dir     the store's own directory, created if missing; ignored (may be null) in memory
     * @param name    the store name; never null
     * @param options the store options; never null
     * @return the open store, which the caller must close
     * @throws io.eddy.state.CorruptStoreException if the directory is corrupt or not such a store
     * @throws StateStoreException                 for other failures to open
     */
    public BytesStore openKeyValue(Path dir, String name, StoreOptions options) {
        return open(dir, name, options, KeyValueEngine.FORMAT, KeyValueEngine::new);
    }

    /**
     * Opens (creating if needed) a window store; its keys are {@link WindowKeys#windowKey window
     * keys}, segmented by window start.
     *
     * @param retentionMs       how long windows are kept, measured from the largest window start
     *                          written; at least 0
     * @param segmentIntervalMs the time span of one segment; positive. Smaller segments free space
     *                          sooner but mean more column families; retention / 2 to retention /
     *                          10 is typical
     * @see #openKeyValue
     */
    public BytesStore openWindow(Path dir, String name, long retentionMs, long segmentIntervalMs,
                                 StoreOptions options) {
        checkTimes(name, retentionMs, segmentIntervalMs);
        return open(dir, name, options, "eddy-window-1",
                backend -> new SegmentedEngine(backend, WindowKeys::windowStart, retentionMs, segmentIntervalMs,
                        options.streamTimeFromWrites()));
    }

    /**
     * Opens (creating if needed) a session store; its keys are {@link WindowKeys#sessionKey session
     * keys}, segmented by session end.
     *
     * @param retentionMs       how long sessions are kept, measured from the largest session end
     *                          written; at least 0
     * @param segmentIntervalMs the time span of one segment; positive
     * @see #openKeyValue
     */
    public BytesStore openSession(Path dir, String name, long retentionMs, long segmentIntervalMs,
                                  StoreOptions options) {
        checkTimes(name, retentionMs, segmentIntervalMs);
        return open(dir, name, options, "eddy-session-1",
                backend -> new SegmentedEngine(backend, WindowKeys::sessionEnd, retentionMs, segmentIntervalMs,
                        options.streamTimeFromWrites()));
    }

    private static void checkTimes(String name, long retentionMs, long segmentIntervalMs) {
        if (retentionMs < 0) {
            throw new IllegalArgumentException("store '" + name + "': retentionMs must be >= 0, was " + retentionMs);
        }
        if (segmentIntervalMs <= 0) {
            throw new IllegalArgumentException(
                    "store '" + name + "': segmentIntervalMs must be > 0, was " + segmentIntervalMs);
        }
    }

    private synchronized BytesStore open(Path dir, String name, StoreOptions options, String format,
                            Function<Backend, Engine> engineFactory) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        if (closed) {
            throw new StateStoreException("cannot open store '" + name + "': the state environment is closed");
        }
        Backend backend;
        if (rocks == null) {
            backend = new MemoryBackend(name);
        } else {
            Objects.requireNonNull(dir, "dir");
            backend = RocksDbBackend.open(name, dir, rocks, format);
        }
        Engine engine;
        try {
            engine = engineFactory.apply(backend);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        BufferedStore store = new BufferedStore(name, engine, options, open::remove);
        open.add(store);
        return store;
    }

    /**
     * Returns a snapshot of figures for monitoring, by name: for RocksDB the block cache capacity
     * and usage, memtable and table-reader memory summed over open stores, and statistics tickers
     * (bytes read and written, block cache hits and misses, compaction bytes, stall time); for
     * every environment the number of open stores, read cache hits, misses and evictions, and
     * dropped expired writes. Never null; safe to call from any thread.
     */
    public synchronized Map<String, Long> metrics() {
        Map<String, Long> out = new TreeMap<>();
        out.put("stores.open", (long) open.size());
        if (rocks != null && !closed) {
            rocks.addMetrics(out);
        }
        for (BufferedStore store : new ArrayList<>(open)) {
            store.addMetrics(out);
        }
        return out;
    }

    /** Closes every store still open, then the shared native objects. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (BufferedStore store : new ArrayList<>(open)) {
            store.close();
        }
        if (rocks != null) {
            rocks.close();
        }
    }
}
