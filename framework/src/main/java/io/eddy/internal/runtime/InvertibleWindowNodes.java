package io.eddy.internal.runtime;

import io.eddy.dsl.OutputMode;
import io.eddy.internal.plan.StoreSpec;
import io.eddy.internal.plan.WindowSpec;
import io.eddy.state.StoreIterator;
import io.eddy.state.Windowed;
import io.eddy.state.internal.BytesStore;
import io.eddy.state.internal.WindowKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * Tumbling and hopping windows reduced incrementally with an inverse function (the DStream
 * chapter's {@code reduceByKeyAndWindow(func, invFunc)}), with the same output as the plain
 * windowed {@code reduce}.
 *
 * <h2>Design</h2>
 * With windows of size {@code z} every {@code a}, a record belongs to {@code z / a} windows, and
 * the plain form updates each of them: {@code z / a} store reads, reductions and writes per
 * record. Here the time axis is cut into <em>panes</em> of {@code g = gcd(z, a)} ms (every window
 * is a whole number of panes), and a record updates its one pane: {@code [count][reduced value]}
 * in a window store keyed by (key, pane start). A window's value is the reduction of its panes.
 * <ul>
 *   <li>{@code FINAL}: each key keeps one <em>running window</em> (key-value store,
 *       {@code [next start][count][value]}): the reduction of the panes of its earliest window not
 *       yet emitted that holds a record, with one close-time timer. When the timer fires, the
 *       window is emitted and the running window slides by {@code a}: the panes that leave are
 *       subtracted with the inverse function, those that enter are added; when the count drops to
 *       zero it jumps to the next window holding a pane (or disappears). So a closing window costs
 *       {@code 2 a / g} pane reads, however many windows overlap. A record for a pane inside the
 *       running window is added to it as well; one for an earlier open window (which held no
 *       record, so the running window had jumped past it) rebuilds the running window there.</li>
 *   <li>{@code UPDATE}: the windows a record changed are noted (as the plain form notes them, in
 *       the same order); at commit their values are computed from the panes, per key sliding from
 *       one changed window to the next with the inverse function.</li>
 *   <li>{@code COMPLETE} is refused when the pipeline is defined.</li>
 * </ul>
 * A record is accepted, late or not, by exactly the plain form's rule (some window containing it
 * is still open at the batch's watermark); a late record touches no pane. Closed windows are
 * emitted in the plain form's order (close time, then serialized window key), and a window with
 * no record is never emitted.
 *
 * <p>The output equals the plain form's when the reducer is associative and commutative and the
 * inverse undoes it exactly ({@code inverse(reducer(a, b), b)} equals {@code a}): sums and counts
 * of integers, multisets. It does not for floating-point sums (rounding differs), for minimum and
 * maximum (no inverse), or for an order-sensitive reducer (panes are combined in time order, not
 * in arrival order).
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class InvertibleWindowNodes {

    private InvertibleWindowNodes() {
    }

    /** The factory of the node of {@code spec} (fixed windows) reduced with {@code reducer} and undone with {@code inverse}. */
    static Nodes.Factory reduce(WindowSpec spec, BinaryOperator reducer, BinaryOperator inverse, StoreSpec running,
                                long paneMs) {
        return (name, task) -> new InvertibleWindowNode(name, task, spec, reducer, inverse, running, paneMs);
    }

    /** A count of records and their reduction (null when the count is 0). */
    private record Partial(long count, Object value) {
        static final Partial EMPTY = new Partial(0, null);
    }

    /** A closed window to emit. */
    private record Emission(long closesAt, byte[] windowKey, Object key, long start, Object value) {
    }

    private static final Comparator<Emission> PLAIN_ORDER = Comparator.comparingLong(Emission::closesAt)
            .thenComparing(Emission::windowKey, Arrays::compareUnsigned);

    private static final class InvertibleWindowNode extends Node implements TaskContext.TimerOwner {
        private final TaskContext task;
        private final WindowSpec spec;
        private final BinaryOperator reducer;
        private final BinaryOperator inverse;
        private final BytesStore panes;
        private final BytesStore running;   // null without FINAL output
        private final Timers timers;        // null without FINAL output
        private final String storeTopic;
        private final long size;
        private final long advance;
        private final long pane;
        private final long grace;
        /** Windows changed in the batch (UPDATE output): window key → the key object, in first-change order. */
        private final Map<ByteBuffer, Object> changed = new LinkedHashMap<>();
        /** Windows a record's catch-up closed during the batch, emitted at commit with the due timers. */
        private final List<Emission> pending = new ArrayList<>();
        private Node late;

        InvertibleWindowNode(String name, TaskContext task, WindowSpec spec, BinaryOperator reducer,
                             BinaryOperator inverse, StoreSpec running, long paneMs) {
            super(name);
            this.task = task;
            this.spec = spec;
            this.reducer = reducer;
            this.inverse = inverse;
            this.panes = task.state().bytesStore(spec.store().name());
            this.storeTopic = spec.store().changelogTopic();
            this.size = spec.sizeMs();
            this.advance = spec.advanceMs();
            this.pane = paneMs;
            this.grace = spec.graceMs();
            if (spec.timerStore() != null) {
                this.timers = new Timers(task.state().bytesStore(spec.timerStore().name()));
                this.running = task.state().bytesStore(running.name());
                task.timerOwners.add(this);
            } else {
                this.timers = null;
                this.running = null;
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
            if (value == null) {
                return;   // as the plain reduce: a null value changes nothing
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
            if (closesAt(last) <= wm) {
                return false;   // every window containing t is closed
            }
            long first = last - advance * ((last - (t - size + 1)) / advance);   // the earliest window containing t
            if (closesAt(first) <= wm) {
                long min = wm - size - grace + 1;   // the earliest start still open
                first = min + Math.floorMod(-min, advance);
            }
            long p = t - Math.floorMod(t, pane);
            byte[] paneKey = WindowKeys.windowKey(keyBytes, p);
            panes.put(paneKey, encode(plus(decodePartial(panes.get(paneKey)), value)));
            if (emits(OutputMode.UPDATE)) {   // the plain form's order: latest window first
                for (long s = last; s >= first; s -= advance) {
                    changed.put(ByteBuffer.wrap(WindowKeys.windowKey(keyBytes, s)), key);
                }
            }
            if (timers != null) {
                Running r = loadRunning(keyBytes);
                if (r != null && closesAt(r.next) <= wm) {   // windows the watermark closed before their timer ran
                    timers.delete(Timers.Domain.EVENT_TIME, closesAt(r.next), WindowKeys.windowKey(keyBytes, r.next));
                    r = slide(key, keyBytes, r, wm, pending);
                }
                if (r == null || first < r.next) {
                    if (r != null) {
                        timers.delete(Timers.Domain.EVENT_TIME, closesAt(r.next), WindowKeys.windowKey(keyBytes, r.next));
                    }
                    r = rebuild(keyBytes, first);
                    timers.register(Timers.Domain.EVENT_TIME, closesAt(r.next), WindowKeys.windowKey(keyBytes, r.next));
                } else if (p >= r.next && p < r.next + size) {
                    r.partial = plus(r.partial, value);
                }
                saveRunning(keyBytes, r);
            }
            return true;
        }

        /** A running window: the start of the earliest window not emitted, and its panes reduced. */
        private static final class Running {
            long next;
            Partial partial;

            Running(long next, Partial partial) {
                this.next = next;
                this.partial = partial;
            }
        }

        /** The running window at {@code start}, from the panes. */
        private Running rebuild(byte[] keyBytes, long start) {
            Partial sum = Partial.EMPTY;
            for (Partial p : panesIn(keyBytes, start, start + size).values()) {
                sum = add(sum, p);
            }
            return new Running(start, sum);
        }

        /**
         * Emits (into {@code out}) every window of the running window the watermark closed, sliding
         * past it; stores the result and registers its timer. Returns null when no pane is left.
         */
        private Running slide(Object key, byte[] keyBytes, Running r, long wm, List<Emission> out) {
            while (closesAt(r.next) <= wm) {
                if (r.partial.count() > 0) {
                    out.add(new Emission(closesAt(r.next), WindowKeys.windowKey(keyBytes, r.next), key, r.next,
                            r.partial.value()));
                }
                for (Partial p : panesIn(keyBytes, r.next, r.next + advance).values()) {
                    r.partial = subtract(r.partial, p);
                }
                for (Partial p : panesIn(keyBytes, r.next + size, r.next + size + advance).values()) {
                    r.partial = add(r.partial, p);
                }
                r.next += advance;
                if (r.partial.count() == 0) {
                    Long firstPane = firstPaneFrom(keyBytes, r.next);
                    if (firstPane == null) {
                        running.put(keyBytes, null);
                        return null;
                    }
                    long jump = firstPane - size + 1;
                    jump += Math.floorMod(-jump, advance);   // the earliest window containing that pane
                    r = rebuild(keyBytes, Math.max(jump, r.next));
                }
            }
            saveRunning(keyBytes, r);
            timers.register(Timers.Domain.EVENT_TIME, closesAt(r.next), WindowKeys.windowKey(keyBytes, r.next));
            return r;
        }

        /** The panes of the key with start in {@code [from, to)}, by start. */
        private TreeMap<Long, Partial> panesIn(byte[] keyBytes, long from, long to) {
            TreeMap<Long, Partial> out = new TreeMap<>();
            try (StoreIterator<Map.Entry<byte[], byte[]>> it = panes.range(WindowKeys.windowKey(keyBytes, from),
                    WindowKeys.windowKey(keyBytes, to - 1))) {
                while (it.hasNext()) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    long start = WindowKeys.windowStart(e.getKey());
                    if (WindowKeys.isWindowKeyOf(e.getKey(), keyBytes) && start >= from && start < to) {
                        out.put(start, decodePartial(e.getValue()));
                    }
                }
            }
            return out;
        }

        /** The start of the key's earliest pane at or after {@code from}, or null. */
        private Long firstPaneFrom(byte[] keyBytes, long from) {
            Long first = null;
            try (StoreIterator<Map.Entry<byte[], byte[]>> it = panes.range(WindowKeys.windowKey(keyBytes, from),
                    WindowKeys.windowKey(keyBytes, Long.MAX_VALUE))) {
                while (it.hasNext()) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    long start = WindowKeys.windowStart(e.getKey());
                    if (WindowKeys.isWindowKeyOf(e.getKey(), keyBytes) && start >= from && (first == null || start < first)) {
                        first = start;
                    }
                }
            }
            return first;
        }

        private Partial plus(Partial p, Object value) {
            return add(p, new Partial(1, value));
        }

        private Partial add(Partial a, Partial b) {
            if (b.count() == 0) {
                return a;
            }
            if (a.count() == 0) {
                return b;
            }
            Object v = reducer.apply(a.value(), b.value());
            if (v == null) {
                throw new NullPointerException("the reducer returned null");
            }
            return new Partial(a.count() + b.count(), v);
        }

        private Partial subtract(Partial a, Partial b) {
            long count = a.count() - b.count();
            if (count <= 0) {
                return Partial.EMPTY;
            }
            Object v = inverse.apply(a.value(), b.value());
            if (v == null) {
                throw new NullPointerException("the inverse reducer returned null");
            }
            return new Partial(count, v);
        }

        private byte[] encode(Partial p) {
            byte[] v = spec.valueSerde().serialize(storeTopic, p.value());
            return ByteBuffer.allocate(8 + v.length).putLong(p.count()).put(v).array();
        }

        private Partial decodePartial(byte[] bytes) {
            if (bytes == null) {
                return Partial.EMPTY;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long count = b.getLong();
            return new Partial(count, spec.valueSerde().deserialize(storeTopic, Arrays.copyOfRange(bytes, 8, bytes.length)));
        }

        private Running loadRunning(byte[] keyBytes) {
            byte[] bytes = running.get(keyBytes);
            if (bytes == null) {
                return null;
            }
            long next = ByteBuffer.wrap(bytes).getLong();
            return new Running(next, decodePartial(Arrays.copyOfRange(bytes, 8, bytes.length)));
        }

        private void saveRunning(byte[] keyBytes, Running r) {
            byte[] p = encode(r.partial);
            running.put(keyBytes, ByteBuffer.allocate(8 + p.length).putLong(r.next).put(p).array());
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
            try {
                if (!changed.isEmpty() && emits(OutputMode.UPDATE)) {
                    emitUpdates();
                }
                if (timers != null) {
                    List<Emission> closed = new ArrayList<>(pending);
                    for (Timers.Due due : timers.takeDue(Timers.Domain.EVENT_TIME, wm)) {
                        byte[] keyBytes = WindowKeys.key(due.payload());
                        Running r = loadRunning(keyBytes);
                        if (r == null || r.next != WindowKeys.windowStart(due.payload())) {
                            continue;   // not the running window's timer (moved since): nothing to emit
                        }
                        slide(spec.keySerde().deserialize(storeTopic, keyBytes), keyBytes, r, wm, closed);
                    }
                    closed.sort(PLAIN_ORDER);
                    for (Emission e : closed) {
                        task.record.emitting(e.start() + size - 1);
                        emit(OutputMode.FINAL, new Windowed<>(e.key(), e.start(), e.start() + size), e.value());
                    }
                }
            } catch (OperatorException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failed(e);
            }
            changed.clear();
            pending.clear();
            panes.advanceStreamTime(wm);
        }

        /** Computes the changed windows from the panes, per key sliding from one to the next, and emits them in first-change order. */
        private void emitUpdates() {
            Map<ByteBuffer, List<Long>> startsByKey = new LinkedHashMap<>();
            for (ByteBuffer w : changed.keySet()) {
                byte[] k = w.array();
                startsByKey.computeIfAbsent(ByteBuffer.wrap(WindowKeys.key(k)), x -> new ArrayList<>())
                        .add(WindowKeys.windowStart(k));
            }
            Map<ByteBuffer, Object> values = new java.util.HashMap<>();
            for (Map.Entry<ByteBuffer, List<Long>> e : startsByKey.entrySet()) {
                byte[] keyBytes = e.getKey().array();
                List<Long> starts = e.getValue();
                starts.sort(null);
                TreeMap<Long, Partial> all = panesIn(keyBytes, starts.get(0), starts.get(starts.size() - 1) + size);
                Partial acc = Partial.EMPTY;
                long at = Long.MIN_VALUE;
                for (long s : starts) {
                    if (at == Long.MIN_VALUE || s - at >= size) {
                        acc = Partial.EMPTY;
                        for (Partial p : all.subMap(s, s + size).values()) {
                            acc = add(acc, p);
                        }
                    } else {
                        for (Partial p : all.subMap(at, s).values()) {
                            acc = subtract(acc, p);
                        }
                        for (Partial p : all.subMap(at + size, s + size).values()) {
                            acc = add(acc, p);
                        }
                    }
                    at = s;
                    values.put(ByteBuffer.wrap(WindowKeys.windowKey(keyBytes, s)), acc.value());
                }
            }
            for (Map.Entry<ByteBuffer, Object> e : changed.entrySet()) {
                long start = WindowKeys.windowStart(e.getKey().array());
                task.record.emitting(start + size - 1);
                emit(OutputMode.UPDATE, new Windowed<>(e.getValue(), start, start + size), values.get(e.getKey()));
            }
        }

        @Override
        void abort(Throwable cause) {
            changed.clear();
            pending.clear();
        }
    }
}
