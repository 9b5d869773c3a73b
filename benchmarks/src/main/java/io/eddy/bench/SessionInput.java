package io.eddy.bench;

import java.util.Arrays;
import org.apache.kafka.common.utils.Utils;

/**
 * The input of {@link Workload#W10}, the per-key total after {@value #SILENCE_MILLIS} ms of
 * event-time silence, and what its output must hold. A pure function of its parameters, so the
 * loader, the engines and the check agree.
 *
 * <h2>Layout</h2>
 * The keys fall into {@value #GROUPS} groups (key {@code k} is in group {@code k mod GROUPS}). The
 * records come in blocks of {@link #blockRecords()} records, each block spanning
 * {@value #BLOCK_MILLIS} ms of event time; block {@code b} holds only keys of group
 * {@code b mod GROUPS}, each about {@value #RECORDS_PER_SESSION} times, round-robin. Record
 * {@code i} (from 0) is the {@code j = i mod blockRecords}-th of block {@code b = i / blockRecords};
 * its key is the {@code (j mod n)}-th key of the block's group (of {@code n} keys), its timestamp
 * (event time) {@code base + b * BLOCK_MILLIS + j * BLOCK_MILLIS / blockRecords}, its value the
 * 8-byte long {@code 1 + i mod 10}. It goes to the partition Kafka's default partitioner picks for
 * its key. Event time therefore never decreases, neither in the topic nor in any partition.
 *
 * <p>So a key's records within a block are about {@code BLOCK_MILLIS / RECORDS_PER_SESSION} ms
 * apart, less than the silence, and its next block comes {@code (GROUPS - 1) * BLOCK_MILLIS} ms
 * later, far more than the silence: each key's records in one block are one session, whose total
 * the engines emit {@value #SILENCE_MILLIS} ms of event time after its last record. At any time
 * only the keys of the last few blocks have a session open (their timers pending), and keys fall
 * silent continuously, a block's worth every {@value #BLOCK_MILLIS} ms of event time.
 *
 * <h2>What the output must hold</h2>
 * {@link #expected()} does not rely on that structure: it replays the input with the engines'
 * rule (a record whose timestamp is at least its key's deadline, the key's last timestamp plus
 * the silence, starts a new session; the timer at the deadline fires once the partition's event
 * time reaches it) and records every session's total and deadline. Once all input is processed, a
 * session whose deadline is at most its partition's largest event time, less the engine's firing
 * lag ({@link SessionTotalsCheck#firingLagMillis}), must have been emitted; a later one may have
 * been (an engine's event time may move on once the input is quiet).
 *
 * @param records input records
 * @param keys distinct keys, at least {@value #GROUPS}
 * @param partitions input partitions
 * @param baseMillis the event time of record 0
 */
record SessionInput(long records, int keys, int partitions, long baseMillis) {
    /** How long a key must be silent, in event time, before its total is emitted. */
    static final long SILENCE_MILLIS = 30_000;

    /** Key groups: block {@code b} holds the keys of group {@code b mod GROUPS}. */
    static final int GROUPS = 10;

    /** Event time one block spans. */
    static final long BLOCK_MILLIS = 20_000;

    /** About how many records each key has in each block it appears in: one session's records. */
    static final int RECORDS_PER_SESSION = 4;

    /** Input event times end at least this long before the load: the broker refuses timestamps far in the future. */
    private static final long END_BEFORE_NOW_MILLIS = 10 * 60_000L;

    /** Most event time the input may span: older records would fall to the topics' retention (7 days). */
    static final long MAX_SPAN_MILLIS = 2 * 24 * 3600_000L;

    SessionInput {
        if (records < 1 || keys < GROUPS || partitions < 1) {
            throw new IllegalArgumentException("records and partitions must be positive and keys at least " + GROUPS
                    + ": " + records + ", " + keys + ", " + partitions);
        }
    }

    /**
     * The input for a load at {@code nowMillis}: event times end about ten minutes before it (the
     * broker rejects records too far in the future).
     *
     * @throws IllegalArgumentException if the event times would span more than two days
     */
    static SessionInput loadedAt(long nowMillis, long records, int keys, int partitions) {
        SessionInput probe = new SessionInput(records, keys, partitions, 0);
        long span = probe.spanMillis();
        if (span > MAX_SPAN_MILLIS) {
            throw new IllegalArgumentException("W10's event time would span " + span / 60_000 + " minutes (--records "
                    + records + " with --keys " + keys + "), more than " + MAX_SPAN_MILLIS / 60_000 + "; raise --keys");
        }
        return new SessionInput(records, keys, partitions, nowMillis - END_BEFORE_NOW_MILLIS - span);
    }

    /** Records per block: {@link #RECORDS_PER_SESSION} for each key of the largest group. */
    long blockRecords() {
        return (long) RECORDS_PER_SESSION * groupSize(0);
    }

    /** How much event time the input spans, from record 0 to the last. */
    long spanMillis() {
        return eventTime(records - 1) - baseMillis;
    }

    /** How many keys group {@code g} has: the keys {@code k < keys} with {@code k mod GROUPS == g}. */
    int groupSize(int g) {
        return (keys - g + GROUPS - 1) / GROUPS;
    }

    /** The key index of record {@code index}. */
    int keyOf(long index) {
        long block = index / blockRecords();
        int group = (int) (block % GROUPS);
        long j = index % blockRecords();
        return group + GROUPS * (int) (j % groupSize(group));
    }

    /** The event time (record timestamp) of record {@code index}. */
    long eventTime(long index) {
        long blockRecords = blockRecords();
        long block = index / blockRecords;
        long j = index % blockRecords;
        return baseMillis + block * BLOCK_MILLIS + j * BLOCK_MILLIS / blockRecords;
    }

    /** The value of record {@code index}: 1 to 10. */
    static long value(long index) {
        return 1 + index % 10;
    }

    /** The partition of key {@code key}: what Kafka's default partitioner chooses for its bytes. */
    int partitionOf(int key) {
        return Utils.toPositive(Utils.murmur2(Workload.keyBytes(key))) % partitions;
    }

    /** Every key's partition, indexed by key. */
    int[] partitionsByKey() {
        int[] byKey = new int[keys];
        for (int k = 0; k < keys; k++) {
            byKey[k] = partitionOf(k);
        }
        return byKey;
    }

    /**
     * Replays the input with the engines' rule (see the class comment) and returns every session.
     *
     * @throws IllegalStateException if the sessions would not fit the harness's heap (more than
     *     {@code Integer.MAX_VALUE / 2} in all)
     */
    Expected expected() {
        // Each key has at most one session per block it appears in.
        long blocks = (records + blockRecords() - 1) / blockRecords();
        long perKey = (blocks + GROUPS - 1) / GROUPS + 1;
        if (perKey * keys > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("W10's " + perKey * keys + " possible sessions are too many to check");
        }
        int capacity = (int) perKey;
        long[] totals = new long[keys * capacity];
        long[] deadlines = new long[keys * capacity];
        int[] sessions = new int[keys];
        long[] last = new long[keys];
        Arrays.fill(last, Long.MIN_VALUE);
        int[] partitionOfKey = partitionsByKey();
        long[] maxByPartition = new long[partitions];
        Arrays.fill(maxByPartition, Long.MIN_VALUE);
        for (long i = 0; i < records; i++) {
            int k = keyOf(i);
            long t = eventTime(i);
            if (last[k] == Long.MIN_VALUE || t >= last[k] + SILENCE_MILLIS) {
                if (sessions[k] == capacity) {
                    throw new IllegalStateException("key " + k + " has more than " + capacity + " sessions");
                }
                sessions[k]++;
            }
            int cell = k * capacity + sessions[k] - 1;
            totals[cell] += value(i);
            deadlines[cell] = t + SILENCE_MILLIS;
            last[k] = t;
            int p = partitionOfKey[k];
            maxByPartition[p] = Math.max(maxByPartition[p], t);
        }
        return new Expected(keys, capacity, sessions, totals, deadlines, partitionOfKey, maxByPartition);
    }

    /**
     * Every session of the input: key {@code k}'s sessions are cells {@code k * capacity} to
     * {@code k * capacity + sessions[k] - 1}, in order.
     *
     * @param keys distinct keys
     * @param capacity cells per key
     * @param sessions each key's number of sessions
     * @param totals each session's total
     * @param deadlines each session's deadline: its last record's event time plus the silence
     * @param partitionOfKey each key's input partition
     * @param maxByPartition each partition's largest event time ({@link Long#MIN_VALUE} if empty)
     */
    record Expected(int keys, int capacity, int[] sessions, long[] totals, long[] deadlines, int[] partitionOfKey,
                    long[] maxByPartition) {

        /** Whether session {@code index} of key {@code key} must have fired when an engine firing up to {@code lagMillis} late is done. */
        boolean mustFire(int key, int index, long lagMillis) {
            long max = maxByPartition[partitionOfKey[key]];
            return index < sessions[key] && max != Long.MIN_VALUE
                    && deadlines[key * capacity + index] <= max - lagMillis;
        }

        /** Sessions in all. */
        long all() {
            long n = 0;
            for (int s : sessions) {
                n += s;
            }
            return n;
        }

        /** How many sessions must have fired, and the sum of their totals, for an engine firing up to {@code lagMillis} late. */
        long[] required(long lagMillis) {
            long n = 0;
            long sum = 0;
            for (int k = 0; k < keys; k++) {
                for (int s = 0; s < sessions[k]; s++) {
                    if (mustFire(k, s, lagMillis)) {
                        n++;
                        sum += totals[k * capacity + s];
                    }
                }
            }
            return new long[] {n, sum};
        }
    }
}
