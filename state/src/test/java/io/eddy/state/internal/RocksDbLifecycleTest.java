package io.eddy.state.internal;

import static io.eddy.state.internal.BytesStoreContractTest.b;
import static io.eddy.state.internal.BytesStoreContractTest.drain;
import static io.eddy.state.internal.BytesStoreContractTest.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.state.CorruptStoreException;
import io.eddy.state.StateStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, corruption handling, native resource release and metrics of the RocksDB engine. */
class RocksDbLifecycleTest {

    @TempDir
    Path root;

    private StateEnvironment env;

    @BeforeEach
    void createEnvironment() {
        env = StateEnvironment.rocksDb(16L << 20);
    }

    @AfterEach
    void closeEnvironment() {
        env.close();
    }

    private Path storeWithData(String name) {
        Path dir = root.resolve(name);
        try (BytesStore store = env.openKeyValue(dir, name, StoreOptions.DEFAULT)) {
            store.put(b("a"), b("1"));
            store.commit(0);
        }
        return dir;
    }

    @Test
    void garbageInCurrentIsCorrupt() throws IOException {
        Path dir = storeWithData("current");
        Files.writeString(dir.resolve("CURRENT"), "this is not a manifest name");
        assertThatThrownBy(() -> env.openKeyValue(dir, "current", StoreOptions.DEFAULT))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining("current").hasMessageContaining(dir.toString());
    }

    @Test
    void garbageInManifestIsCorrupt() throws IOException {
        Path dir = storeWithData("manifest");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path manifest : files.filter(p -> p.getFileName().toString().startsWith("MANIFEST")).toList()) {
                Files.write(manifest, "garbage garbage garbage garbage".getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThatThrownBy(() -> env.openKeyValue(dir, "manifest", StoreOptions.DEFAULT))
                .isInstanceOf(CorruptStoreException.class);
    }

    @Test
    void missingManifestIsCorrupt() throws IOException {
        Path dir = storeWithData("missing");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path manifest : files.filter(p -> p.getFileName().toString().startsWith("MANIFEST")).toList()) {
                Files.delete(manifest);
            }
        }
        assertThatThrownBy(() -> env.openKeyValue(dir, "missing", StoreOptions.DEFAULT))
                .isInstanceOf(CorruptStoreException.class);
    }

    @Test
    void directoryOfOtherFilesIsCorrupt() throws IOException {
        Path dir = Files.createDirectories(root.resolve("foreign"));
        Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> env.openKeyValue(dir, "foreign", StoreOptions.DEFAULT))
                .isInstanceOf(CorruptStoreException.class).hasMessageContaining("notes.txt");
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("hello");
    }

    @Test
    void fileInPlaceOfTheDirectoryIsCorrupt() throws IOException {
        Path file = Files.writeString(root.resolve("plain-file"), "x");
        assertThatThrownBy(() -> env.openKeyValue(file, "plain-file", StoreOptions.DEFAULT))
                .isInstanceOf(CorruptStoreException.class);
    }

    @Test
    void storeOfAnotherKindIsRefused() {
        Path dir = storeWithData("kind");
        assertThatThrownBy(() -> env.openWindow(dir, "kind", 1000, 100, StoreOptions.DEFAULT))
                .isInstanceOf(CorruptStoreException.class).hasMessageContaining("eddy-kv-1");
        try (BytesStore store = env.openKeyValue(dir, "kind", StoreOptions.DEFAULT)) {
            assertThat(s(store.get(b("a")))).isEqualTo("1");
        }
    }

    @Test
    void aCorruptDataBlockFoundByAReadMarksTheStoreSoTheNextOpenRefusesIt() throws IOException {
        Path dir = root.resolve("block");
        try (BytesStore store = env.openKeyValue(dir, "block", StoreOptions.DEFAULT)) {
            for (int i = 0; i < 100; i++) {
                store.put(b("key-" + i), b("value-" + i));
            }
            store.commit(0);
        }
        env.openKeyValue(dir, "block", StoreOptions.DEFAULT).close();   // recovery turns the log into a table file
        Path sst;
        try (Stream<Path> files = Files.list(dir)) {
            sst = files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
        }
        try (var file = new java.io.RandomAccessFile(sst.toFile(), "rw")) {
            file.seek(16);
            file.write(new byte[64]);   // inside the first data block; footer and index intact
        }
        env.close();
        env = StateEnvironment.rocksDb(16L << 20);   // a cold block cache: the block must be read

        BytesStore reopened = env.openKeyValue(dir, "block", StoreOptions.DEFAULT);   // opening cannot tell
        assertThatThrownBy(() -> reopened.get(b("key-1")))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("moved aside");
        reopened.close();
        assertThatThrownBy(() -> env.openKeyValue(dir, "block", StoreOptions.DEFAULT))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageContaining("found corrupt while in use");
    }

    @Test
    void lockedDirectoryIsNotReportedAsCorrupt() {
        Path dir = root.resolve("locked");
        try (BytesStore first = env.openKeyValue(dir, "locked", StoreOptions.DEFAULT)) {
            assertThatThrownBy(() -> env.openKeyValue(dir, "locked", StoreOptions.DEFAULT))
                    .isInstanceOf(StateStoreException.class)
                    .isNotInstanceOf(CorruptStoreException.class);
            first.put(b("still"), b("usable"));
            first.commit(1);
        }
    }

    @Test
    void thousandOpenCloseCyclesReleaseEverything() {
        Path kvDir = root.resolve("cycles");
        Path windowDir = root.resolve("cycles-window");
        for (int i = 0; i < 1000; i++) {
            try (BytesStore store = env.openKeyValue(kvDir, "cycles", new StoreOptions(i % 2 == 0 ? 0 : 1024))) {
                assertThat(store.committedOffset()).isEqualTo(i - 1);
                store.put(b("k" + (i % 10)), b(Integer.toString(i)));
                store.commit(i);
                store.range(null, null).hasNext();   // left open on purpose: close() must release it
            }
            if (i % 10 == 0) {
                try (BytesStore window = env.openWindow(windowDir, "cycles-window", 100, 10, StoreOptions.DEFAULT)) {
                    window.put(WindowKeys.windowKey(b("k"), i), b("v"));
                    window.commit(i);
                }
            }
        }
        try (BytesStore store = env.openKeyValue(kvDir, "cycles", StoreOptions.DEFAULT)) {
            assertThat(s(store.get(b("k9")))).isEqualTo("999");
        }
        assertThat(env.metrics()).containsEntry("stores.open", 0L);
    }

    @Test
    void environmentsCanBeCreatedAndClosedRepeatedly() {
        for (int i = 0; i < 50; i++) {
            try (StateEnvironment e = StateEnvironment.rocksDb(8L << 20)) {
                BytesStore store = e.openKeyValue(root.resolve("env"), "env", StoreOptions.DEFAULT);
                store.put(b("a"), b("1"));
                store.commit(i);
                // not closed explicitly: closing the environment closes it
            }
        }
    }

    @Test
    void metricsAreReported() {
        try (BytesStore store = env.openKeyValue(root.resolve("m"), "m", new StoreOptions(1 << 20))) {
            for (int i = 0; i < 100; i++) {
                store.put(b("k" + i), b("v" + i));
            }
            store.commit(0);   // committed writes stay cached
            store.get(b("k1"));
            store.get(b("k1"));
            store.get(b("absent"));
            Map<String, Long> metrics = env.metrics();
            assertThat(metrics).containsKeys("rocksdb.block-cache.usage.bytes", "rocksdb.memtable.usage.bytes",
                    "rocksdb.bytes.written", "rocksdb.block-cache.hits", "rocksdb.compaction.bytes.written",
                    "cache.hits", "stores.open");
            assertThat(metrics.get("rocksdb.bytes.written")).isPositive();
            assertThat(metrics.get("rocksdb.memtable.usage.bytes")).isPositive();
            assertThat(metrics.get("cache.hits")).isEqualTo(2L);
            assertThat(metrics.get("cache.misses")).isEqualTo(1L);
            assertThat(metrics.get("stores.open")).isEqualTo(1L);
        }
    }

    @Test
    void theCacheStaysWithinItsBudgetAndNeverEvictsUncommittedWrites() {
        long budget = 4096;
        Path dir = root.resolve("budget");
        try (BytesStore store = env.openKeyValue(dir, "budget", new StoreOptions(budget))) {
            for (int i = 0; i < 1000; i++) {
                store.put(b("k" + i), b("v" + i));
            }
            store.commit(0);
        }
        try (BytesStore store = env.openKeyValue(dir, "budget", new StoreOptions(budget))) {
            for (int i = 0; i < 1000; i++) {
                store.put(b("w" + i), b("x" + i));   // dirty: must survive any number of reads
                assertThat(store.get(b("k" + (999 - i)))).isEqualTo(b("v" + (999 - i)));
            }
            Map<String, Long> metrics = env.metrics();
            assertThat(metrics.get("cache.weight.bytes")).isBetween(1L, budget);
            assertThat(metrics.get("cache.evictions")).isPositive();
            for (int i = 0; i < 1000; i++) {
                assertThat(store.get(b("w" + i))).isEqualTo(b("x" + i));
            }
            assertThat(store.dirtyCount()).isEqualTo(1000);
        }
    }

    /**
     * Key-value stores write committed changes behind: they stay in memory (and survive the
     * abort of the next batch) until the write-behind budget, interval or close hands them to
     * RocksDB with the offset of the last commit.
     */
    @Test
    void committedChangesAreWrittenBehindAndSurviveTheAbortOfTheNextBatch() {
        Path dir = root.resolve("behind");
        try (BytesStore store = env.openKeyValue(dir, "behind", StoreOptions.DEFAULT)) {
            store.put(b("a"), b("1"));
            store.put(b("gone"), b("x"));
            store.commit(0);
            store.put(b("gone"), null);
            store.commit(1);
            assertThat(env.metrics().get("store.write-behind.bytes")).isPositive();
            assertThat(store.committedOffset()).isEqualTo(1);

            store.put(b("a"), b("2"));
            store.put(b("gone"), b("back"));
            store.put(b("new"), b("n"));
            store.abort();
            assertThat(store.get(b("a"))).isEqualTo(b("1"));
            assertThat(store.get(b("gone"))).isNull();
            assertThat(store.get(b("new"))).isNull();
            assertThat(drain(store.range(null, null))).containsExactly("a=1");
        }
        try (BytesStore store = env.openKeyValue(dir, "behind", StoreOptions.DEFAULT)) {
            assertThat(store.committedOffset()).as("close wrote the pinned changes with their offset").isEqualTo(1);
            assertThat(store.get(b("a"))).isEqualTo(b("1"));
            assertThat(store.get(b("gone"))).isNull();
            assertThat(env.metrics().get("store.write-behind.bytes")).isZero();
        }
    }

    @Test
    void restoreWithoutWalSurvivesReopen() {
        Path dir = root.resolve("restore");
        try (BytesStore store = env.openKeyValue(dir, "restore", StoreOptions.DEFAULT)) {
            store.restore(List.of(ByteArrays.entry(b("a"), b("1")), ByteArrays.entry(b("b"), b("2"))), 99);
        }
        try (BytesStore store = env.openKeyValue(dir, "restore", StoreOptions.DEFAULT)) {
            assertThat(store.committedOffset()).isEqualTo(99);
            assertThat(s(store.get(b("b")))).isEqualTo("2");
        }
    }

    @Test
    void inMemoryEnvironmentIsNotPersistent() {
        try (StateEnvironment memory = StateEnvironment.inMemory()) {
            assertThat(memory.persistent()).isFalse();
            assertThat(memory.metrics()).isNotEmpty();
        }
        assertThat(env.persistent()).isTrue();
    }
}
