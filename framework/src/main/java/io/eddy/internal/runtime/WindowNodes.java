package io.eddy.internal.runtime;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.Merger;
import io.eddy.dsl.OutputMode;
import io.eddy.internal.plan.PlanNode;
import io.eddy.internal.plan.StoreSpec;
import io.eddy.internal.plan.WindowSpec;
import io.eddy.serde.Serde;
import io.eddy.state.StoreIterator;
import io.eddy.state.Windowed;
import io.eddy.state.internal.BytesStore;
import io.eddy.state.internal.WindowKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Windowed aggregations: tumbling and hopping windows, sliding windows and sessions.
 *
 * <h2>How a windowed aggregation works</h2>
 * Each record (event time {@code t}, the task's watermark {@code wm} as of the batch start)
 * updates the aggregates of its windows that are still open, in a window (or session) store
 * keyed by (key, window start). A record that updates no window is late: counted, or sent to the
 * late-records stream. At commit, after the task has advanced its watermark, the node emits:
 * <ul>
 *   <li>{@code UPDATE}: every window changed in the batch, with its value now;</li>
 *   <li>{@code FINAL}: every window whose close-time timer ({@code end + grace}, kept in the
 *       operator's timer store, see {@link Timers}) the watermark reached, exactly once: the
 *       timer is deleted in the same transaction that emits the window;</li>
 *   <li>{@code COMPLETE}: every live window, if anything changed.</li>
 * </ul>
 * Then the store's stream time is set to the watermark: closed windows expire, and whole time
 * segments are dropped, so the state holds only windows still open (plus at most a segment).
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class WindowNodes {

    private WindowNodes() {
    }

    /** The factory of the aggregation node of {@code spec}. */
    static Nodes.Factory aggregate(WindowSpec spec) {
        return (name, task) -> switch (spec.kind()) {
            case FIXED -> new FixedWindowNode(name, task, spec);
            case SLIDING -> new SlidingWindowNode(name, task, spec);
            case SESSION -> new SessionNode(name, task, spec);
        };
    }

    /** What all three kinds share: the store, timers, change tracking, emission and lateness. */
    private abstract static class WindowNode extends Node implements TaskContext.TimerOwner {
        final TaskContext task;
        final WindowSpec spec;
        final BytesStore store;
        final Timers timers;
        final String storeTopic;
        /** Windows changed in the batch, kept only for UPDATE output: composite store key → the key object. */
        final Map<ByteBuffer, Object> changed = new LinkedHashMap<>();
        /** Whether any window changed in the batch (COMPLETE output is emitted only then). */
        private boolean changedAny;
        private Node late;

        WindowNode(String name, TaskContext task, WindowSpec spec) {
            super(name);
            this.task = task;
            this.spec = spec;
            this.store = task.state().bytesStore(spec.store().name());
            this.storeTopic = spec.store().changelogTopic();
            this.timers = spec.timerStore() == null ? null : new Timers(task.state().bytesStore(spec.timerStore().name()));
            if (timers != null) {
                task.timerOwners.add(this);
            }
        }

        @Override
        final void process(Object key, Object value) {
            if (key == null) {
                throw failed(new NullPointerException("a windowed aggregation needs a key; got a record with a null key"));
            }
            long t = task.record.timestamp;
            TaskTime time = task.time();
            time.observe(task.record.topic, t);
            long wm = time.watermark();
            byte[] keyBytes;
            boolean accepted;
            try {
                advanceStores(wm);   // a restored store learns the watermark before it is read
                keyBytes = spec.keySerde().serialize(storeTopic, key);
                accepted = update(key, keyBytes, value, t, wm);
            } catch (RuntimeException e) {
                throw failed(e);
            }
            if (!accepted) {
                late(key, value);
            }
        }

        /** Folds the record into its open windows; false if there were none (the record is late). */
        abstract boolean update(Object key, byte[] keyBytes, Object value, long t, long watermark);

        /** The windowed key of a composite store key. */
        abstract Windowed<Object> windowOf(Object key, byte[] storeKey);

        /** The timestamp of records emitted for a window. */
        abstract long emitTime(Windowed<Object> w);

        /** The watermark at which the window of a composite store key closes. */
        abstract long closesAt(byte[] storeKey);

        final void late(Object key, Object value) {
            if (spec.lateNode() == null) {
                task.late(name);
                return;
            }
            if (late == null) {
                late = task.node(spec.lateNode());
            }
            late.process(key, value);
        }

        final Object aggregateOf(byte[] storeKey) {
            byte[] bytes = store.get(storeKey);
            return bytes == null ? null : spec.aggregateSerde().deserialize(storeTopic, bytes);
        }

        final void put(Object key, byte[] storeKey, Object aggregate) {
            if (aggregate == null) {
                throw new NullPointerException("the aggregator returned null");
            }
            store.put(storeKey, spec.aggregateSerde().serialize(storeTopic, aggregate));
            noteChanged(key, storeKey);
        }

        final void remove(Object key, byte[] storeKey) {
            store.put(storeKey, null);
            noteChanged(key, storeKey);
        }

        private void noteChanged(Object key, byte[] storeKey) {
            changedAny = true;
            if (emits(OutputMode.UPDATE)) {   // FINAL-only nodes skip the per-record map insert
                changed.put(ByteBuffer.wrap(storeKey), key);
            }
        }

        final void closeAt(long time, byte[] storeKey) {
            if (timers != null) {
                timers.register(Timers.Domain.EVENT_TIME, time, storeKey);
            }
        }

        @Override
        public long nextEventTimer() {
            return timers == null ? Long.MAX_VALUE : timers.next(Timers.Domain.EVENT_TIME);
        }

        @Override
        public void timersReset() {
            if (timers != null) {
                timers.reset();
            }
        }

        @Override
        void flush() {
            long wm = task.time().watermark();
            boolean something = changedAny;
            try {
                if (!changed.isEmpty() && emits(OutputMode.UPDATE)) {
                    for (Map.Entry<ByteBuffer, Object> e : changed.entrySet()) {
                        byte[] k = e.getKey().array();
                        emitWindow(OutputMode.UPDATE, windowOf(e.getValue(), k), aggregateOf(k));
                    }
                }
                if (timers != null) {
                    for (Timers.Due due : timers.takeDue(Timers.Domain.EVENT_TIME, wm)) {
                        Object aggregate = aggregateOf(due.payload());
                        if (aggregate != null) {   // null: a session merged into another since
                            Object key = spec.keySerde().deserialize(storeTopic, userKey(due.payload()));
                            emitWindow(OutputMode.FINAL, windowOf(key, due.payload()), aggregate);
                            something = true;
                        }
                    }
                }
                if (something && emits(OutputMode.COMPLETE)) {
                    emitComplete(task.time().batchStartWatermark());
                }
            } catch (OperatorException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failed(e);
            }
            changed.clear();
            changedAny = false;
            advanceStores(wm);
        }

        void advanceStores(long wm) {
            store.advanceStreamTime(wm);
        }

        abstract byte[] userKey(byte[] storeKey);

        private void emitWindow(OutputMode mode, Windowed<Object> w, Object aggregate) {
            task.record.emitting(emitTime(w));
            emit(mode, w, aggregate);
        }

        /**
         * Every window that was open when the batch started (those the batch's watermark closes
         * appear one last time): the whole current result.
         */
        private void emitComplete(long wm) {
            Set<ByteBuffer> keys = new HashSet<>();
            List<Map.Entry<byte[], byte[]>> all = new ArrayList<>();
            try (StoreIterator<Map.Entry<byte[], byte[]>> it = store.range(null, null)) {
                while (it.hasNext()) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    if (closesAt(e.getKey()) <= wm) {
                        continue;
                    }
                    all.add(e);
                    keys.add(ByteBuffer.wrap(userKey(e.getKey())));
                    if (keys.size() > spec.maxKeys()) {
                        throw new IllegalStateException("COMPLETE output of '" + name + "' holds more than the declared "
                                + "bound of " + spec.maxKeys() + " keys (GroupedStream.boundedKeys)");
                    }
                }
            }
            for (Map.Entry<byte[], byte[]> e : all) {
                Object key = spec.keySerde().deserialize(storeTopic, userKey(e.getKey()));
                emitWindow(OutputMode.COMPLETE, windowOf(key, e.getKey()), spec.aggregateSerde().deserialize(storeTopic, e.getValue()));
            }
        }

        @Override
        void abort(Throwable cause) {
            changed.clear();
            changedAny = false;
        }
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    /** Tumbling and hopping windows: {@code [s, s + size)} for every multiple {@code s} of the advance containing t. */
    private static final class FixedWindowNode extends WindowNode {
        FixedWindowNode(String name, TaskContext task, WindowSpec spec) {
            super(name, task, spec);
        }

        @Override
        boolean update(Object key, byte[] keyBytes, Object value, long t, long watermark) {
            boolean accepted = false;
            long last = t - Math.floorMod(t, spec.advanceMs());
            for (long start = last; start > t - spec.sizeMs(); start -= spec.advanceMs()) {
                long closesAt = saturatedAdd(saturatedAdd(start, spec.sizeMs()), spec.graceMs());
                if (closesAt <= watermark) {
                    continue;
                }
                byte[] storeKey = WindowKeys.windowKey(keyBytes, start);
                Object current = aggregateOf(storeKey);
                Object next = spec.aggregator().apply(key, value, current != null ? current : spec.initializer().get());
                put(key, storeKey, next);
                if (current == null) {   // a window that exists already has its timer
                    closeAt(closesAt, storeKey);
                }
                accepted = true;
            }
            return accepted;
        }

        @Override
        Windowed<Object> windowOf(Object key, byte[] storeKey) {
            long start = WindowKeys.windowStart(storeKey);
            return new Windowed<>(key, start, start + spec.sizeMs());
        }

        @Override
        long emitTime(Windowed<Object> w) {
            return w.end() - 1;
        }

        @Override
        long closesAt(byte[] storeKey) {
            return saturatedAdd(saturatedAdd(WindowKeys.windowStart(storeKey), spec.sizeMs()), spec.graceMs());
        }

        @Override
        byte[] userKey(byte[] storeKey) {
            return WindowKeys.key(storeKey);
        }
    }

    /**
     * Sliding windows of maximum difference {@code d}: a window {@code [t - d, t]} per distinct
     * record time. A new window is computed from the key's stored records; a record also joins
     * every open window of a later record that covers it.
     */
    private static final class SlidingWindowNode extends WindowNode {
        private final BytesStore records;

        SlidingWindowNode(String name, TaskContext task, WindowSpec spec) {
            super(name, task, spec);
            this.records = task.state().bytesStore(spec.recordStore().name());
        }

        private long closesAt(long start) {
            return saturatedAdd(saturatedAdd(start, spec.sizeMs() + 1), spec.graceMs());
        }

        @Override
        long closesAt(byte[] storeKey) {
            return closesAt(WindowKeys.windowStart(storeKey));
        }

        @Override
        boolean update(Object key, byte[] keyBytes, Object value, long t, long watermark) {
            long d = spec.sizeMs();
            boolean accepted = false;
            // the windows of later records that cover t: starts in (t - d, t]
            List<Map.Entry<byte[], byte[]>> covering = new ArrayList<>();
            try (StoreIterator<Map.Entry<byte[], byte[]>> it = store.range(WindowKeys.windowKey(keyBytes, t - d + 1),
                    WindowKeys.windowKey(keyBytes, t))) {
                while (it.hasNext()) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    if (WindowKeys.isWindowKeyOf(e.getKey(), keyBytes)) {
                        covering.add(e);
                    }
                }
            }
            for (Map.Entry<byte[], byte[]> e : covering) {
                long start = WindowKeys.windowStart(e.getKey());
                if (closesAt(start) <= watermark) {
                    continue;
                }
                Object current = spec.aggregateSerde().deserialize(storeTopic, e.getValue());
                put(key, e.getKey(), spec.aggregator().apply(key, value, current));
                accepted = true;
            }
            long ownStart = t - d;
            if (closesAt(ownStart) > watermark) {
                byte[] own = WindowKeys.windowKey(keyBytes, ownStart);
                Object current = aggregateOf(own);
                if (current == null) {
                    current = spec.initializer().get();
                    try (StoreIterator<Map.Entry<byte[], byte[]>> it = records.range(WindowKeys.windowKey(keyBytes, ownStart),
                            WindowKeys.windowKey(keyBytes, t))) {
                        while (it.hasNext()) {
                            Map.Entry<byte[], byte[]> e = it.next();
                            if (WindowKeys.isWindowKeyOf(e.getKey(), keyBytes)) {
                                for (byte[] v : ValueLists.values(e.getValue())) {
                                    current = spec.aggregator().apply(key, spec.valueSerde().deserialize(storeTopic, v), current);
                                }
                            }
                        }
                    }
                }
                put(key, own, spec.aggregator().apply(key, value, current));
                closeAt(closesAt(ownStart), own);
                accepted = true;
            }
            if (accepted) {
                byte[] recordKey = WindowKeys.windowKey(keyBytes, t);
                records.put(recordKey, ValueLists.append(records.get(recordKey), spec.valueSerde().serialize(storeTopic, value)));
            }
            return accepted;
        }

        @Override
        void advanceStores(long wm) {
            super.advanceStores(wm);
            records.advanceStreamTime(wm);
        }

        @Override
        Windowed<Object> windowOf(Object key, byte[] storeKey) {
            long start = WindowKeys.windowStart(storeKey);
            return new Windowed<>(key, start, start + spec.sizeMs() + 1);
        }

        @Override
        long emitTime(Windowed<Object> w) {
            return w.end() - 1;
        }

        @Override
        byte[] userKey(byte[] storeKey) {
            return WindowKeys.key(storeKey);
        }
    }

    /** Sessions with inactivity gap {@code gap}: a record merges every open session within the gap. */
    private static final class SessionNode extends WindowNode {
        SessionNode(String name, TaskContext task, WindowSpec spec) {
            super(name, task, spec);
        }

        private long closesAt(long end) {
            return saturatedAdd(saturatedAdd(end, spec.sizeMs()), spec.graceMs());
        }

        @Override
        long closesAt(byte[] storeKey) {
            return closesAt(WindowKeys.sessionEnd(storeKey));
        }

        @Override
        boolean update(Object key, byte[] keyBytes, Object value, long t, long watermark) {
            long gap = spec.sizeMs();
            if (closesAt(t) <= watermark) {
                return false;
            }
            // sessions with end >= t - gap and start <= t + gap; session keys sort by (key, end, start)
            List<Map.Entry<byte[], byte[]>> merging = new ArrayList<>();
            try (StoreIterator<Map.Entry<byte[], byte[]>> it = store.range(
                    WindowKeys.sessionKey(keyBytes, Long.MIN_VALUE, t - gap),
                    WindowKeys.sessionKey(keyBytes, Long.MAX_VALUE, Long.MAX_VALUE))) {
                while (it.hasNext()) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    byte[] k = e.getKey();
                    if (!WindowKeys.isSessionKeyOf(k, keyBytes)) {
                        continue;
                    }
                    long start = WindowKeys.sessionStart(k);
                    long end = WindowKeys.sessionEnd(k);
                    if (end >= t - gap && start <= t + gap && closesAt(end) > watermark) {
                        merging.add(e);
                    }
                }
            }
            long start = t;
            long end = t;
            Object aggregate = null;
            for (Map.Entry<byte[], byte[]> e : merging) {
                start = Math.min(start, WindowKeys.sessionStart(e.getKey()));
                end = Math.max(end, WindowKeys.sessionEnd(e.getKey()));
                Object a = spec.aggregateSerde().deserialize(storeTopic, e.getValue());
                aggregate = aggregate == null ? a : spec.merger().merge(key, aggregate, a);
                if (aggregate == null) {
                    throw new NullPointerException("the session merger returned null");
                }
                remove(key, e.getKey());
                if (timers != null) {   // its close time is no longer a time anything happens
                    timers.delete(Timers.Domain.EVENT_TIME, closesAt(WindowKeys.sessionEnd(e.getKey())), e.getKey());
                }
            }
            aggregate = spec.aggregator().apply(key, value, aggregate != null ? aggregate : spec.initializer().get());
            byte[] session = WindowKeys.sessionKey(keyBytes, start, end);
            put(key, session, aggregate);
            closeAt(closesAt(end), session);
            return true;
        }

        @Override
        Windowed<Object> windowOf(Object key, byte[] storeKey) {
            return new Windowed<>(key, WindowKeys.sessionStart(storeKey), WindowKeys.sessionEnd(storeKey));
        }

        @Override
        long emitTime(Windowed<Object> w) {
            return w.end();
        }

        @Override
        byte[] userKey(byte[] storeKey) {
            return WindowKeys.sessionUserKey(storeKey);
        }
    }

    /** Several serialized values in one store value: {@code [int length][bytes]...}. */
    static final class ValueLists {
        private ValueLists() {
        }

        static byte[] append(byte[] list, byte[] value) {
            int old = list == null ? 0 : list.length;
            ByteBuffer b = ByteBuffer.allocate(old + 4 + value.length);
            if (list != null) {
                b.put(list);
            }
            return b.putInt(value.length).put(value).array();
        }

        static List<byte[]> values(byte[] list) {
            List<byte[]> out = new ArrayList<>();
            ByteBuffer b = ByteBuffer.wrap(list);
            while (b.remaining() >= 4) {
                byte[] v = new byte[b.getInt()];
                b.get(v);
                out.add(v);
            }
            return out;
        }
    }
}
