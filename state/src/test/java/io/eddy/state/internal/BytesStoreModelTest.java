package io.eddy.state.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.state.StoreIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of puts, deletes, commits, aborts, restores and reopens give the same reads
 * as a model (a committed tree map plus a dirty tree map) on every engine/cache combination.
 */
class BytesStoreModelTest {

    sealed interface Op permits Put, Delete, Commit, Abort, Reopen, Restore {
    }

    record Put(byte[] key, byte[] value) implements Op {
        @Override
        public String toString() {
            return "put(" + HexFormat.of().formatHex(key) + "," + HexFormat.of().formatHex(value) + ")";
        }
    }

    record Delete(byte[] key) implements Op {
        @Override
        public String toString() {
            return "delete(" + HexFormat.of().formatHex(key) + ")";
        }
    }

    record Commit() implements Op {
    }

    record Abort() implements Op {
    }

    record Reopen() implements Op {
    }

    record Restore(List<Map.Entry<byte[], byte[]>> records) implements Op {
    }

    @Provide
    Arbitrary<StoreSetup> setups() {
        return Arbitraries.of(StoreSetup.all().toList());
    }

    /** Few short keys with bytes on both sides of 0x80, so collisions and prefixes are common. */
    private Arbitrary<byte[]> keys() {
        return Arbitraries.bytes().filter(x -> x == 0 || x == 1 || x == (byte) 0x7f || x == (byte) 0x80
                        || x == (byte) 0xff).array(byte[].class).ofMinSize(0).ofMaxSize(3);
    }

    private Arbitrary<byte[]> values() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> put = Combinators.combine(keys(), values()).as(Put::new);
        Arbitrary<Op> delete = keys().map(Delete::new);
        Arbitrary<Op> restore = Combinators.combine(keys(), values().injectNull(0.3))
                .as((k, v) -> Map.<byte[], byte[]>entry(k, v == null ? new byte[0] : v))
                .list().ofMaxSize(5)
                .map(list -> {
                    List<Map.Entry<byte[], byte[]>> records = new ArrayList<>();
                    for (Map.Entry<byte[], byte[]> e : list) {
                        records.add(ByteArrays.entry(e.getKey(), e.getValue().length == 0 ? null : e.getValue()));
                    }
                    return (Op) new Restore(records);
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, put),
                net.jqwik.api.Tuple.of(4, delete),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(new Commit())),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Abort())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())),
                net.jqwik.api.Tuple.of(1, restore)).list().ofMaxSize(60);
    }

    @Property(tries = 250)
    void storeBehavesLikeTheModel(@ForAll("setups") StoreSetup setup, @ForAll("ops") List<Op> ops) throws IOException {
        Path root = Files.createTempDirectory("eddy-state-prop");
        try (StateEnvironment env = setup.newEnvironment()) {
            BytesStore store = setup.keyValue(env, root, "model");
            NavigableMap<byte[], byte[]> committed = new TreeMap<>(ByteArrays.ORDER);
            Map<ByteKey, byte[]> dirtyValues = new HashMap<>();
            NavigableMap<byte[], Boolean> dirtyKeys = new TreeMap<>(ByteArrays.ORDER);
            long offset = -1;
            for (Op op : ops) {
                if (op instanceof Put p) {
                    store.put(p.key(), p.value());
                    dirtyKeys.put(p.key(), true);
                    dirtyValues.put(new ByteKey(p.key()), p.value());
                } else if (op instanceof Delete d) {
                    store.put(d.key(), null);
                    dirtyKeys.put(d.key(), true);
                    dirtyValues.put(new ByteKey(d.key()), null);
                } else if (op instanceof Commit) {
                    offset++;
                    store.commit(offset);
                    apply(committed, dirtyKeys, dirtyValues);
                } else if (op instanceof Abort) {
                    store.abort();
                    dirtyKeys.clear();
                    dirtyValues.clear();
                } else if (op instanceof Reopen) {
                    store.close();
                    store = setup.keyValue(env, root, "model");
                    dirtyKeys.clear();
                    dirtyValues.clear();
                    if (!setup.rocksDb()) {
                        committed.clear();
                        offset = -1;
                    }
                } else if (op instanceof Restore r) {
                    if (!dirtyKeys.isEmpty()) {
                        offset++;
                        store.commit(offset);
                        apply(committed, dirtyKeys, dirtyValues);
                    }
                    offset++;
                    store.restore(r.records(), offset);
                    for (Map.Entry<byte[], byte[]> e : r.records()) {
                        if (e.getValue() == null) {
                            committed.remove(e.getKey());
                        } else {
                            committed.put(e.getKey(), e.getValue());
                        }
                    }
                }
                NavigableMap<byte[], byte[]> expected = new TreeMap<>(committed);
                apply(expected, new TreeMap<>(dirtyKeys), new HashMap<>(dirtyValues));
                check(store, expected);
                assertThat(store.dirtyCount()).isEqualTo(dirtyKeys.size());
                assertThat(store.committedOffset()).isEqualTo(offset);
            }
            store.close();
        } finally {
            deleteRecursively(root);
        }
    }

    private static void apply(NavigableMap<byte[], byte[]> target, NavigableMap<byte[], Boolean> dirtyKeys,
                              Map<ByteKey, byte[]> dirtyValues) {
        for (byte[] k : dirtyKeys.keySet()) {
            byte[] v = dirtyValues.get(new ByteKey(k));
            if (v == null) {
                target.remove(k);
            } else {
                target.put(k, v);
            }
        }
        dirtyKeys.clear();
        dirtyValues.clear();
    }

    private static void check(BytesStore store, NavigableMap<byte[], byte[]> expected) {
        byte[][] probes = {{}, {0}, {1}, {0x7f}, {(byte) 0x80}, {(byte) 0xff}, {0, 1}, {(byte) 0xff, (byte) 0xff},
                {1, (byte) 0x80, 0}};
        for (byte[] probe : probes) {
            assertThat(store.get(probe)).as("get %s", HexFormat.of().formatHex(probe)).isEqualTo(expected.get(probe));
        }
        assertThat(read(store.range(null, null))).isEqualTo(flatten(expected));
        byte[] from = {1};
        byte[] to = {(byte) 0x80, 0};
        assertThat(read(store.range(from, to))).isEqualTo(flatten(expected.subMap(from, true, to, true)));
        assertThat(read(store.range(null, to))).isEqualTo(flatten(expected.headMap(to, true)));
        assertThat(read(store.range(from, null))).isEqualTo(flatten(expected.tailMap(from, true)));
    }

    private static List<String> read(StoreIterator<Map.Entry<byte[], byte[]>> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(e -> out.add(HexFormat.of().formatHex(e.getKey()) + "=" + HexFormat.of().formatHex(e.getValue())));
        }
        return out;
    }

    private static List<String> flatten(Map<byte[], byte[]> map) {
        List<String> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v)));
        return out;
    }

    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
