package io.eddy.internal.runtime;

import io.eddy.state.StoreIterator;
import io.eddy.state.internal.BytesStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Durable timers of one operator of one task, kept in a key-value store of their own (so they
 * are changelogged and restored like any state, and registering or deleting one is part of the
 * batch). Timers fire inside the batch loop, never on another thread: event-time timers when the
 * task's watermark reaches them, processing-time timers when the wall clock does, in both cases
 * while the batch that commits them as fired is being completed.
 *
 * <p>Store key: {@code [domain byte][time, 8 bytes big-endian with the sign bit flipped][payload]},
 * so a range scan from the smallest key visits due timers in time order, then payload order. A
 * timer is identified by (domain, time, payload): registering it twice is one timer.
 *
 * <p>Not thread-safe: the task's worker thread owns it.
 */
final class Timers {
    /** The two clocks a timer can follow. */
    enum Domain {
        EVENT_TIME((byte) 0), PROCESSING_TIME((byte) 1);

        final byte tag;

        Domain(byte tag) {
            this.tag = tag;
        }
    }

    private static final byte[] PRESENT = {1};
    private final BytesStore store;
    private final long[] next = {Long.MIN_VALUE, Long.MIN_VALUE};   // per domain; MIN = unknown
    private final boolean[] known = new boolean[2];
    /**
     * Per domain, a key below which no timer is registered (null: unknown). Scans start there, so
     * firing many timers one by one does not re-read the deletions of the ones fired before
     * (which the store keeps until they are written): without it, firing n timers was O(n²) and a
     * commit firing 12,000 TTL cleanups outlived its transaction.
     */
    private final byte[][] floor = new byte[2][];

    Timers(BytesStore store) {
        this.store = store;
    }

    /** Registers a timer; the payload is the operator's (what to do when it fires). */
    void register(Domain domain, long time, byte[] payload) {
        byte[] k = key(domain, time, payload);
        store.put(k, PRESENT);
        int d = domain.ordinal();
        if (known[d] && time < next[d]) {
            next[d] = time;
        }
        if (floor[d] != null && Arrays.compareUnsigned(k, floor[d]) < 0) {
            floor[d] = k;
        }
    }

    /** Deletes a timer if registered. */
    void delete(Domain domain, long time, byte[] payload) {
        store.put(key(domain, time, payload), null);
        if (known[domain.ordinal()] && time <= next[domain.ordinal()]) {
            known[domain.ordinal()] = false;   // it may have been the earliest
        }
    }

    /** The earliest registered time in {@code domain}, or {@link Long#MAX_VALUE} if none. */
    long next(Domain domain) {
        int d = domain.ordinal();
        if (!known[d]) {
            next[d] = Long.MAX_VALUE;
            try (StoreIterator<Map.Entry<byte[], byte[]>> it = store.range(from(domain), endOf(domain))) {
                if (it.hasNext()) {
                    next[d] = timeOf(it.next().getKey());
                }
            }
            known[d] = true;
        }
        return next[d];
    }

    /** One due timer. */
    record Due(long time, byte[] payload) {
    }

    /**
     * Removes and returns every timer of {@code domain} at or before {@code time}, in time order
     * (then payload order).
     */
    List<Due> takeDue(Domain domain, long time) {
        if (next(domain) > time) {
            return List.of();
        }
        List<Due> due = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        byte[] to = time == Long.MAX_VALUE ? endOf(domain) : key(domain, time + 1, new byte[0]);
        try (StoreIterator<Map.Entry<byte[], byte[]>> it = store.range(key(domain, Long.MIN_VALUE, new byte[0]), to)) {
            while (it.hasNext()) {
                byte[] k = it.next().getKey();
                long t = timeOf(k);
                if (t > time) {
                    break;
                }
                keys.add(k);
                due.add(new Due(t, Arrays.copyOfRange(k, 9, k.length)));
            }
        }
        keys.forEach(k -> store.put(k, null));
        known[domain.ordinal()] = false;
        return due;
    }

    /**
     * Removes and returns the earliest timer of {@code domain} at or before {@code time}, or null
     * if there is none: for callers that may register new due timers between two calls and must
     * still fire in time order.
     */
    Due pollDue(Domain domain, long time) {
        if (next(domain) > time) {
            return null;
        }
        byte[] to = time == Long.MAX_VALUE ? endOf(domain) : key(domain, time + 1, new byte[0]);
        byte[] k = null;
        try (StoreIterator<Map.Entry<byte[], byte[]>> it = store.range(from(domain), to)) {
            if (it.hasNext()) {
                k = it.next().getKey();
            }
        }
        if (k == null || timeOf(k) > time) {
            return null;
        }
        store.put(k, null);
        int d = domain.ordinal();
        known[d] = false;
        floor[d] = Arrays.copyOf(k, k.length + 1);   // the smallest key above k: nothing live below it
        return new Due(timeOf(k), Arrays.copyOfRange(k, 9, k.length));
    }

    /** The batch aborted: cached knowledge of the earliest timer may be wrong. */
    void reset() {
        known[0] = false;
        known[1] = false;
        floor[0] = null;
        floor[1] = null;
    }

    /**
     * Ends a run of {@link #pollDue} calls: forgets the floors, which only that run maintains (a
     * store restored or replaced later could hold keys below them).
     */
    void endPolling() {
        floor[0] = null;
        floor[1] = null;
    }

    /** Where scans of {@code domain} start: its floor, or its first possible key. */
    private byte[] from(Domain domain) {
        byte[] f = floor[domain.ordinal()];
        return f != null ? f : key(domain, Long.MIN_VALUE, new byte[0]);
    }

    /** A bound above every key of {@code domain} (no key is exactly one byte long). */
    private static byte[] endOf(Domain domain) {
        return new byte[] {(byte) (domain.tag + 1)};
    }

    private static byte[] key(Domain domain, long time, byte[] payload) {
        byte[] k = new byte[9 + payload.length];
        k[0] = domain.tag;
        long flipped = time ^ Long.MIN_VALUE;
        for (int i = 0; i < 8; i++) {
            k[1 + i] = (byte) (flipped >>> (56 - 8 * i));
        }
        System.arraycopy(payload, 0, k, 9, payload.length);
        return k;
    }

    private static long timeOf(byte[] key) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (key[1 + i] & 0xFF);
        }
        return v ^ Long.MIN_VALUE;
    }
}
