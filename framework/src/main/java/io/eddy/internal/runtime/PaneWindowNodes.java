package io.eddy.internal.runtime;

import io.eddy.dsl.OutputMode;
import io.eddy.internal.plan.WindowSpec;
import io.eddy.state.StoreIterator;
import io.eddy.state.Windowed;
import io.eddy.state.internal.BytesStore;
import io.eddy.state.internal.WindowKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Hopping windows of a <em>mergeable</em> aggregation kept as panes: the opt-in form of the
 * windowed {@code aggregate} chosen by {@code WindowedStream.mergePanes()}, with the same output
 * as the plain form ({@link WindowNodes}) for an aggregation whose merger combines two aggregates
 * into the aggregate of all their records.
 *
 * <h2>Design</h2>
 * With windows of size {@code z} every {@code a}, a record belongs to {@code z / a} windows, and
 * the plain form reads, updates and writes each of them. Here the time axis is cut into panes of
 * {@code g = gcd(z, a)} ms (every window is a whole number of panes) and a record updates its one
 * pane: one store read and one store write, in a window store keyed by (key, pane start). A
 * window's value is the merger's fold of its panes, in time order, computed when it is emitted:
 * <ul>
 *   <li>{@code UPDATE}: the windows a record changed are noted in memory (the plain form's
 *       windows, in its order); at commit each is computed from its panes.</li>
 *   <li>{@code FINAL}: when a pane is created, a close-time timer is registered for every open
 *       window containing it (a timer that exists is written again: the writes are per pane, not
 *       per record). When the timer fires, the window's panes are merged and emitted, if there
 *       are any.</li>
 *   <li>{@code COMPLETE}: every window open at the batch's start that holds a pane.</li>
 * </ul>
 * A record is accepted by the plain form's rule (some window containing it is still open at the
 * batch's watermark, which does not move within a batch). A pane may hold records that arrived
 * after one of its windows closed; that window was emitted already and is never read again, so
 * each window's value is the merge of exactly the records the plain form folded into it.
 *
 * <p>The output equals the plain form's when the aggregation is insensitive to order and grouping
 * (counts, sums of integers, sets, count-min and Bloom sketches); a sketch whose merge changes its
 * estimator (HyperLogLog's union switches from the HIP to the composite estimator) or its random
 * choices (KLL) gives an estimate within the same bound, not the same bytes. Panes are retained
 * {@code z + grace + a} after their start, as the invertible reduce's.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class PaneWindowNodes {

    private PaneWindowNodes() {
    }

    /** The factory of the node of {@code spec} (hopping windows, a merger present) with panes of {@code paneMs}. */
    static Nodes.Factory aggregate(WindowSpec spec, long paneMs) {
        return (name, task) -> new PaneWindowNode(name, task, spec, paneMs);
    }

    private static final class PaneWindowNode extends Node implements TaskContext.TimerOwner {
        private final TaskContext task;
        private final WindowSpec spec;
        private final BytesStore panes;
        private final Timers timers;   // null without FINAL output
        private final String storeTopic;
        private final long size;
        private final long advance;
        private final long pane;
        private final long grace;
        /** Windows changed in the batch (UPDATE output): window key → the key object, in first-change order. */
        private final Map<ByteBuffer, Object> changed = new LinkedHashMap<>();
        private boolean changedAny;
        private Node late;

        PaneWindowNode(String name, TaskContext task, WindowSpec spec, long paneMs) {
            super(name);
            this.task = task;
            this.spec = spec;
            this.panes = task.state().bytesStore(spec.store().name());
            this.storeTopic = spec.store().changelogTopic();
            this.size = spec.sizeMs();
            this.advance = spec.advanceMs();
            this.pane = paneMs;
            this.grace = spec.graceMs();
            this.timers = spec.timerStore() == null ? null : new Timers(task.state().bytesStore(spec.timerStore().name()));
            if (timers != null) {
                task.timerOwners.add(this);
            }
        }

        private long closesAt(long start) {
            return WindowNodes.saturatedAdd(WindowNodes.saturatedAdd(start, size), grace);
        }

        @Override
        void process(Object key, Object value) {
            if (key == null) {
                throw failed(new NullPointerException("a windowed aggregation needs a key; got a record with a null key"));
            }
            long t = task.record.timestamp;
            TaskTime time = task.time();
            time.observe(task.record.topic, t);
            long wm = time.watermark();
            boolean accepted;
            try {
                panes.advanceStreamTime(wm);
                accepted = update(key, spec.keySerde().serialize(storeTopic, key), value, t, wm);
            } catch (RuntimeException e) {
                throw failed(e);
            }
            if (!accepted) {
                if (spec.lateNode() == null) {
                    task.late(name);
                } else {
                    if (late == null) {
                        late = task.node(spec.lateNode());
                    }
                    late.process(key, value);
                }
            }
        }

        private boolean update(Object key, byte[] keyBytes, Object value, long t, long wm) {
            long last = t - Math.floorMod(t, advance);
            long first = last - advance * ((last - (t - size + 1)) / advance);   // the earliest window containing t
            while (first <= last && closesAt(first) <= wm) {
                first += advance;
            }
            if (first > last) {
                return false;   // every window containing t is closed
            }
            long p = t - Math.floorMod(t, pane);
            byte[] paneKey = WindowKeys.windowKey(keyBytes, p);
            byte[] old = panes.get(paneKey);
            Object current = old == null ? spec.initializer().get() : spec.aggregateSerde().deserialize(storeTopic, old);
            Object next = spec.aggregator().apply(key, value, current);
            if (next == null) {
                throw new NullPointerException("the aggregator returned null");
            }
            panes.put(paneKey, spec.aggregateSerde().serialize(storeTopic, next));
            changedAny = true;
            boolean update = emits(OutputMode.UPDATE);
            for (long s = last; s >= first; s -= advance) {   // the plain form's order: latest window first
                byte[] windowKey = WindowKeys.windowKey(keyBytes, s);
                if (update) {
                    changed.put(ByteBuffer.wrap(windowKey), key);
                }
                if (old == null && timers != null) {
                    timers.register(Timers.Domain.EVENT_TIME, closesAt(s), windowKey);
                }
            }
            return true;
        }

        /** The merge of the key's panes in {@code [start, start + size)}, in time order; null if there are none. */
        private Object windowValue(Object key, byte[] keyBytes, long start) {
            Object acc = null;
            try (StoreIterator<Map.Entry<byte[], byte[]>> it = panes.range(WindowKeys.windowKey(keyBytes, start),
                    WindowKeys.windowKey(keyBytes, start + size - 1))) {
                TreeMap<Long, byte[]> inOrder = new TreeMap<>();
                while (it.hasNext()) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    long s = WindowKeys.windowStart(e.getKey());
                    if (WindowKeys.isWindowKeyOf(e.getKey(), keyBytes) && s >= start && s < start + size) {
                        inOrder.put(s, e.getValue());
                    }
                }
                for (byte[] bytes : inOrder.values()) {
                    Object a = spec.aggregateSerde().deserialize(storeTopic, bytes);
                    acc = acc == null ? a : spec.merger().merge(key, acc, a);
                    if (acc == null) {
                        throw new NullPointerException("the merger returned null");
                    }
                }
            }
            return acc;
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
                        byte[] w = e.getKey().array();
                        long start = WindowKeys.windowStart(w);
                        emitWindow(OutputMode.UPDATE, e.getValue(), start, windowValue(e.getValue(), WindowKeys.key(w), start));
                    }
                }
                if (timers != null) {
                    for (Timers.Due due : timers.takeDue(Timers.Domain.EVENT_TIME, wm)) {
                        byte[] keyBytes = WindowKeys.key(due.payload());
                        Object key = spec.keySerde().deserialize(storeTopic, keyBytes);
                        long start = WindowKeys.windowStart(due.payload());
                        Object value = windowValue(key, keyBytes, start);
                        if (value != null) {
                            emitWindow(OutputMode.FINAL, key, start, value);
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
            panes.advanceStreamTime(wm);
        }

        private void emitWindow(OutputMode mode, Object key, long start, Object value) {
            task.record.emitting(start + size - 1);
            emit(mode, new Windowed<>(key, start, start + size), value);
        }

        /** Every window open at {@code wm} that holds a pane, by serialized window key. */
        private void emitComplete(long wm) {
            TreeMap<byte[], Boolean> windows = new TreeMap<>(Arrays::compareUnsigned);
            Set<ByteBuffer> keys = new HashSet<>();
            try (StoreIterator<Map.Entry<byte[], byte[]>> it = panes.range(null, null)) {
                while (it.hasNext()) {
                    byte[] paneKey = it.next().getKey();
                    byte[] keyBytes = WindowKeys.key(paneKey);
                    long p = WindowKeys.windowStart(paneKey);
                    long last = p - Math.floorMod(p, advance);
                    boolean open = false;
                    for (long s = last; s > p - size; s -= advance) {
                        if (closesAt(s) > wm) {
                            windows.put(WindowKeys.windowKey(keyBytes, s), Boolean.TRUE);
                            open = true;
                        }
                    }
                    if (open && keys.add(ByteBuffer.wrap(keyBytes)) && keys.size() > spec.maxKeys()) {
                        throw new IllegalStateException("COMPLETE output of '" + name + "' holds more than the declared "
                                + "bound of " + spec.maxKeys() + " keys (GroupedStream.boundedKeys)");
                    }
                }
            }
            List<byte[]> all = new ArrayList<>(windows.keySet());
            for (byte[] w : all) {
                byte[] keyBytes = WindowKeys.key(w);
                Object key = spec.keySerde().deserialize(storeTopic, keyBytes);
                long start = WindowKeys.windowStart(w);
                emitWindow(OutputMode.COMPLETE, key, start, windowValue(key, keyBytes, start));
            }
        }

        @Override
        void abort(Throwable cause) {
            changed.clear();
            changedAny = false;
        }
    }
}
