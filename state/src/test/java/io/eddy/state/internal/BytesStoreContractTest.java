package io.eddy.state.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.Serdes;
import io.eddy.state.KeyValueStore;
import io.eddy.state.SessionStore;
import io.eddy.state.StateStoreException;
import io.eddy.state.StoreIterator;
import io.eddy.state.WindowStore;
import io.eddy.state.Windowed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every store must meet, run for each engine (RocksDB, in-memory) with and without
 * the read cache.
 */
class BytesStoreContractTest {

    @TempDir
    Path root;

    private StateEnvironment env;

    static List<StoreSetup> setups() {
        return StoreSetup.all().toList();
    }

    @AfterEach
    void closeEnvironment() {
        if (env != null) {
            env.close();
        }
    }

    private BytesStore kv(StoreSetup setup) {
        if (env == null) {
            env = setup.newEnvironment();
        }
        return setup.keyValue(env, root, "kv");
    }

    private BytesStore window(StoreSetup setup, long retention, long interval) {
        if (env == null) {
            env = setup.newEnvironment();
        }
        return setup.window(env, root, "win", retention, interval);
    }

    private BytesStore session(StoreSetup setup, long retention, long interval) {
        if (env == null) {
            env = setup.newEnvironment();
        }
        return setup.session(env, root, "sess", retention, interval);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static List<String> drain(StoreIterator<Map.Entry<byte[], byte[]>> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                Map.Entry<byte[], byte[]> e = it.next();
                out.add(s(e.getKey()) + "=" + s(e.getValue()));
            }
        }
        return out;
    }

    static <K, V> List<String> drainTyped(StoreIterator<Map.Entry<K, V>> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                Map.Entry<K, V> e = it.next();
                out.add(e.getKey() + "=" + e.getValue());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void putGetDelete(StoreSetup setup) {
        BytesStore store = kv(setup);
        assertThat(store.get(b("a"))).isNull();
        store.put(b("a"), b("1"));
        store.commit(0);
        assertThat(s(store.get(b("a")))).isEqualTo("1");
        store.put(b("a"), b("2"));
        store.commit(1);
        assertThat(s(store.get(b("a")))).isEqualTo("2");
        store.put(b("a"), null);
        store.commit(2);
        assertThat(store.get(b("a"))).isNull();
        assertThat(drain(store.range(null, null))).isEmpty();
        assertThat(store.committedOffset()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void readsSeeUncommittedWrites(StoreSetup setup) {
        BytesStore store = kv(setup);
        store.put(b("a"), b("1"));
        store.put(b("b"), b("1"));
        store.commit(7);
        store.put(b("a"), b("2"));
        store.put(b("b"), null);
        store.put(b("c"), b("3"));
        assertThat(s(store.get(b("a")))).isEqualTo("2");
        assertThat(store.get(b("b"))).isNull();
        assertThat(s(store.get(b("c")))).isEqualTo("3");
        assertThat(drain(store.range(null, null))).containsExactly("a=2", "c=3");
        assertThat(store.committedOffset()).isEqualTo(7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void abortDiscardsTheBufferAndKeepsTheCacheConsistent(StoreSetup setup) {
        BytesStore store = kv(setup);
        store.put(b("a"), b("1"));
        store.commit(0);
        assertThat(s(store.get(b("a")))).isEqualTo("1");
        assertThat(store.get(b("z"))).isNull();   // cached absence, when the cache is on
        store.put(b("a"), b("2"));
        store.put(b("z"), b("new"));
        store.abort();
        assertThat(store.dirtyCount()).isZero();
        assertThat(store.dirtyBytes()).isZero();
        assertThat(s(store.get(b("a")))).isEqualTo("1");
        assertThat(store.get(b("z"))).isNull();
        assertThat(drain(store.range(null, null))).containsExactly("a=1");
        assertThat(store.committedOffset()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void commitUpdatesCachedEntries(StoreSetup setup) {
        BytesStore store = kv(setup);
        store.put(b("a"), b("1"));
        store.commit(0);
        assertThat(s(store.get(b("a")))).isEqualTo("1");
        assertThat(store.get(b("b"))).isNull();
        store.put(b("a"), null);
        store.put(b("b"), b("2"));
        store.commit(1);
        assertThat(store.get(b("a"))).isNull();
        assertThat(s(store.get(b("b")))).isEqualTo("2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void commitPersistsAcrossReopen(StoreSetup setup) {
        BytesStore store = kv(setup);
        assertThat(store.committedOffset()).isEqualTo(-1);
        store.put(b("a"), b("1"));
        store.put(b("b"), b("2"));
        store.commit(41);
        store.put(b("c"), b("uncommitted"));
        store.close();
        BytesStore reopened = kv(setup);
        if (setup.rocksDb()) {
            assertThat(reopened.committedOffset()).isEqualTo(41);
            assertThat(drain(reopened.range(null, null))).containsExactly("a=1", "b=2");
        } else {
            assertThat(reopened.committedOffset()).isEqualTo(-1);
            assertThat(drain(reopened.range(null, null))).isEmpty();
        }
        reopened.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void dirtyBufferCollapsesPerKeyInFirstWriteOrder(StoreSetup setup) {
        BytesStore store = kv(setup);
        store.put(b("b"), b("1"));
        store.put(b("a"), b("1"));
        store.put(b("b"), b("22"));
        store.put(b("c"), b("x"));
        store.put(b("c"), null);
        store.put(b("a"), b("333"));
        List<String> records = new ArrayList<>();
        store.forEachDirty((k, v) -> records.add(s(k) + "=" + s(v)));
        assertThat(records).containsExactly("b=22", "a=333", "c=null");
        assertThat(store.dirtyCount()).isEqualTo(3);
        assertThat(store.dirtyBytes()).isEqualTo(3 + 3 + 2);
        store.commit(0);
        assertThat(store.dirtyCount()).isZero();
        assertThat(store.dirtyBytes()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void rangeIsUnsignedOrderedWithOpenBounds(StoreSetup setup) {
        BytesStore store = kv(setup);
        byte[][] keys = {{(byte) 0xff}, {0x01}, {(byte) 0x80}, {0x7f}, {0x01, 0x00}, {}};
        for (int i = 0; i < keys.length; i++) {
            store.put(keys[i], new byte[] {(byte) i});
        }
        store.commit(0);
        store.put(new byte[] {0x40}, new byte[] {9});       // dirty insert in the middle
        store.put(new byte[] {0x7f}, null);                 // dirty delete of a committed key
        assertThat(hex(store.range(null, null))).containsExactly("", "01", "0100", "40", "80", "ff");
        assertThat(hex(store.range(new byte[] {0x01, 0x00}, null))).containsExactly("0100", "40", "80", "ff");
        assertThat(hex(store.range(null, new byte[] {(byte) 0x80}))).containsExactly("", "01", "0100", "40", "80");
        assertThat(hex(store.range(new byte[] {0x02}, new byte[] {(byte) 0x90}))).containsExactly("40", "80");
        assertThat(hex(store.range(new byte[] {(byte) 0x90}, new byte[] {0x02}))).isEmpty();
        store.commit(1);
        assertThat(hex(store.range(null, null))).containsExactly("", "01", "0100", "40", "80", "ff");
        assertThat(store.approximateCount()).isPositive();
    }

    private static List<String> hex(StoreIterator<Map.Entry<byte[], byte[]>> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                StringBuilder sb = new StringBuilder();
                for (byte x : it.next().getKey()) {
                    sb.append(String.format("%02x", x));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void iteratorIsASnapshotThatToleratesWrites(StoreSetup setup) {
        BytesStore store = kv(setup);
        for (String k : List.of("a", "b", "c")) {
            store.put(b(k), b("1"));
        }
        store.commit(0);
        store.put(b("d"), b("1"));
        List<String> seen = new ArrayList<>();
        try (StoreIterator<Map.Entry<byte[], byte[]>> it = store.range(null, null)) {
            while (it.hasNext()) {
                byte[] key = it.next().getKey();
                seen.add(s(key));
                store.put(key, null);
                store.put(b("e"), b("1"));
            }
        }
        assertThat(seen).containsExactly("a", "b", "c", "d");
        assertThat(drain(store.range(null, null))).containsExactly("e=1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void restoreAppliesRecordsInOrderAndStoresTheOffset(StoreSetup setup) {
        BytesStore store = kv(setup);
        store.put(b("a"), b("old"));
        store.put(b("gone"), b("x"));
        store.commit(3);
        assertThat(s(store.get(b("a")))).isEqualTo("old");  // now cached, when the cache is on
        store.restore(List.of(
                ByteArrays.entry(b("a"), b("1")),
                ByteArrays.entry(b("b"), b("1")),
                ByteArrays.entry(b("a"), b("2")),
                ByteArrays.entry(b("gone"), null)), 10);
        assertThat(store.committedOffset()).isEqualTo(10);
        assertThat(s(store.get(b("a")))).isEqualTo("2");
        assertThat(drain(store.range(null, null))).containsExactly("a=2", "b=1");
        store.put(b("c"), b("1"));
        assertThatThrownBy(() -> store.restore(List.of(), 11)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void closedStoreRefusesUse(StoreSetup setup) {
        BytesStore store = kv(setup);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.get(b("a"))).isInstanceOf(StateStoreException.class).hasMessageContaining("kv");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void typedKeyValueView(StoreSetup setup) {
        KeyValueStore<String, Long> store = Stores.keyValue(kv(setup), Serdes.string(), Serdes.longs());
        store.put("x", 1L);
        store.put("y", 2L);
        store.put("z", 3L);
        store.delete("y");
        assertThat(store.get("x")).isEqualTo(1L);
        assertThat(store.get("y")).isNull();
        assertThat(drainTyped(store.range("x", "z"))).containsExactly("x=1", "z=3");
        assertThat(drainTyped(store.all())).containsExactly("x=1", "z=3");
        assertThat(store.name()).isEqualTo("kv");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void windowFetchIsOrderedByStartAndDoesNotAliasLongerKeys(StoreSetup setup) {
        BytesStore bytes = window(setup, 10_000, 100);
        WindowStore<String, String> store = Stores.window(bytes, Serdes.string(), Serdes.string(), 50, 10_000);
        store.put("a", 250, "a250");
        store.put("ab", 0, "ab0");
        store.put("a", 0, "a0");
        store.put("ab", 100, "ab100");
        bytes.commit(0);
        store.put("a", 100, "a100");            // uncommitted, in a middle segment
        store.put("a", -50, "a-50");            // negative times are allowed
        assertThat(drainTyped(store.fetch("a", -100, 1000))).containsExactly(
                "Windowed[key=a, start=-50, end=0]=a-50",
                "Windowed[key=a, start=0, end=50]=a0",
                "Windowed[key=a, start=100, end=150]=a100",
                "Windowed[key=a, start=250, end=300]=a250");
        assertThat(drainTyped(store.fetch("a", 0, 100))).containsExactly(
                "Windowed[key=a, start=0, end=50]=a0",
                "Windowed[key=a, start=100, end=150]=a100");
        assertThat(drainTyped(store.fetch("ab", 0, 1000))).containsExactly(
                "Windowed[key=ab, start=0, end=50]=ab0",
                "Windowed[key=ab, start=100, end=150]=ab100");
        assertThat(drainTyped(store.fetch("a", 300, 200))).isEmpty();
        assertThat(store.fetch("a", 250)).isEqualTo("a250");
        assertThat(store.fetch("a", 251)).isNull();
        assertThat(drainTyped(store.fetchAll(100, 100))).containsExactlyInAnyOrder(
                "Windowed[key=a, start=100, end=150]=a100",
                "Windowed[key=ab, start=100, end=150]=ab100");
        assertThat(drainTyped(store.all())).hasSize(6);
        store.put("a", 0, null);
        assertThat(store.fetch("a", 0)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void retentionDropsWholeSegmentsAndKeepsTheStoreBounded(StoreSetup setup) {
        long retention = 1_000;
        long interval = 250;
        BytesStore bytes = window(setup, retention, interval);
        WindowStore<String, Long> store = Stores.window(bytes, Serdes.string(), Serdes.longs(), 100, retention);
        SegmentedEngine engine = (SegmentedEngine) ((BufferedStore) bytes).engine();
        long offset = 0;
        int maxSegments = 0;
        long maxCount = 0;
        for (long t = 0; t < 50_000; t += 10) {
            store.put("k" + (t % 7), t, t);
            if (t % 100 == 0) {
                bytes.commit(offset++);
                maxSegments = Math.max(maxSegments, engine.segmentCount());
                maxCount = Math.max(maxCount, bytes.approximateCount());
            }
        }
        bytes.commit(offset);
        // Live data spans retention + one partly expired segment + the current one.
        assertThat(maxSegments).isLessThanOrEqualTo((int) (retention / interval) + 2);
        assertThat(engine.segmentCount()).isLessThanOrEqualTo((int) (retention / interval) + 2);
        assertThat(maxCount).isLessThan(200 + 100);
        // Expired windows are invisible and late writes are ignored and counted.
        assertThat(store.fetch("k0", 0)).isNull();
        long before = store.droppedExpiredWrites();
        store.put("late", 100, 1L);
        assertThat(store.droppedExpiredWrites()).isEqualTo(before + 1);
        assertThat(store.fetch("late", 100)).isNull();
        assertThat(bytes.dirtyCount()).isZero();
        // The newest windows are still there.
        assertThat(store.fetch("k" + (49_990 % 7), 49_990)).isEqualTo(49_990L);
        try (StoreIterator<Map.Entry<Windowed<String>, Long>> it = store.all()) {
            while (it.hasNext()) {
                assertThat(it.next().getKey().start()).isGreaterThanOrEqualTo(49_990 - retention);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void streamTimeSurvivesAbortAndReopen(StoreSetup setup) {
        BytesStore bytes = window(setup, 100, 50);
        WindowStore<String, Long> store = Stores.window(bytes, Serdes.string(), Serdes.longs(), 10, 100);
        store.put("a", 1000, 1L);
        bytes.commit(0);
        store.put("a", 5000, 2L);        // advances stream time within the batch...
        store.put("a", 1000, 3L);        // ...so this write is already expired
        assertThat(store.droppedExpiredWrites()).isEqualTo(1);
        bytes.abort();                  // ...but an abort falls back to the committed stream time
        store.put("a", 1000, 4L);
        assertThat(store.fetch("a", 1000)).isEqualTo(4L);
        bytes.commit(1);
        bytes.close();
        BytesStore reopened = window(setup, 100, 50);
        WindowStore<String, Long> again = Stores.window(reopened, Serdes.string(), Serdes.longs(), 10, 100);
        if (setup.rocksDb()) {
            assertThat(again.fetch("a", 1000)).isEqualTo(4L);
            again.put("a", 800, 5L);
            assertThat(again.droppedExpiredWrites()).isEqualTo(1);
        }
        reopened.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void windowRestoreIgnoresExpiredRecords(StoreSetup setup) {
        BytesStore bytes = window(setup, 100, 50);
        byte[] k = b("k");
        bytes.restore(List.of(
                ByteArrays.entry(WindowKeys.windowKey(k, 0), b("0")),
                ByteArrays.entry(WindowKeys.windowKey(k, 500), b("500")),
                ByteArrays.entry(WindowKeys.windowKey(k, 10), b("10")),     // expired by then
                ByteArrays.entry(WindowKeys.windowKey(k, 450), b("450")),
                ByteArrays.entry(WindowKeys.windowKey(k, 450), null)), 4);
        assertThat(bytes.droppedExpiredWrites()).isEqualTo(1);
        assertThat(bytes.committedOffset()).isEqualTo(4);
        assertThat(drain(bytes.range(null, null))).hasSize(1);
        assertThat(s(bytes.get(WindowKeys.windowKey(k, 500)))).isEqualTo("500");
        assertThat(bytes.get(WindowKeys.windowKey(k, 0))).isNull();
        assertThat(((SegmentedEngine) ((BufferedStore) bytes).engine()).segmentCount()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void aWindowStoreToldItsWatermarkBeforeRestoreSkipsTheExpiredHistory(StoreSetup setup) {
        if (env == null) {
            env = setup.newEnvironment();
        }
        BytesStore bytes = env.openWindow(root.resolve("explicit"), "explicit", 100, 50,
                setup.options().withExplicitStreamTime());
        byte[] k = b("k");
        List<Map.Entry<byte[], byte[]>> history = new ArrayList<>();
        for (long t = 0; t < 10_000; t += 10) {      // 200 intervals of history, never tombstoned
            history.add(ByteArrays.entry(WindowKeys.windowKey(k, t), b(Long.toString(t))));
        }
        bytes.advanceStreamTime(9_950);                // the previous owner's committed watermark
        bytes.restore(history, history.size() - 1);
        SegmentedEngine engine = (SegmentedEngine) ((BufferedStore) bytes).engine();
        assertThat(engine.segmentCount()).isLessThanOrEqualTo(3);
        assertThat(bytes.droppedExpiredWrites()).isEqualTo(985);   // t < 9_850
        assertThat(s(bytes.get(WindowKeys.windowKey(k, 9_850)))).isEqualTo("9850");
        assertThat(bytes.get(WindowKeys.windowKey(k, 9_840))).isNull();
        bytes.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void findSessionsReturnsOverlappingSessionsOfTheKeyOnly(StoreSetup setup) {
        BytesStore bytes = session(setup, 10_000, 100);
        SessionStore<String, Long> store = Stores.session(bytes, Serdes.string(), Serdes.longs(), 10_000);
        store.put(new Windowed<>("a", 0, 10), 1L);
        store.put(new Windowed<>("a", 20, 30), 2L);
        store.put(new Windowed<>("ab", 20, 30), 99L);
        bytes.commit(0);
        store.put(new Windowed<>("a", 50, 50), 3L);
        store.put(new Windowed<>("a", 12, 300), 4L);
        assertThat(drainTyped(store.findSessions("a", 15, 40))).containsExactly(
                "Windowed[key=a, start=20, end=30]=2",
                "Windowed[key=a, start=12, end=300]=4");
        assertThat(drainTyped(store.findSessions("a", 0, Long.MAX_VALUE))).containsExactly(
                "Windowed[key=a, start=0, end=10]=1",
                "Windowed[key=a, start=20, end=30]=2",
                "Windowed[key=a, start=50, end=50]=3",
                "Windowed[key=a, start=12, end=300]=4");
        assertThat(drainTyped(store.findSessions("a", 31, 49))).containsExactly(
                "Windowed[key=a, start=12, end=300]=4");
        assertThat(store.fetchSession("ab", 20, 30)).isEqualTo(99L);
        assertThat(store.fetchSession("a", 20, 31)).isNull();
        store.remove(new Windowed<>("a", 20, 30));
        bytes.commit(1);
        assertThat(drainTyped(store.findSessions("a", 15, 40))).containsExactly(
                "Windowed[key=a, start=12, end=300]=4");
        assertThat(drainTyped(store.all())).hasSize(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void sessionRetentionFollowsSessionEnd(StoreSetup setup) {
        BytesStore bytes = session(setup, 100, 50);
        SessionStore<String, Long> store = Stores.session(bytes, Serdes.string(), Serdes.longs(), 100);
        store.put(new Windowed<>("a", 0, 500), 1L);     // long session: kept while its end is recent
        store.put(new Windowed<>("b", 350, 380), 2L);
        bytes.commit(0);
        store.put(new Windowed<>("c", 560, 560), 3L);
        bytes.commit(1);
        assertThat(store.fetchSession("a", 0, 500)).isEqualTo(1L);
        assertThat(store.fetchSession("b", 350, 380)).isNull();
        assertThat(drainTyped(store.all())).containsExactly(
                "Windowed[key=a, start=0, end=500]=1", "Windowed[key=c, start=560, end=560]=3");
    }
}
