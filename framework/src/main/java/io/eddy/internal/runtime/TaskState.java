package io.eddy.internal.runtime;

import io.eddy.internal.plan.Plan;
import io.eddy.internal.plan.StoreSpec;
import io.eddy.state.CorruptStoreException;
import io.eddy.state.KeyValueStore;
import io.eddy.state.internal.BytesStore;
import io.eddy.state.internal.StateEnvironment;
import io.eddy.state.internal.StoreOptions;
import io.eddy.state.internal.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state stores of one task and their side of the commit protocol.
 *
 * <p>During a batch, operators write to the stores' dirty buffers. At commit,
 * {@link #writeChangelog} sends every dirty entry (one per changed key) to partition {@code p}
 * of the store's changelog, inside the batch's transaction. Only after the transaction has
 * committed does {@link #committed} apply the dirty entries to the store together with the
 * offset of the store's last changelog record, atomically; {@link #aborted} drops them. The
 * store therefore always holds a committed prefix of its changelog and knows where that prefix
 * ends, and {@link #restoreOffsets} is where restore resumes: a crash never forces a wipe.
 *
 * <p>Not thread-safe: the task's worker thread owns it.
 */
public final class TaskState implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskState.class);

    private final int taskId;
    private final Map<String, Entry> stores = new LinkedHashMap<>();
    private long windowStoresStart = Long.MIN_VALUE;
    private final Map<String, KeyValueStore<?, ?>> keyValueViews = new HashMap<>();

    private final StateEnvironment environment;
    private final Path taskDir;
    private final long cacheBytesPerStore;

    private static final class Entry {
        final StoreSpec spec;
        BytesStore store;
        final TopicPartition changelog;
        LongSupplier pendingOffset;

        Entry(StoreSpec spec, BytesStore store, TopicPartition changelog) {
            this.spec = spec;
            this.store = store;
            this.changelog = changelog;
        }
    }

    /**
     * Opens the stores of task {@code taskId}; a store directory that cannot be opened is moved
     * aside (its data will be restored from the changelog) with a warning.
     *
     * @param taskDir the task's directory, or null for an in-memory environment
     */
    public TaskState(int taskId, Plan plan, StateEnvironment environment, Path taskDir, long cacheBytesPerStore) {
        this.taskId = taskId;
        this.environment = environment;
        this.taskDir = taskDir;
        this.cacheBytesPerStore = cacheBytesPerStore;
        try {
            for (StoreSpec spec : plan.stores()) {
                Path dir = taskDir == null ? null : taskDir.resolve(spec.name());
                BytesStore store = open(environment, spec, dir, new StoreOptions(cacheBytesPerStore));
                stores.put(spec.name(), new Entry(spec, store, new TopicPartition(spec.changelogTopic(), taskId)));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static BytesStore open(StateEnvironment env, StoreSpec spec, Path dir, StoreOptions options) {
        try {
            return openOnce(env, spec, dir, options);
        } catch (CorruptStoreException e) {
            Path aside = dir.resolveSibling(dir.getFileName() + ".corrupt-" + System.currentTimeMillis());
            log.warn("store '{}' in {} cannot be opened ({}); moving it to {} and restoring it from its changelog",
                    spec.name(), dir, e.getMessage(), aside);
            try {
                Files.move(dir, aside);
            } catch (IOException io) {
                throw new IllegalStateException("cannot move the unreadable store directory " + dir + " aside: " + io, io);
            }
            return openOnce(env, spec, dir, options);
        }
    }

    private static BytesStore openOnce(StateEnvironment env, StoreSpec spec, Path dir, StoreOptions options) {
        return switch (spec.kind()) {
            case KEY_VALUE -> env.openKeyValue(dir, spec.name(), options);
            // event-time operators move stream time to their watermark: what expires is what is closed
            case WINDOW -> env.openWindow(dir, spec.name(), spec.retentionMs(), segmentInterval(spec),
                    options.withExplicitStreamTime());
            case SESSION -> env.openSession(dir, spec.name(), spec.retentionMs(), segmentInterval(spec),
                    options.withExplicitStreamTime());
        };
    }

    private static long segmentInterval(StoreSpec spec) {
        return Math.max(60_000L, spec.retentionMs() / 2);
    }

    public int taskId() {
        return taskId;
    }

    /** The typed key-value view of store {@code spec}, created once. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <K, V> KeyValueStore<K, V> keyValue(StoreSpec spec) {
        return (KeyValueStore<K, V>) keyValueViews.computeIfAbsent(spec.name(),
                n -> Stores.keyValue(bytesStore(n), (io.eddy.serde.Serde) spec.keySerde(),
                        (io.eddy.serde.Serde) spec.valueSerde()));
    }

    /** The byte-level store named {@code name}. */
    public BytesStore bytesStore(String name) {
        Entry e = stores.get(name);
        if (e == null) {
            throw new IllegalStateException("task " + taskId + " has no store '" + name + "'");
        }
        return e.store;
    }

    /** Calls {@code action} with each store's name and store, in plan order; for progress figures. */
    public void forEachStore(java.util.function.BiConsumer<String, BytesStore> action) {
        stores.forEach((name, e) -> action.accept(name, e.store));
    }

    /** Bytes held in the dirty buffers of all stores. */
    public long dirtyBytes() {
        long sum = 0;
        for (Entry e : stores.values()) {
            sum += e.store.dirtyBytes();
        }
        return sum;
    }

    /** Sends every dirty entry of every store to its changelog partition. */
    public void writeChangelog(ChangelogSink sink) {
        for (Entry e : stores.values()) {
            if (e.store.dirtyCount() == 0) {
                continue;
            }
            LongSupplier[] last = new LongSupplier[1];
            e.store.forEachDirty((k, v) -> last[0] = sink.send(e.changelog.topic(), taskId, k, v));
            e.pendingOffset = last[0];
        }
    }

    /** The batch committed: apply the dirty entries with their changelog offsets. */
    public void committed() {
        for (Entry e : stores.values()) {
            if (e.pendingOffset != null) {
                e.store.commit(e.pendingOffset.getAsLong());
                e.pendingOffset = null;
            }
        }
    }

    /** The batch aborted: drop the dirty entries. */
    public void aborted() {
        for (Entry e : stores.values()) {
            e.pendingOffset = null;
            e.store.abort();
        }
    }

    /**
     * Replaces the store of {@code changelog} by an empty one, its old directory moved aside: the
     * store claims to hold more of its changelog than the changelog has, so it was built from
     * another incarnation of the topic (a recreated topic, another cluster) and must be rebuilt
     * from the changelog as it is.
     */
    public void discardStore(TopicPartition changelog) {
        for (Entry e : stores.values()) {
            if (e.changelog.equals(changelog)) {
                e.store.close();
                keyValueViews.remove(e.spec.name());
                Path dir = taskDir == null ? null : taskDir.resolve(e.spec.name());
                if (dir != null && Files.exists(dir)) {
                    Path aside = dir.resolveSibling(dir.getFileName() + ".stale-" + System.currentTimeMillis());
                    try {
                        Files.move(dir, aside);
                    } catch (IOException io) {
                        throw new IllegalStateException("cannot move the stale store directory " + dir + " aside: " + io, io);
                    }
                    log.warn("store '{}' of task {} was ahead of its changelog {}: moved it to {} and restoring it "
                            + "from the changelog", e.spec.name(), taskId, changelog, aside);
                }
                e.store = open(environment, e.spec, dir, new StoreOptions(cacheBytesPerStore));
                if (e.spec.kind() != StoreSpec.Kind.KEY_VALUE) {
                    e.store.advanceStreamTime(windowStoresStart);
                }
                return;
            }
        }
        throw new IllegalArgumentException("task " + taskId + " has no store with changelog " + changelog);
    }

    /**
     * Moves the stream time of the window and session stores to {@code watermark}, the watermark
     * the task's previous owner committed, before they are restored: what had expired by then is
     * skipped by the restore instead of being rebuilt and dropped at the first commit.
     */
    public void startWindowStoresAt(long watermark) {
        windowStoresStart = Math.max(windowStoresStart, watermark);
        for (Entry e : stores.values()) {
            if (e.spec.kind() != StoreSpec.Kind.KEY_VALUE) {
                e.store.advanceStreamTime(windowStoresStart);
            }
        }
    }

    /** Per changelog partition of this task, the first offset restore must read. */
    public Map<TopicPartition, Long> restoreOffsets() {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (Entry e : stores.values()) {
            offsets.put(e.changelog, e.store.committedOffset() + 1);
        }
        return offsets;
    }

    /** The changelog partitions of this task's stores. */
    public List<TopicPartition> changelogPartitions() {
        List<TopicPartition> partitions = new ArrayList<>();
        stores.values().forEach(e -> partitions.add(e.changelog));
        return partitions;
    }

    /** Applies committed changelog records read from {@code changelog} during restore. */
    public void restore(TopicPartition changelog, List<Map.Entry<byte[], byte[]>> records, long lastOffset) {
        for (Entry e : stores.values()) {
            if (e.changelog.equals(changelog)) {
                e.store.restore(records, lastOffset);
                return;
            }
        }
        throw new IllegalArgumentException("task " + taskId + " has no store with changelog " + changelog);
    }

    /** Closes every store; uncommitted dirty entries are dropped. */
    @Override
    public void close() {
        for (Entry e : stores.values()) {
            try {
                e.store.close();
            } catch (RuntimeException ex) {
                log.warn("closing store '{}' of task {}: {}", e.spec.name(), taskId, ex.toString());
            }
        }
    }
}
