package io.eddy.bench.jmh;

import io.eddy.serde.Serdes;
import io.eddy.state.StoreIterator;
import io.eddy.state.WindowStore;
import io.eddy.state.Windowed;
import io.eddy.state.internal.BytesStore;
import io.eddy.state.internal.StateEnvironment;
import io.eddy.state.internal.StoreOptions;
import io.eddy.state.internal.Stores;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state stores, at byte level ({@link BytesStore}, what the typed views and operators sit on):
 * point reads through the dirty buffer, the read cache and the engine; buffered writes; the commit
 * of a batch; and the range scan a windowed aggregation makes for one key.
 *
 * <p>Stores are configured by the {@code store} parameter: {@code memory} (the in-memory engine),
 * {@code rocksdb} (RocksDB, no read cache) and {@code rocksdb+cacheNNm} (RocksDB behind an
 * NN MiB read cache; 2 MiB is an application's default per store). RocksDB environments get a
 * 64 MiB budget, an application's default. Key-value stores hold 100,000 committed keys
 * ({@code key-000042}) with 100-byte values, about 11 MB, so RocksDB serves reads from its block
 * cache, never from disk; they are closed and reopened after loading, which moves the data from
 * the memtable into SST files. Keys are drawn uniformly unless {@code -p keys=zipf}.
 *
 * <p>Single-threaded, like every store. All times are per operation (per entry for
 * {@link #commit}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreBenchmark {

    static final int KEYS = 100_000;
    static final int VALUE_BYTES = 100;
    static final int BATCH = 10_000;
    static final long ROCKSDB_MEMORY = 64L << 20;

    /**
     * A key-value store loaded with {@link #KEYS} committed entries. Not a JMH state: the states
     * below own one each.
     */
    static final class LoadedStore implements AutoCloseable {
        final StateEnvironment environment;
        final TempDirectory directory;
        final StoreOptions options;
        final byte[][] keys = new byte[KEYS][];
        final byte[][] values = new byte[KEYS][];
        BytesStore store;
        long offset;

        /**
         * Opens and loads a store.
         *
         * @param store {@code memory}, {@code rocksdb} or {@code rocksdb+cacheNNm}
         */
        LoadedStore(String store) {
            String[] parts = store.toLowerCase(Locale.ROOT).split("\\+", 2);
            boolean rocksDb = switch (parts[0]) {
                case "memory" -> false;
                case "rocksdb" -> true;
                default -> throw new IllegalArgumentException("unknown store '" + store
                        + "'; known: memory, rocksdb, each optionally +cacheNNm");
            };
            this.options = new StoreOptions(parts.length == 1 ? 0 : cacheBytes(parts[1], store));
            this.environment = rocksDb ? StateEnvironment.rocksDb(ROCKSDB_MEMORY) : StateEnvironment.inMemory();
            this.directory = rocksDb ? TempDirectory.create("eddy-jmh-store") : null;
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < KEYS; i++) {
                keys[i] = KeySequence.keyBytes(i);
                values[i] = randomBytes(random, VALUE_BYTES);
            }
            this.store = open();
            for (int i = 0; i < KEYS; i++) {
                this.store.put(keys[i], values[i]);
                if ((i + 1) % BATCH == 0) {
                    this.store.commit(offset++);
                }
            }
            this.store.commit(offset++);
            if (rocksDb) {
                // Reopening replays the write-ahead log into SST files: reads then go through the
                // block cache and the files, as in a store that has been running for a while.
                this.store.close();
                this.store = open();
            }
            for (int i = 0; i < KEYS; i++) {
                // Checks the load and fills the read cache, if any, as far as it holds.
                if (!Arrays.equals(this.store.get(keys[i]), values[i])) {
                    throw new IllegalStateException("store '" + store + "' lost the value of " + KeySequence.key(i));
                }
            }
        }

        private static long cacheBytes(String option, String store) {
            if (!option.startsWith("cache") || !option.endsWith("m")) {
                throw new IllegalArgumentException("store '" + store + "': expected +cacheNNm, e.g. +cache1m");
            }
            return Long.parseLong(option.substring("cache".length(), option.length() - 1)) << 20;
        }

        private BytesStore open() {
            Path dir = directory == null ? null : directory.path().resolve("kv");
            return environment.openKeyValue(dir, "kv", options);
        }

        @Override
        public void close() {
            environment.close();
            if (directory != null) {
                directory.close();
            }
        }
    }

    static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(26));
        }
        return bytes;
    }

    /** A loaded store and a key sequence for point reads. */
    @State(Scope.Thread)
    public static class Reads {
        /** See the class comment of {@link StoreBenchmark}. */
        @Param({"memory", "rocksdb", "rocksdb+cache2m", "rocksdb+cache32m"})
        public String store;

        /** {@code uniform} or {@code zipf}; see {@link KeySequence}. */
        @Param({"uniform"})
        public String keys;

        LoadedStore loaded;
        KeySequence sequence;

        /** Opens and loads the store. */
        @Setup(Level.Trial)
        public void open() {
            loaded = new LoadedStore(store);
            sequence = KeySequence.draw(keys, KEYS, 1 << 20, 7);
        }

        /** Closes the store and deletes its files. */
        @TearDown(Level.Trial)
        public void close() {
            loaded.close();
        }
    }

    /**
     * A committed point read: from the read cache when the store has one and holds the key (with
     * 32 MiB it holds every key; with 2 MiB about 9 % of them, so most reads miss, go to RocksDB
     * and insert into the cache), else from the engine.
     */
    @Benchmark
    public byte[] get(Reads s) {
        return s.loaded.store.get(s.loaded.keys[s.sequence.next()]);
    }

    /** An empty store whose dirty buffer takes writes; the buffer is dropped every {@link #BATCH} writes. */
    @State(Scope.Thread)
    public static class Writes {
        /** {@code uniform} or {@code zipf}; see {@link KeySequence}. */
        @Param({"uniform"})
        public String keys;

        StateEnvironment environment;
        BytesStore store;
        KeySequence sequence;
        byte[][] keyBytes = new byte[KEYS][];
        byte[] value;

        /** Opens the store. A buffered write does not touch the engine, so the engine does not matter. */
        @Setup(Level.Trial)
        public void open() {
            environment = StateEnvironment.inMemory();
            store = environment.openKeyValue(null, "kv", StoreOptions.DEFAULT);
            sequence = KeySequence.draw(keys, KEYS, 1 << 20, 11);
            for (int i = 0; i < KEYS; i++) {
                keyBytes[i] = KeySequence.keyBytes(i);
            }
            value = randomBytes(new SplittableRandom(3), VALUE_BYTES);
        }

        /** Closes the store. */
        @TearDown(Level.Trial)
        public void close() {
            environment.close();
        }
    }

    /**
     * A write into the dirty buffer, which holds between 0 and {@link #BATCH} keys (it is
     * dropped when full, as a batch boundary would empty it; that costs O(1)).
     */
    @Benchmark
    public void put(Writes s) {
        s.store.put(s.keyBytes[s.sequence.next()], s.value);
        if (s.store.dirtyCount() >= BATCH) {
            s.store.abort();
        }
    }

    /** A loaded store whose dirty buffer holds {@link #BATCH} distinct updated keys before each commit. */
    @State(Scope.Thread)
    public static class Commits {
        /** See the class comment of {@link StoreBenchmark}. */
        @Param({"memory", "rocksdb", "rocksdb+cache32m"})
        public String store;

        LoadedStore loaded;
        KeySequence sequence;
        SplittableRandom random;

        /** Opens and loads the store. */
        @Setup(Level.Trial)
        public void open() {
            loaded = new LoadedStore(store);
            sequence = KeySequence.draw("uniform", KEYS, 1 << 20, 13);
            random = new SplittableRandom(17);
        }

        /** Buffers the next batch: updates of distinct, uniformly chosen keys with new values. */
        @Setup(Level.Invocation)
        public void fill() {
            BytesStore kv = loaded.store;
            while (kv.dirtyCount() < BATCH) {
                int k = sequence.next();
                kv.put(loaded.keys[k], randomBytes(random, VALUE_BYTES));
            }
        }

        /** Closes the store and deletes its files. */
        @TearDown(Level.Trial)
        public void close() {
            loaded.close();
        }
    }

    /**
     * The commit of a batch of {@link #BATCH} dirty entries (RocksDB: one {@code WriteBatch} with
     * the write-ahead log, plus the refresh of cached keys); reported per entry.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void commit(Commits s) {
        s.loaded.store.commit(s.loaded.offset++);
    }

    /**
     * A window store as a windowed count keeps it: {@value #WINDOW_KEYS} keys with one-minute
     * windows over one hour each (8-byte values), spanning two segments.
     */
    @State(Scope.Thread)
    public static class Windows {
        static final int WINDOW_KEYS = 1_000;
        static final int WINDOWS_PER_KEY = 60;
        static final long WINDOW_MS = 60_000;
        static final long RETENTION_MS = 2 * 60 * WINDOW_MS;
        /** 2026-01-01T00:30:00Z: the hour of windows straddles a segment boundary. */
        static final long FIRST_START = 1_767_225_600_000L + 30 * WINDOW_MS;

        /** {@code memory} or {@code rocksdb}; range reads bypass the read cache, so none is set. */
        @Param({"memory", "rocksdb"})
        public String store;

        StateEnvironment environment;
        TempDirectory directory;
        BytesStore bytes;
        WindowStore<String, Long> windows;
        KeySequence sequence;
        String[] keys = new String[WINDOW_KEYS];

        /** Opens and loads the store. */
        @Setup(Level.Trial)
        public void open() {
            boolean rocksDb = store.equals("rocksdb");
            if (!rocksDb && !store.equals("memory")) {
                throw new IllegalArgumentException("unknown store '" + store + "'; known: memory, rocksdb");
            }
            environment = rocksDb ? StateEnvironment.rocksDb(ROCKSDB_MEMORY) : StateEnvironment.inMemory();
            directory = rocksDb ? TempDirectory.create("eddy-jmh-window") : null;
            bytes = openStore();
            for (int i = 0; i < WINDOW_KEYS; i++) {
                keys[i] = KeySequence.key(i);
            }
            windows = view();
            long offset = 0;
            for (int w = 0; w < WINDOWS_PER_KEY; w++) {
                for (int i = 0; i < WINDOW_KEYS; i++) {
                    windows.put(keys[i], FIRST_START + w * WINDOW_MS, (long) (i + w));
                }
                bytes.commit(offset++);
            }
            if (rocksDb) {
                bytes.close();
                bytes = openStore();
                windows = view();
            }
            sequence = KeySequence.draw("uniform", WINDOW_KEYS, 1 << 16, 19);
            try (StoreIterator<Map.Entry<Windowed<String>, Long>> it = windows.fetch(keys[0], FIRST_START,
                    FIRST_START + (WINDOWS_PER_KEY - 1) * WINDOW_MS)) {
                int n = 0;
                for (; it.hasNext(); it.next()) {
                    n++;
                }
                if (n != WINDOWS_PER_KEY) {
                    throw new IllegalStateException("store '" + store + "' returned " + n + " windows, expected "
                            + WINDOWS_PER_KEY);
                }
            }
        }

        private BytesStore openStore() {
            Path dir = directory == null ? null : directory.path().resolve("windows");
            return environment.openWindow(dir, "windows", RETENTION_MS, Math.max(60_000L, RETENTION_MS / 2),
                    StoreOptions.DEFAULT);
        }

        private WindowStore<String, Long> view() {
            return Stores.window(bytes, Serdes.string(), Serdes.longs(), WINDOW_MS, RETENTION_MS);
        }

        /** Closes the store and deletes its files. */
        @TearDown(Level.Trial)
        public void close() {
            environment.close();
            if (directory != null) {
                directory.close();
            }
        }
    }

    /**
     * A range scan of one key's windows through the typed window view: {@code fetch(key, from, to)}
     * over the whole hour, returning all 60 windows, deserialized and summed.
     */
    @Benchmark
    public long windowFetch(Windows s) {
        long sum = 0;
        long from = Windows.FIRST_START;
        long to = from + (Windows.WINDOWS_PER_KEY - 1) * Windows.WINDOW_MS;
        try (StoreIterator<Map.Entry<Windowed<String>, Long>> it = s.windows.fetch(s.keys[s.sequence.next()], from, to)) {
            while (it.hasNext()) {
                sum += it.next().getValue();
            }
        }
        return sum;
    }
}
