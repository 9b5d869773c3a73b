package io.eddy.internal.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The event-time clock of one task: per input partition, the largest event time seen, when it
 * last delivered a record and since when its owner has known it to have no lag; for a repartition
 * partition, the watermarks its upstream tasks reported; from them, the task's watermark.
 *
 * <h2>The watermark rule</h2>
 * <pre>
 *   own(p)      = maxEventTime(p) − delay(p)                  an input partition read from outside
 *   idle(p)     = p had no lag, continuously, for idleTimeout, and delivered nothing for idleTimeout
 *   upstream(r) = min over upstream tasks u of reported(u)   a repartition partition r (MIN until all reported)
 *   external    = min over input partitions p not idle of own(p)
 *                 or, when every input partition is idle (the task is quiet),
 *                 max over p of own(p) + (now − last record of an input partition)
 *   candidate   = min(external, min over repartition partitions r of upstream(r))
 *   watermark   = max(watermark, candidate)                   only when a batch commits
 * </pre>
 * A partition is never idle merely because nothing arrived: its owner must know it has no lag
 * (the loop says so once per poll, from the consumer's fetch positions), and it is not idle while
 * its task restores or its worker rebalances (the loop reports those as "not caught up"). A
 * partition whose lag is unknown is not idle.
 *
 * <h2>Watermarks through a repartition</h2>
 * When every source that feeds a repartition topic keeps event time, the upstream side reports:
 * at each commit, a task sends to every partition of the repartition topic a control record
 * ({@link WatermarkReports}) with the watermark of the partitions feeding that topic (the rule
 * above over those partitions only) when it moved. The downstream task's watermark for that
 * repartition partition is the minimum over all upstream tasks, so records of an upstream task
 * that is behind (read later, stalled, restoring) are never late because another upstream task
 * ran ahead. An upstream task all of whose feeding partitions are idle and empty reports
 * {@link Long#MAX_VALUE} ("do not wait for me") until it sees a record. A report says whether it
 * came from the quiet rule; when every upstream task is quiet, the repartition partition takes
 * the largest report instead of the smallest, as a task whose partitions are all idle does. A quiet upstream task's
 * watermark moves with the clock; {@link #reportDue} asks for a batch without records to carry
 * it, at most every {@link #reportIntervalMs}.
 *
 * <p>The quiet rule is what closes the last windows of a stream that falls silent: event time is
 * assumed to move with the wall clock once nothing arrives. A restored watermark (committed by the
 * task's previous owner) is a lower bound for everything, so it never goes back.
 *
 * <p>Records call {@link #observe} (one comparison); the loop calls {@link #active} and
 * {@link #caughtUp} once per partition per poll; {@link #advance} and the reports run at commit.
 * Not thread-safe: the task's worker thread owns it.
 */
public final class TaskTime {
    /** A candidate that constrains nothing (every partition idle and empty, or all upstreams so). */
    static final long NO_CONSTRAINT = Long.MAX_VALUE;
    private static final long NOT_CAUGHT_UP = Long.MIN_VALUE;

    private final long idleTimeoutMs;
    private final long reportIntervalMs;
    private final List<PartitionClock> partitions = new ArrayList<>();
    /** Per repartition topic this task writes to with propagated watermarks: what it reported. */
    private final Map<String, Report> reports = new LinkedHashMap<>();
    private PartitionClock current;
    private long watermark = Long.MIN_VALUE;
    private long committedWatermark = Long.MIN_VALUE;
    /** The watermark resumed from the previous owner: the quiet rule's base until a record is seen. */
    private long restoredWatermark = Long.MIN_VALUE;
    /** What held the watermark back at the last {@link #advance}, for progress reports. */
    private String heldBy = "no input yet";
    /** Whether the last {@link #compute} came from the quiet rule alone (every partition idle or quiet upstream). */
    private boolean lastComputeQuiet;

    /** One input partition of the task (the task's partition of one topic). */
    private static final class PartitionClock {
        final String topic;
        final long delayMs;
        /** The repartition topics this partition's records reach (reports cover these). */
        final Set<String> feeds;
        /** A repartition partition whose watermark comes from its upstream tasks' reports. */
        final boolean propagated;
        long maxEventTime = Long.MIN_VALUE;
        /** {@link #maxEventTime} as of the last commit: an aborted batch's records must not count. */
        long committedMaxEventTime = Long.MIN_VALUE;
        long lastRecordAt;
        long caughtUpSince = NOT_CAUGHT_UP;
        /** Per upstream task, its last reported watermark (propagated only); null before any report. */
        long[] upstream;
        long[] committedUpstream;
        /** Per upstream task, whether its last report came from the quiet rule (all its partitions idle). */
        boolean[] upstreamQuiet;
        boolean[] committedUpstreamQuiet;

        PartitionClock(String topic, long delayMs, Set<String> feeds, boolean propagated, long now) {
            this.topic = topic;
            this.delayMs = delayMs;
            this.feeds = feeds;
            this.propagated = propagated;
            this.lastRecordAt = now;
        }

        /** Own partitions: largest event time − delay; repartition ones: the lowest upstream report. */
        long high() {
            if (propagated) {
                if (upstream == null) {
                    return Long.MIN_VALUE;
                }
                long min = NO_CONSTRAINT;
                long maxQuiet = Long.MIN_VALUE;
                boolean allQuiet = true;
                for (int u = 0; u < upstream.length; u++) {
                    min = Math.min(min, upstream[u]);
                    allQuiet &= upstreamQuiet[u];
                    if (upstream[u] != NO_CONSTRAINT) {
                        maxQuiet = Math.max(maxQuiet, upstream[u]);
                    }
                }
                if (allQuiet && min != Long.MIN_VALUE) {
                    // every upstream task quiet: as for one task's idle partitions, the most advanced counts
                    return maxQuiet == Long.MIN_VALUE ? NO_CONSTRAINT : maxQuiet;
                }
                return min;
            }
            return maxEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventTime - delayMs;
        }

        /** Whether every upstream task reported and all of them from the quiet rule (propagated only). */
        boolean upstreamAllQuiet() {
            if (upstream == null) {
                return false;
            }
            for (int u = 0; u < upstream.length; u++) {
                if (!upstreamQuiet[u] || upstream[u] == Long.MIN_VALUE) {
                    return false;
                }
            }
            return true;
        }

        boolean idle(long now, long idleTimeoutMs) {
            return !propagated && caughtUpSince != NOT_CAUGHT_UP
                    && now - Math.max(caughtUpSince, lastRecordAt) >= idleTimeoutMs;
        }

        /** The upstream task holding this repartition partition back, or -1. */
        int lowestUpstream() {
            int at = -1;
            if (upstream != null) {
                for (int u = 0; u < upstream.length; u++) {
                    if (at < 0 || upstream[u] < upstream[at]) {
                        at = u;
                    }
                }
            }
            return at;
        }
    }

    /** What this task reported on one repartition topic; rolled back with an aborted batch. */
    private static final class Report {
        long value = Long.MIN_VALUE;
        boolean quiet;
        long at = Long.MIN_VALUE;
        long committedValue = Long.MIN_VALUE;
        boolean committedQuiet;
        long committedAt = Long.MIN_VALUE;
    }

    TaskTime(long idleTimeoutMs, long now) {
        this.idleTimeoutMs = idleTimeoutMs;
        this.reportIntervalMs = Math.max(1, Math.min(1_000, idleTimeoutMs));
    }

    /** Adds the task's partition of {@code topic}, whose event times may be {@code delayMs} out of order. */
    void register(String topic, long delayMs, long now) {
        register(topic, delayMs, Set.of(), false, now);
    }

    /**
     * Adds the task's partition of {@code topic}.
     *
     * @param feeds the repartition topics with propagated watermarks this partition's records reach
     * @param propagated whether {@code topic} is a repartition topic whose watermark its upstream
     *        tasks report (then {@code delayMs} is not used: the reports already allow for it)
     */
    void register(String topic, long delayMs, Set<String> feeds, boolean propagated, long now) {
        if (find(topic) == null) {
            partitions.add(new PartitionClock(topic, delayMs, feeds, propagated, now));
            for (String r : feeds) {
                reports.putIfAbsent(r, new Report());
            }
        }
    }

    private PartitionClock find(String topic) {
        for (PartitionClock p : partitions) {
            if (p.topic.equals(topic)) {
                return p;
            }
        }
        return null;
    }

    /** The partition of {@code topic} delivered records in the poll at {@code now}. */
    void active(String topic, long now) {
        PartitionClock p = find(topic);
        if (p != null) {
            p.lastRecordAt = now;
        }
    }

    /**
     * What the owner knows of the partition of {@code topic} at {@code now}: {@code caughtUp} if
     * it has no lag (position at the end offset) and its task neither restores nor waits for a
     * rebalance; false if it has lag, its lag is unknown, or it cannot be read now.
     */
    void caughtUp(String topic, long now, boolean caughtUp) {
        PartitionClock p = find(topic);
        if (p == null) {
            return;
        }
        if (!caughtUp) {
            p.caughtUpSince = NOT_CAUGHT_UP;
        } else if (p.caughtUpSince == NOT_CAUGHT_UP) {
            p.caughtUpSince = now;
        }
    }

    /** A rebalance happened: no partition counts as caught up until the owner looks again. */
    void unsettled() {
        for (PartitionClock p : partitions) {
            p.caughtUpSince = NOT_CAUGHT_UP;
        }
    }

    /** A record of {@code topic} has event time {@code eventTime}. */
    void observe(String topic, long eventTime) {
        PartitionClock p = current;
        if (p == null || p.topic != topic && !p.topic.equals(topic)) {
            p = find(topic);
            if (p == null) {
                return;   // not an event-time input (a source that reaches no event-time operator)
            }
            current = p;
        }
        if (eventTime > p.maxEventTime) {
            p.maxEventTime = eventTime;
        }
    }

    /**
     * Upstream task {@code upstreamTask} of {@code upstreamTasks} reported {@code reported} on
     * this task's partition of repartition topic {@code topic}.
     */
    void report(String topic, int upstreamTask, int upstreamTasks, long reported, boolean quiet) {
        PartitionClock p = find(topic);
        if (p == null || !p.propagated || upstreamTask < 0 || upstreamTask >= upstreamTasks) {
            return;
        }
        if (p.upstream == null || p.upstream.length != upstreamTasks) {
            long[] grown = new long[upstreamTasks];
            boolean[] grownQuiet = new boolean[upstreamTasks];
            Arrays.fill(grown, Long.MIN_VALUE);
            if (p.upstream != null) {
                System.arraycopy(p.upstream, 0, grown, 0, Math.min(grown.length, p.upstream.length));
                System.arraycopy(p.upstreamQuiet, 0, grownQuiet, 0, Math.min(grown.length, p.upstream.length));
            }
            p.upstream = grown;
            p.upstreamQuiet = grownQuiet;
        }
        p.upstream[upstreamTask] = reported;
        p.upstreamQuiet[upstreamTask] = quiet;
    }

    /** The watermark as of the start of the current batch; {@link Long#MIN_VALUE} before any. */
    public long watermark() {
        return watermark;
    }

    /**
     * The watermark the current batch started with; equal to {@link #watermark()} until
     * {@link #advance} runs at commit.
     */
    long batchStartWatermark() {
        return committedWatermark;
    }

    /** Resumes from a watermark committed earlier (never moves it back). */
    public void restore(long committed) {
        watermark = Math.max(watermark, committed);
        committedWatermark = watermark;
        restoredWatermark = watermark;
    }

    /**
     * The largest event time processed from the task's own partition of {@code topic}, including
     * the batch being committed (the loop stores it with the partition's offset in that commit);
     * {@link Long#MIN_VALUE} if none, or if the partition's time comes from upstream tasks.
     */
    long eventTime(String topic) {
        PartitionClock p = find(topic);
        return p == null || p.propagated ? Long.MIN_VALUE : p.maxEventTime;
    }

    /**
     * Resumes the task's own partition of {@code topic} from the largest event time its previous
     * owner had committed from it: lateness and the quiet rule then continue from the partition's
     * own progress. Without it, a partition whose last records were processed before a restart
     * would know only the task's watermark, which other partitions or upstream tasks hold back, and
     * its reports to downstream tasks would stay there.
     */
    void restoreEventTime(String topic, long eventTime) {
        PartitionClock p = find(topic);
        if (p != null && !p.propagated && eventTime != Long.MIN_VALUE) {
            p.maxEventTime = Math.max(p.maxEventTime, eventTime);
            p.committedMaxEventTime = Math.max(p.committedMaxEventTime, eventTime);
        }
    }

    /** The batch committed: its watermark and reports are the new fallback for {@link #rollback}. */
    void committed() {
        committedWatermark = watermark;
        for (PartitionClock p : partitions) {
            p.committedMaxEventTime = p.maxEventTime;
            if (p.upstream != null && (!Arrays.equals(p.upstream, p.committedUpstream)
                    || !Arrays.equals(p.upstreamQuiet, p.committedUpstreamQuiet))) {
                p.committedUpstream = p.upstream.clone();
                p.committedUpstreamQuiet = p.upstreamQuiet.clone();
            }
        }
        for (Report r : reports.values()) {
            r.committedValue = r.value;
            r.committedQuiet = r.quiet;
            r.committedAt = r.at;
        }
    }

    /** The batch aborted: its records will be processed again under the watermark they first saw. */
    void rollback() {
        watermark = committedWatermark;
        // the retried batch may hold fewer records; a watermark computed from event times the
        // aborted attempt saw would run ahead of what is committed, and make its records late
        for (PartitionClock p : partitions) {
            p.maxEventTime = p.committedMaxEventTime;
            p.upstream = p.committedUpstream == null ? null : p.committedUpstream.clone();
            p.upstreamQuiet = p.committedUpstreamQuiet == null ? null : p.committedUpstreamQuiet.clone();
        }
        for (Report r : reports.values()) {
            r.value = r.committedValue;
            r.quiet = r.committedQuiet;
            r.at = r.committedAt;
        }
    }

    /** What the watermark would become if the batch committed at {@code now}. */
    long candidate(long now) {
        long c = compute(now, null);
        return c == NO_CONSTRAINT ? watermark : Math.max(watermark, c);
    }

    /**
     * The rule of the class comment over the partitions that feed {@code feeding} (all of them when
     * null); {@link #NO_CONSTRAINT} when none constrains it.
     */
    private long compute(long now, String feeding) {
        lastComputeQuiet = false;
        boolean upstreamQuiet = true;
        boolean anyUpstream = false;
        long ownMin = NO_CONSTRAINT;
        long ownMax = Long.MIN_VALUE;
        long lastRecordAt = Long.MIN_VALUE;
        boolean anyOwn = false;
        boolean allIdle = true;
        long upstream = NO_CONSTRAINT;
        for (PartitionClock p : partitions) {
            if (feeding != null && !p.feeds.contains(feeding)) {
                continue;
            }
            long high = p.high();
            if (p.propagated) {
                anyUpstream = true;
                upstream = Math.min(upstream, high);
                upstreamQuiet &= p.upstreamAllQuiet();
                continue;
            }
            anyOwn = true;
            ownMax = Math.max(ownMax, high);
            lastRecordAt = Math.max(lastRecordAt, p.lastRecordAt);
            if (!p.idle(now, idleTimeoutMs)) {
                allIdle = false;
                ownMin = Math.min(ownMin, high);
            }
        }
        long own;
        if (!anyOwn) {
            own = NO_CONSTRAINT;
        } else if (!allIdle) {
            own = ownMin;
        } else {
            // (largest event time seen − delay) + time since the last record; after a restart, before
            // any record, the restored watermark stands in for the unknown largest event time
            long base = ownMax == Long.MIN_VALUE ? restoredWatermark : ownMax;
            long quietFor = Math.max(0, now - lastRecordAt);
            own = base == Long.MIN_VALUE ? NO_CONSTRAINT : saturatedAdd(base, quietFor);
        }
        lastComputeQuiet = (anyOwn || anyUpstream) && allIdle && upstreamQuiet;
        if (lastComputeQuiet && anyOwn && anyUpstream) {
            // quiet everywhere (own partitions idle, every upstream task quiet): as for one task whose
            // partitions are all idle, the most advanced counts
            if (own == NO_CONSTRAINT) {
                return upstream;
            }
            return upstream == NO_CONSTRAINT ? own : Math.max(own, upstream);
        }
        return Math.min(own, upstream);
    }

    /** Moves the watermark to its {@link #candidate} at commit time; returns the new watermark. */
    long advance(long now) {
        watermark = candidate(now);
        heldBy = describeHolder(now);
        return watermark;
    }

    // ---- reports to downstream tasks

    /** The repartition topics this task reports its watermark on. */
    Set<String> reportedTopics() {
        return reports.keySet();
    }

    /**
     * At commit: the watermark to report on {@code topic} now, or {@link Long#MIN_VALUE} if
     * nothing new (marked as reported; the caller sends it in the committing batch).
     */
    long takeReport(String topic, long now) {
        Report r = reports.get(topic);
        if (r == null) {
            return Long.MIN_VALUE;
        }
        long value = reportable(topic, now);
        boolean quiet = lastComputeQuiet;
        if (!isNews(r, value, quiet)) {
            return Long.MIN_VALUE;
        }
        r.value = value;
        r.quiet = quiet;
        r.at = now;
        return value;
    }

    /** Whether the report {@link #takeReport} last returned for {@code topic} came from the quiet rule. */
    boolean reportedQuiet(String topic) {
        Report r = reports.get(topic);
        return r != null && r.quiet;
    }

    /** Whether a batch without records should run to report a watermark that moved (a quiet upstream). */
    boolean reportDue(long now) {
        for (Map.Entry<String, Report> e : reports.entrySet()) {
            Report r = e.getValue();
            if ((r.at == Long.MIN_VALUE || now - r.at >= reportIntervalMs)
                    && isNews(r, reportable(e.getKey(), now), lastComputeQuiet)) {
                return true;
            }
        }
        return false;
    }

    private long reportable(String topic, long now) {
        long c = compute(now, topic);
        if (c == NO_CONSTRAINT) {
            return NO_CONSTRAINT;   // every feeding partition idle and empty: do not hold downstream back
        }
        return Math.max(c, restoredWatermark);
    }

    private static boolean isNews(Report r, long value, boolean quiet) {
        if (value == Long.MIN_VALUE) {
            return false;
        }
        if (value == NO_CONSTRAINT) {
            return r.value == Long.MIN_VALUE;
        }
        // a quiet task that reads records again says so, even with a lower watermark: downstream
        // tasks then take the minimum over upstream tasks again
        return r.value == NO_CONSTRAINT || value > r.value || (r.quiet && !quiet);
    }

    // ---- progress

    /** The own watermark of the partition of {@code topic} read from outside (MIN if none, or propagated). */
    long ownEventTime(String topic) {
        PartitionClock p = find(topic);
        return p == null || p.propagated ? Long.MIN_VALUE : p.high();
    }

    /** Per input topic, the task's partition's own watermark (see the class comment); MIN if none yet. */
    Map<String, Long> partitionWatermarks() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (PartitionClock p : partitions) {
            out.put(p.topic, p.high());
        }
        return out;
    }

    /** What held the watermark back at the last commit: a partition, an upstream task, or the quiet rule. */
    String heldBy() {
        return heldBy;
    }

    private String describeHolder(long now) {
        PartitionClock lowest = null;
        long lowestHigh = NO_CONSTRAINT;
        boolean allOwnIdle = true;
        boolean anyOwn = false;
        for (PartitionClock p : partitions) {
            if (!p.propagated) {
                anyOwn = true;
                if (p.idle(now, idleTimeoutMs)) {
                    continue;
                }
                allOwnIdle = false;
            }
            long high = p.high();
            if (lowest == null || high < lowestHigh) {
                lowest = p;
                lowestHigh = high;
            }
        }
        if (lowest == null) {
            return anyOwn ? "quiet: every input partition idle, following the clock" : "no input yet";
        }
        if (lowest.propagated) {
            int u = lowest.lowestUpstream();
            String quiet = anyOwn && allOwnIdle ? " (input partitions quiet)" : "";
            return u < 0 ? lowest.topic + ": no upstream task has reported yet" + quiet
                    : lowest.topic + ": upstream task " + u
                            + (lowest.upstream[u] == Long.MIN_VALUE ? " (not reported yet)" : "") + quiet;
        }
        return lowest.topic + (lowest.maxEventTime == Long.MIN_VALUE ? " (no record yet)" : "");
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
