package io.eddy.testkit.driver.eventtime;

import io.eddy.dsl.OutputMode;
import io.eddy.testkit.driver.eventtime.Scenario.Batch;
import io.eddy.testkit.driver.eventtime.Scenario.In;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A brute-force model of Eddy's event-time semantics ({@code /tmp/eddy/eventtime-semantics.md}),
 * replaying a {@link Scenario} the way the {@link io.eddy.testkit.driver.TestDriver} runs it and
 * producing the output records the spec requires, batch by batch.
 *
 * <h2>What it models</h2>
 * <ul>
 *   <li><b>Tasks and batches.</b> Task {@code p} owns partition {@code p} of every input topic and is
 *       created (with all its input partitions registered, last-record time = creation time) by
 *       the first {@code runBatch()} that has a record for it. In a batch, a task processes its
 *       records topic by topic (topics in name order), each partition in offset order, all of them
 *       seeing the watermark of the batch start; then it commits. A task without records in the
 *       batch commits only if one of its timers is due, that is if the operator has a timer at or
 *       before the watermark a commit at the driver's clock would compute.</li>
 *   <li><b>Watermark</b> ({@link TaskClock}): exactly the rule of the spec, including idle
 *       partitions and the quiet rule, with the driver's clock and idle timeout.</li>
 *   <li><b>Restarts</b>: a restarted task keeps its committed state and watermark and each
 *       partition's largest event time (everything is committed at each batch); the partitions'
 *       activity clocks start afresh (registered at its creation).</li>
 *   <li><b>Operators</b> ({@link WindowModel}, {@link DedupModel}, {@link JoinModel}): simple
 *       lists and sets, recomputed rather than maintained incrementally where that is clearer.</li>
 * </ul>
 *
 * <h2>Choices where the spec leaves room</h2>
 * <ul>
 *   <li>{@code COMPLETE} emits the windows live at the end of the batch, <em>before</em> the
 *       commit closes any (so a window's last change is always seen), and only when a record
 *       changed a window in the batch.</li>
 *   <li>{@code UPDATE}: a session created and merged away within one batch may or may not
 *       produce a null; the model marks that record optional.</li>
 * </ul>
 *
 * <h2>Which operators keep timers</h2>
 * The spec says an input-less {@code runBatch()} commits "tasks whose timers became due" without
 * defining which timers exist; it matters, because such a commit moves a quiet task's watermark
 * and so decides whether later records are late. The model follows the principle that timers
 * exist where a close emits output: one per live window for {@code FINAL} (none for
 * {@code UPDATE} and {@code COMPLETE}), one per stored left record of a left join and per stored
 * record of an outer join (none for an inner join), none for {@code dropDuplicates}.
 *
 * <p>Not thread-safe; one instance per replay.
 */
final class EventTimeReference {

    /**
     * The pseudo-topic of late records that are dropped and counted: one record per late record,
     * compared with the driver's {@code lateRecords()} per batch (see {@link #countedLate}).
     */
    static final String LATE_COUNT = "#late";

    private EventTimeReference() {
    }

    /**
     * The same output with the records of {@code lateTopic} turned into {@link #LATE_COUNT}
     * records: for a pipeline whose late records are counted instead of routed to that topic.
     */
    static List<Emitted> countedLate(List<Emitted> out, String lateTopic) {
        return out.stream().map(e -> e.topic().equals(lateTopic) ? lateCount(e.batch()) : e.topic().equals(LATE_COUNT)
                ? lateCount(e.batch()) : e).toList();
    }

    /** One counted late record in {@code batch} (counts are compared per batch, not per task). */
    static Emitted lateCount(int batch) {
        return new Emitted(batch, -1, LATE_COUNT, "", "", Scenario.T0, false);
    }

    /** Receives the output records of one task in one batch. */
    interface Sink {
        void emit(String topic, String key, String value, long timestamp, boolean optional);

        default void emit(String topic, String key, String value, long timestamp) {
            emit(topic, key, value, timestamp, false);
        }
    }

    /** The state and behaviour of one operator in one task. */
    interface OperatorModel {
        /** One record, {@code wm} being the task's watermark at the start of the batch. */
        void process(In record, long wm, Sink out);

        /** The batch commits with the new watermark {@code wm}. */
        void commit(long wm, Sink out);

        /** The earliest event-time timer (a commit with watermark at or after it fires it), or MAX. */
        long nextTimer();
    }

    /**
     * Replays {@code scenario} and returns every output record the spec requires, in emission order.
     *
     * @param topics the input topics of the pipeline (every task has a partition of each)
     * @param operator creates the operator state of a new task
     */
    static List<Emitted> run(Scenario scenario, List<String> topics, Supplier<OperatorModel> operator) {
        List<String> sortedTopics = topics.stream().sorted().toList();
        Map<Integer, TaskModel> tasks = new TreeMap<>();
        List<Emitted> out = new ArrayList<>();
        long now = Scenario.T0;   // the driver's default start time
        for (int b = 0; b < scenario.batches().size(); b++) {
            Batch batch = scenario.batches().get(b);
            now += batch.advanceMs();
            if (batch.restartBefore()) {
                // a new owner: state, watermark and each partition's largest event time as committed
                // (stored with the partition's offset), partitions registered at its creation (the
                // scenario gives every task input now)
                for (Map.Entry<Integer, TaskModel> e : tasks.entrySet()) {
                    TaskClock fresh = new TaskClock(sortedTopics, scenario.delayMs(), Scenario.IDLE_TIMEOUT_MS, now);
                    fresh.wm = e.getValue().clock.wm;
                    e.getValue().clock.partitions.forEach((topic, old) -> fresh.partitions.get(topic)[0] = old[0]);
                    e.setValue(new TaskModel(fresh, e.getValue().operator));
                }
            }
            Map<Integer, List<In>> byTask = new TreeMap<>();
            for (String topic : sortedTopics) {
                for (In r : batch.records()) {
                    if (r.topic().equals(topic)) {
                        byTask.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
                    }
                }
            }
            for (int p : byTask.keySet()) {
                if (!tasks.containsKey(p)) {
                    tasks.put(p, new TaskModel(new TaskClock(sortedTopics, scenario.delayMs(), Scenario.IDLE_TIMEOUT_MS, now),
                            operator.get()));
                }
            }
            for (Map.Entry<Integer, TaskModel> e : tasks.entrySet()) {
                int p = e.getKey();
                TaskModel task = e.getValue();
                int batchIndex = b;
                Sink sink = (topic, key, value, ts, optional) ->
                        out.add(new Emitted(batchIndex, p, topic, key, value, ts, optional));
                List<In> records = byTask.get(p);
                if (records != null) {
                    long wm = task.clock.wm;   // every record of the batch sees the watermark of its start
                    for (In r : records) {
                        task.clock.active(r.topic(), now);
                        task.clock.observe(r.topic(), r.eventTime());
                        task.operator.process(r, wm, sink);
                    }
                    task.commit(now, sink);
                } else if (task.operator.nextTimer() <= task.clock.candidate(now)) {
                    task.commit(now, sink);
                }
            }
        }
        return out;
    }

    private record TaskModel(TaskClock clock, OperatorModel operator) {
        void commit(long now, Sink sink) {
            clock.wm = clock.candidate(now);
            operator.commit(clock.wm, sink);
        }
    }

    /** The event-time clock of one task: the spec's watermark rule, verbatim. */
    static final class TaskClock {
        /** Per input topic: {maxEventTime, lastRecordAt}. */
        final Map<String, long[]> partitions = new LinkedHashMap<>();
        final long delayMs;
        final long idleTimeoutMs;
        long wm = Long.MIN_VALUE;

        TaskClock(List<String> topics, long delayMs, long idleTimeoutMs, long createdAt) {
            this.delayMs = delayMs;
            this.idleTimeoutMs = idleTimeoutMs;
            topics.forEach(t -> partitions.put(t, new long[] {Long.MIN_VALUE, createdAt}));
        }

        void observe(String topic, long eventTime) {
            long[] p = partitions.get(topic);
            p[0] = Math.max(p[0], eventTime);
        }

        void active(String topic, long now) {
            long[] p = partitions.get(topic);
            p[1] = Math.max(p[1], now);
        }

        private long high(long[] p) {
            return p[0] == Long.MIN_VALUE ? Long.MIN_VALUE : p[0] - delayMs;
        }

        /** The watermark a commit at {@code now} would set. */
        long candidate(long now) {
            boolean allIdle = true;
            long min = Long.MAX_VALUE;
            long maxHigh = Long.MIN_VALUE;
            long lastRecordAt = Long.MIN_VALUE;
            for (long[] p : partitions.values()) {
                maxHigh = Math.max(maxHigh, high(p));
                lastRecordAt = Math.max(lastRecordAt, p[1]);
                if (now - p[1] < idleTimeoutMs) {
                    allIdle = false;
                    min = Math.min(min, high(p));
                }
            }
            long candidate;
            if (!allIdle) {
                candidate = min;
            } else if (maxHigh != Long.MIN_VALUE) {
                candidate = maxHigh + (now - lastRecordAt);
            } else {
                candidate = wm == Long.MIN_VALUE ? Long.MIN_VALUE : wm + (now - lastRecordAt);
            }
            return Math.max(wm, candidate);
        }
    }

    // ------------------------------------------------------------------ windows

    /** The four kinds of windows. */
    enum WindowKind { TUMBLING, HOPPING, SLIDING, SESSION }

    /** What the aggregation computes; the model always computes the set of record numbers. */
    enum Aggregation {
        /** {@code aggregate}: the sorted record numbers, comma-separated. */
        IDS,
        /** {@code reduce} with a set union: rendered like {@link #IDS}. */
        REDUCE,
        /** {@code count()}. */
        COUNT
    }

    /**
     * The window parameters.
     *
     * @param sizeMs tumbling/hopping size; sliding max difference; session gap
     * @param advanceMs hopping advance (tumbling: = size)
     */
    record WindowSpec(WindowKind kind, long sizeMs, long advanceMs, long graceMs) {
        @Override
        public String toString() {
            return switch (kind) {
                case TUMBLING -> "tumbling(size " + sizeMs + ", grace " + graceMs + ")";
                case HOPPING -> "hopping(size " + sizeMs + ", advance " + advanceMs + ", grace " + graceMs + ")";
                case SLIDING -> "sliding(maxDifference " + sizeMs + ", grace " + graceMs + ")";
                case SESSION -> "session(gap " + sizeMs + ", grace " + graceMs + ")";
            };
        }
    }

    /** A window of a key: {@code [start, end)} for windows, {@code [start, end]} for sessions. */
    record WKey(String key, long start, long end) {
    }

    /**
     * A windowed aggregation of the records' numbers ({@link In#seq()}), writing its table in
     * {@code mode} to topic {@code out} and late records to topic {@code late}.
     */
    static final class WindowModel implements OperatorModel {
        final WindowSpec spec;
        final OutputMode mode;
        final Aggregation aggregation;
        /** Live (not yet closed) windows and their records. */
        final Map<WKey, TreeSet<Integer>> live = new HashMap<>();
        /** Sliding windows: every accepted record, per key: {time, seq}. */
        final Map<String, List<long[]>> accepted = new HashMap<>();
        final Set<WKey> changed = new HashSet<>();
        final Set<WKey> liveAtBatchStart = new HashSet<>();
        boolean batchStarted;
        /** Whether the operator keeps a timer per live window (FINAL does; see the class comment). */
        final boolean timers;

        WindowModel(WindowSpec spec, OutputMode mode, Aggregation aggregation) {
            this(spec, mode, aggregation, mode == OutputMode.FINAL);
        }

        WindowModel(WindowSpec spec, OutputMode mode, Aggregation aggregation, boolean timers) {
            this.spec = spec;
            this.mode = mode;
            this.aggregation = aggregation;
            this.timers = timers;
        }

        long closeTime(WKey w) {
            return spec.kind == WindowKind.SESSION ? w.end + spec.sizeMs + spec.graceMs : w.end + spec.graceMs;
        }

        long timestamp(WKey w) {
            return spec.kind == WindowKind.SESSION ? w.end : w.end - 1;
        }

        String render(WKey w) {
            return w.key + "[" + (w.start - Scenario.T0) + "," + (w.end - Scenario.T0)
                    + (spec.kind == WindowKind.SESSION ? "]" : ")");
        }

        String value(Set<Integer> ids) {
            if (ids == null) {
                return null;
            }
            return aggregation == Aggregation.COUNT ? String.valueOf(ids.size()) : Ids.render(ids);
        }

        /** The fixed (tumbling or hopping) windows containing {@code t}. */
        List<WKey> fixedWindows(String key, long t) {
            long advance = spec.kind == WindowKind.TUMBLING ? spec.sizeMs : spec.advanceMs;
            List<WKey> ws = new ArrayList<>();
            for (long s = t - Math.floorMod(t, advance); s > t - spec.sizeMs; s -= advance) {
                ws.add(new WKey(key, s, s + spec.sizeMs));
            }
            return ws;
        }

        private void touch(WKey w, int seq) {
            live.computeIfAbsent(w, x -> new TreeSet<>()).add(seq);
            changed.add(w);
        }

        @Override
        public void process(In r, long wm, Sink out) {
            if (!batchStarted) {
                batchStarted = true;
                liveAtBatchStart.clear();
                liveAtBatchStart.addAll(live.keySet());
            }
            boolean accepted = switch (spec.kind) {
                case TUMBLING, HOPPING -> processFixed(r, wm);
                case SLIDING -> processSliding(r, wm);
                case SESSION -> processSession(r, wm);
            };
            if (!accepted) {
                out.emit("late", r.key(), r.value(), r.eventTime());
            }
        }

        private boolean processFixed(In r, long wm) {
            boolean any = false;
            for (WKey w : fixedWindows(r.key(), r.eventTime())) {
                if (wm < closeTime(w)) {
                    touch(w, r.seq());
                    any = true;
                }
            }
            return any;
        }

        private boolean processSliding(In r, long wm) {
            long t = r.eventTime();
            long d = spec.sizeMs;
            WKey own = new WKey(r.key(), t - d, t + 1);
            List<WKey> later = live.keySet().stream()
                    .filter(w -> w.key.equals(r.key()) && w.end - 1 > t && w.end - 1 <= t + d && wm < closeTime(w))
                    .toList();
            boolean ownOpen = wm < closeTime(own);
            if (!ownOpen && later.isEmpty()) {
                return false;
            }
            List<long[]> stored = accepted.computeIfAbsent(r.key(), k -> new ArrayList<>());
            stored.add(new long[] {t, r.seq()});
            if (ownOpen) {
                if (!live.containsKey(own)) {
                    TreeSet<Integer> content = new TreeSet<>();
                    for (long[] s : stored) {
                        if (s[0] >= t - d && s[0] <= t) {
                            content.add((int) s[1]);
                        }
                    }
                    live.put(own, content);
                }
                touch(own, r.seq());
            }
            later.forEach(w -> touch(w, r.seq()));
            return true;
        }

        private boolean processSession(In r, long wm) {
            long t = r.eventTime();
            long gap = spec.sizeMs;
            if (t + gap + spec.graceMs <= wm) {
                return false;
            }
            List<WKey> overlapping = live.keySet().stream()
                    .filter(w -> w.key.equals(r.key()) && w.end >= t - gap && w.start <= t + gap)
                    .toList();
            long start = t;
            long end = t;
            TreeSet<Integer> content = new TreeSet<>();
            for (WKey w : overlapping) {
                start = Math.min(start, w.start);
                end = Math.max(end, w.end);
                content.addAll(live.remove(w));
                changed.add(w);
            }
            content.add(r.seq());
            WKey merged = new WKey(r.key(), start, end);
            live.put(merged, content);
            changed.add(merged);
            return true;
        }

        @Override
        public void commit(long wm, Sink out) {
            if (mode == OutputMode.UPDATE) {
                for (WKey w : sorted(changed)) {
                    TreeSet<Integer> v = live.get(w);
                    boolean ephemeral = v == null && !liveAtBatchStart.contains(w);
                    out.emit("out", render(w), value(v), timestamp(w), ephemeral);
                }
            }
            // COMPLETE: the windows live at the end of the batch, before this commit closes any
            if (mode == OutputMode.COMPLETE && !changed.isEmpty()) {
                for (WKey w : sorted(live.keySet())) {
                    out.emit("out", render(w), value(live.get(w)), timestamp(w));
                }
            }
            List<WKey> closing = live.keySet().stream().filter(w -> closeTime(w) <= wm)
                    .sorted(Comparator.comparingLong(this::closeTime).thenComparing(WKey::key)
                            .thenComparingLong(WKey::start))
                    .toList();
            for (WKey w : closing) {
                if (mode == OutputMode.FINAL) {
                    out.emit("out", render(w), value(live.get(w)), timestamp(w));
                }
                live.remove(w);
            }
            changed.clear();
            batchStarted = false;
            liveAtBatchStart.clear();
            liveAtBatchStart.addAll(live.keySet());
        }

        private static List<WKey> sorted(Set<WKey> ws) {
            return ws.stream().sorted(Comparator.comparing(WKey::key).thenComparingLong(WKey::start)
                    .thenComparingLong(WKey::end)).toList();
        }

        @Override
        public long nextTimer() {
            if (!timers) {
                return Long.MAX_VALUE;
            }
            return live.keySet().stream().mapToLong(this::closeTime).min().orElse(Long.MAX_VALUE);
        }
    }

    // ------------------------------------------------------------------ dedup

    /**
     * {@code dropDuplicates((k, v) -> idOf(v))}: forwards the first record of each id to topic
     * {@code out}; ids are forgotten once the watermark passes their first record's time.
     */
    static final class DedupModel implements OperatorModel {
        final Map<String, Long> seen = new HashMap<>();

        @Override
        public void process(In r, long wm, Sink out) {
            if (r.eventTime() < wm) {
                out.emit(LATE_COUNT, "", "", Scenario.T0);   // late: dropped and counted
                return;
            }
            String id = DedupIds.idOf(r.value());
            if (seen.containsKey(id)) {
                return;
            }
            seen.put(id, r.eventTime());
            out.emit("out", r.key(), r.value(), r.eventTime());
        }

        @Override
        public void commit(long wm, Sink out) {
            seen.values().removeIf(t -> wm > t);
        }

        @Override
        public long nextTimer() {
            return Long.MAX_VALUE;
        }
    }

    /** The ids of dedup scenarios: values are {@code <id>/<seq>}. */
    static final class DedupIds {
        private DedupIds() {
        }

        static String idOf(String value) {
            return value.substring(0, value.indexOf('/'));
        }
    }

    // ------------------------------------------------------------------ joins

    /** The three stream-stream joins. */
    enum JoinType { INNER, LEFT, OUTER }

    /**
     * {@code left.join/leftJoin/outerJoin(right, (l, r) -> l + "+" + r, JoinWindows.of(d).grace(g))}
     * writing to topic {@code out}. Left records come from topic {@code left}, right ones from
     * {@code right}.
     */
    static final class JoinModel implements OperatorModel {
        final JoinType type;
        final long maxDifferenceMs;
        final long graceMs;
        /** Stored (not yet closed) records of each side, with whether they joined. */
        final List<Stored> left = new ArrayList<>();
        final List<Stored> right = new ArrayList<>();

        JoinModel(JoinType type, long maxDifferenceMs, long graceMs) {
            this.type = type;
            this.maxDifferenceMs = maxDifferenceMs;
            this.graceMs = graceMs;
        }

        private static final class Stored {
            final In record;
            boolean joined;

            Stored(In record) {
                this.record = record;
            }
        }

        long closeTime(In r) {
            return r.eventTime() + maxDifferenceMs + 1 + graceMs;
        }

        @Override
        public void process(In r, long wm, Sink out) {
            if (wm >= closeTime(r)) {
                out.emit(LATE_COUNT, "", "", Scenario.T0);   // late: dropped and counted
                return;
            }
            boolean isLeft = r.topic().equals("left");
            Stored self = new Stored(r);
            for (Stored o : isLeft ? right : left) {
                In other = o.record;
                if (other.key().equals(r.key()) && Math.abs(other.eventTime() - r.eventTime()) <= maxDifferenceMs) {
                    String value = isLeft ? r.value() + "+" + other.value() : other.value() + "+" + r.value();
                    out.emit("out", r.key(), value, Math.max(r.eventTime(), other.eventTime()));
                    o.joined = true;
                    self.joined = true;
                }
            }
            (isLeft ? left : right).add(self);
        }

        @Override
        public void commit(long wm, Sink out) {
            expire(left, wm, type != JoinType.INNER, true, out);
            expire(right, wm, type == JoinType.OUTER, false, out);
        }

        private void expire(List<Stored> side, long wm, boolean emitsUnmatched, boolean isLeft, Sink out) {
            for (var it = side.iterator(); it.hasNext(); ) {
                Stored s = it.next();
                if (wm >= closeTime(s.record)) {
                    it.remove();
                    if (emitsUnmatched && !s.joined) {
                        String value = isLeft ? s.record.value() + "+null" : "null+" + s.record.value();
                        out.emit("out", s.record.key(), value, s.record.eventTime());
                    }
                }
            }
        }

        @Override
        public long nextTimer() {
            long next = Long.MAX_VALUE;
            if (type != JoinType.INNER) {
                for (Stored s : left) {
                    next = Math.min(next, closeTime(s.record));
                }
            }
            if (type == JoinType.OUTER) {
                for (Stored s : right) {
                    next = Math.min(next, closeTime(s.record));
                }
            }
            return next;
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Sets of record numbers as aggregates: sorted, comma-separated. */
    static final class Ids {
        private Ids() {
        }

        static String render(Set<Integer> ids) {
            return ids.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
        }

        static TreeSet<Integer> parse(String s) {
            TreeSet<Integer> ids = new TreeSet<>();
            if (s != null && !s.isEmpty()) {
                for (String part : s.split(",")) {
                    ids.add(Integer.parseInt(part));
                }
            }
            return ids;
        }

        /** The aggregate {@code agg} with record number {@code id} added. */
        static String add(String agg, int id) {
            TreeSet<Integer> ids = parse(agg);
            ids.add(id);
            return render(ids);
        }

        static String union(String a, String b) {
            TreeSet<Integer> ids = parse(a);
            ids.addAll(parse(b));
            return render(ids);
        }
    }
}
