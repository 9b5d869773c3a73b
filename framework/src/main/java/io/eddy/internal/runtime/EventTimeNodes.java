package io.eddy.internal.runtime;

import io.eddy.internal.plan.JoinType;
import io.eddy.internal.plan.StoreSpec;
import io.eddy.internal.plan.StreamJoinSpec;
import io.eddy.serde.Serde;
import io.eddy.state.StoreIterator;
import io.eddy.state.internal.BytesStore;
import io.eddy.state.internal.WindowKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;

/**
 * The event-time operators that are not windowed aggregations: assigning event time,
 * deduplication, and windowed stream-stream joins. Like windows, they read the task's
 * watermark as of the batch start and expire their state behind it at commit.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class EventTimeNodes {

    private EventTimeNodes() {
    }

    /**
     * Makes {@code eventTime(value)} (or, when null, the record timestamp) the record's timestamp
     * for everything downstream, and feeds it to the task's watermark.
     */
    static Nodes.Factory assign(ToLongFunction eventTime) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                RecordContext r = task.record;
                long original = r.timestamp;
                long t;
                if (eventTime == null) {
                    t = original;
                } else {
                    try {
                        t = eventTime.applyAsLong(value);
                    } catch (RuntimeException e) {
                        throw failed(e);
                    }
                }
                task.time().observe(r.topic, t);
                r.timestamp = t;
                try {
                    forward(key, value);
                } finally {
                    r.timestamp = original;
                }
            }
        };
    }

    /**
     * Drops records whose id was seen within the watermark horizon. The store is a window store
     * keyed (id, event time); stream time is the watermark and retention 0, so an id is forgotten
     * once the watermark passes the event time of its first record.
     */
    static Nodes.Factory dedup(StoreSpec store, BiFunction id, Serde idSerde) {
        return (name, task) -> new Node(name) {
            final BytesStore seen = task.state().bytesStore(store.name());

            @Override
            void process(Object key, Object value) {
                long t = task.record.timestamp;
                TaskTime time = task.time();
                time.observe(task.record.topic, t);
                if (t < time.watermark()) {
                    task.late(name);
                    return;
                }
                try {
                    seen.advanceStreamTime(time.watermark());   // a restored store forgets what it must
                    Object recordId = id.apply(key, value);
                    if (recordId == null) {
                        throw new NullPointerException("the id function returned null");
                    }
                    byte[] idBytes = idSerde.serialize(store.changelogTopic(), recordId);
                    try (StoreIterator<Map.Entry<byte[], byte[]>> it = seen.range(
                            WindowKeys.windowKey(idBytes, Long.MIN_VALUE), WindowKeys.windowKey(idBytes, Long.MAX_VALUE))) {
                        while (it.hasNext()) {
                            if (WindowKeys.isWindowKeyOf(it.next().getKey(), idBytes)) {
                                return;   // a duplicate
                            }
                        }
                    }
                    seen.put(WindowKeys.windowKey(idBytes, t), new byte[] {1});
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                forward(key, value);
            }

            @Override
            void flush() {
                seen.advanceStreamTime(task.time().watermark());
            }
        };
    }

    /**
     * One side of a stream-stream join. Each side stores its records in a window store keyed
     * (key, event time), the value a list of {@code [matched flag][length][value]} entries; on a
     * record it looks up the other side's open records within the window and emits the joined
     * pairs at once. A side that must emit unmatched records registers a timer at the record's
     * close time ({@code t + maxDifference + 1 + grace}) and emits those never matched when it fires.
     */
    static Nodes.Factory joinSide(StreamJoinSpec spec, boolean leftSide) {
        return (name, task) -> new JoinSideNode(name, task, spec, leftSide);
    }

    private static final class JoinSideNode extends Node implements TaskContext.TimerOwner {
        private final TaskContext task;
        private final StreamJoinSpec spec;
        private final boolean leftSide;
        private final BytesStore own;
        private final BytesStore other;
        private final Serde ownSerde;
        private final Serde otherSerde;
        private final boolean ownOuter;
        private final boolean otherOuter;
        private final Timers timers;
        private final String topic;

        JoinSideNode(String name, TaskContext task, StreamJoinSpec spec, boolean leftSide) {
            super(name);
            this.task = task;
            this.spec = spec;
            this.leftSide = leftSide;
            this.own = task.state().bytesStore((leftSide ? spec.leftStore() : spec.rightStore()).name());
            this.other = task.state().bytesStore((leftSide ? spec.rightStore() : spec.leftStore()).name());
            this.ownSerde = leftSide ? spec.leftSerde() : spec.rightSerde();
            this.otherSerde = leftSide ? spec.rightSerde() : spec.leftSerde();
            this.ownOuter = leftSide ? spec.type() != JoinType.INNER : spec.type() == JoinType.OUTER;
            this.otherOuter = leftSide ? spec.type() == JoinType.OUTER : spec.type() != JoinType.INNER;
            StoreSpec timerStore = leftSide ? spec.leftTimers() : spec.rightTimers();
            this.timers = timerStore == null ? null : new Timers(task.state().bytesStore(timerStore.name()));
            if (timers != null) {
                task.timerOwners.add(this);
            }
            this.topic = (leftSide ? spec.leftStore() : spec.rightStore()).changelogTopic();
        }

        private long closesAt(long t) {
            return WindowNodes.saturatedAdd(WindowNodes.saturatedAdd(t, spec.maxDifferenceMs() + 1), spec.graceMs());
        }

        @Override
        void process(Object key, Object value) {
            RecordContext r = task.record;
            long t = r.timestamp;
            TaskTime time = task.time();
            time.observe(r.topic, t);
            long wm = time.watermark();
            if (key == null) {
                throw failed(new NullPointerException("a stream-stream join needs a key; got a record with a null key"));
            }
            if (closesAt(t) <= wm) {
                task.late(name);
                return;
            }
            own.advanceStreamTime(wm);   // restored stores learn the watermark before they are read
            other.advanceStreamTime(wm);
            byte[] keyBytes;
            byte[] valueBytes;
            List<Object[]> joined = new ArrayList<>();   // {partner value, partner time}
            boolean matched = false;
            try {
                keyBytes = spec.keySerde().serialize(topic, key);
                valueBytes = ownSerde.serialize(topic, value);
                long d = spec.maxDifferenceMs();
                List<Map.Entry<byte[], byte[]>> partners = new ArrayList<>();
                try (StoreIterator<Map.Entry<byte[], byte[]>> it = other.range(WindowKeys.windowKey(keyBytes, t - d),
                        WindowKeys.windowKey(keyBytes, t + d))) {
                    while (it.hasNext()) {
                        Map.Entry<byte[], byte[]> e = it.next();
                        if (WindowKeys.isWindowKeyOf(e.getKey(), keyBytes)
                                && closesAt(WindowKeys.windowStart(e.getKey())) > wm) {
                            partners.add(e);
                        }
                    }
                }
                for (Map.Entry<byte[], byte[]> e : partners) {
                    long partnerTime = WindowKeys.windowStart(e.getKey());
                    byte[] list = e.getValue();
                    for (byte[] entry : entries(list)) {
                        joined.add(new Object[] {otherSerde.deserialize(topic, payload(entry)), partnerTime});
                    }
                    if (otherOuter) {
                        other.put(e.getKey(), markAllMatched(list));
                    }
                    matched = true;
                }
                byte[] ownKey = WindowKeys.windowKey(keyBytes, t);
                own.put(ownKey, appendEntry(own.get(ownKey), matched, valueBytes));
                if (ownOuter && timers != null) {
                    timers.register(Timers.Domain.EVENT_TIME, closesAt(t), ownKey);
                }
            } catch (RuntimeException e) {
                throw failed(e);
            }
            long original = r.timestamp;
            try {
                for (Object[] p : joined) {
                    Object out;
                    try {
                        out = leftSide ? spec.joiner().apply(value, p[0]) : spec.joiner().apply(p[0], value);
                    } catch (RuntimeException e) {
                        throw failed(e);
                    }
                    r.timestamp = Math.max(t, (long) p[1]);
                    forward(key, out);
                }
            } finally {
                r.timestamp = original;
            }
        }

        @Override
        void flush() {
            long wm = task.time().watermark();
            if (timers != null) {
                for (Timers.Due due : timers.takeDue(Timers.Domain.EVENT_TIME, wm)) {
                    byte[] list = own.get(due.payload());
                    if (list == null) {
                        continue;
                    }
                    Object key;
                    List<Object> unmatched = new ArrayList<>();
                    try {
                        key = spec.keySerde().deserialize(topic, WindowKeys.key(due.payload()));
                        for (byte[] entry : entries(list)) {
                            if (entry[0] == 0) {
                                unmatched.add(ownSerde.deserialize(topic, payload(entry)));
                            }
                        }
                    } catch (RuntimeException e) {
                        throw failed(e);
                    }
                    for (Object v : unmatched) {
                        Object out;
                        try {
                            out = leftSide ? spec.joiner().apply(v, null) : spec.joiner().apply(null, v);
                        } catch (RuntimeException e) {
                            throw failed(e);
                        }
                        task.record.emitting(WindowKeys.windowStart(due.payload()));
                        forward(key, out);
                    }
                }
            }
            own.advanceStreamTime(wm);
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
    }

    // ---- entry lists: each entry is [matched flag][value], framed by WindowNodes.ValueLists

    static byte[] appendEntry(byte[] list, boolean matched, byte[] value) {
        byte[] entry = new byte[value.length + 1];
        entry[0] = (byte) (matched ? 1 : 0);
        System.arraycopy(value, 0, entry, 1, value.length);
        return WindowNodes.ValueLists.append(list, entry);
    }

    /** Each entry as {@code [matched][value bytes]}. */
    static List<byte[]> entries(byte[] list) {
        return WindowNodes.ValueLists.values(list);
    }

    static byte[] payload(byte[] entry) {
        return java.util.Arrays.copyOfRange(entry, 1, entry.length);
    }

    static byte[] markAllMatched(byte[] list) {
        byte[] marked = null;
        for (byte[] entry : entries(list)) {
            entry[0] = 1;
            marked = WindowNodes.ValueLists.append(marked, entry);
        }
        return marked;
    }
}
