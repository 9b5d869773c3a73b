package io.eddy.internal.plan;

import io.eddy.dsl.MemorySink;
import io.eddy.dsl.OutputMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link MemorySink} behind {@code toMemory}: one instance per sink of a pipeline, shared by
 * every task of every worker in the JVM. Tasks publish a committed batch's records with
 * {@link #publish} (from the runtime's post-commit hook, on their worker threads); readers copy or
 * look up under the same lock, so a reader never sees part of a task's batch.
 *
 * <p>UPDATE and FINAL keep one map, latest value per key. COMPLETE keeps one map per task (a
 * COMPLETE aggregation emits each task's whole result), replaced by each batch that emitted
 * rows; a read merges them.
 */
public final class MemoryTable<K, V> implements MemorySink<K, V> {
    private final String name;
    private final OutputMode mode;
    private final Map<K, V> latest = new HashMap<>();
    private final Map<Integer, Map<K, V>> completeByTask = new HashMap<>();
    private long version;

    MemoryTable(String name, OutputMode mode) {
        this.name = name;
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** Refuses a null or blank sink name. */
    static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("toMemory needs a name, got " + (name == null ? "null" : "'" + name + "'"));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public OutputMode mode() {
        return mode;
    }

    /**
     * Publishes the records one task's committed batch produced, in order, as keys and values
     * alternating in {@code keysAndValues}. Called by the runtime after the commit.
     */
    public synchronized void publish(int task, List<Object> keysAndValues) {
        if (keysAndValues.isEmpty()) {
            return;
        }
        if (mode == OutputMode.COMPLETE) {
            Map<K, V> rows = new HashMap<>();
            for (int i = 0; i < keysAndValues.size(); i += 2) {
                put(rows, keysAndValues.get(i), keysAndValues.get(i + 1));
            }
            completeByTask.put(task, rows);
        } else {
            for (int i = 0; i < keysAndValues.size(); i += 2) {
                put(latest, keysAndValues.get(i), keysAndValues.get(i + 1));
            }
        }
        version++;
    }

    @SuppressWarnings("unchecked")
    private static <K, V> void put(Map<K, V> rows, Object key, Object value) {
        if (value == null) {
            rows.remove((K) key);
        } else {
            rows.put((K) key, (V) value);
        }
    }

    @Override
    public synchronized Map<K, V> snapshot() {
        if (mode != OutputMode.COMPLETE) {
            return copyOf(latest);
        }
        Map<K, V> all = new HashMap<>();
        completeByTask.values().forEach(all::putAll);
        return copyOf(all);
    }

    /** An immutable copy that, unlike {@link Map#copyOf}, allows a null key (a stream may have one). */
    private static <K, V> Map<K, V> copyOf(Map<K, V> rows) {
        if (!rows.containsKey(null)) {
            return Map.copyOf(rows);
        }
        return java.util.Collections.unmodifiableMap(new HashMap<>(rows));
    }

    @Override
    public synchronized V get(K key) {
        if (mode != OutputMode.COMPLETE) {
            return latest.get(key);
        }
        for (Map<K, V> rows : completeByTask.values()) {
            V v = rows.get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    @Override
    public synchronized int size() {
        if (mode != OutputMode.COMPLETE) {
            return latest.size();
        }
        int n = 0;
        for (Map<K, V> rows : completeByTask.values()) {
            n += rows.size();
        }
        return n;
    }

    @Override
    public synchronized long version() {
        return version;
    }

    @Override
    public String toString() {
        return "MemorySink[" + name + ", " + mode + ", " + size() + " rows]";
    }
}
