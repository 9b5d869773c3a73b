package io.eddy.state.internal;

import java.nio.file.Path;
import java.util.stream.Stream;

/** One engine/cache combination of the store contract suite. */
record StoreSetup(boolean rocksDb, boolean cache) {

    static Stream<StoreSetup> all() {
        return Stream.of(new StoreSetup(true, false), new StoreSetup(true, true),
                new StoreSetup(false, false), new StoreSetup(false, true));
    }

    StateEnvironment newEnvironment() {
        return rocksDb ? StateEnvironment.rocksDb(32L << 20) : StateEnvironment.inMemory();
    }

    StoreOptions options() {
        // A small cache, so that evictions happen in the longer tests too.
        return new StoreOptions(cache ? 4096 : 0);
    }

    BytesStore keyValue(StateEnvironment env, Path root, String name) {
        return env.openKeyValue(root.resolve(name), name, options());
    }

    BytesStore window(StateEnvironment env, Path root, String name, long retention, long interval) {
        return env.openWindow(root.resolve(name), name, retention, interval, options());
    }

    BytesStore session(StateEnvironment env, Path root, String name, long retention, long interval) {
        return env.openSession(root.resolve(name), name, retention, interval, options());
    }

    @Override
    public String toString() {
        return (rocksDb ? "rocksdb" : "in-memory") + (cache ? "+cache" : "");
    }
}
