package io.eddy.state.internal;

import io.eddy.state.StoreIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The {@link Engine} of window and session stores: time-segmented storage with retention.
 *
 * <p>Each composite key carries a time ({@link WindowKeys#windowStart window start} or
 * {@link WindowKeys#sessionEnd session end}); the key lives in segment
 * {@code floorDiv(time, segmentInterval)}. <em>Stream time</em> is the largest time ever admitted;
 * a time {@code t} has <em>expired</em> when {@code t < streamTime - retention}. Expired keys are
 * invisible, writes of expired keys are ignored and counted, and a segment whose last instant has
 * expired is dropped as a whole after each commit or restore, which bounds the store's size.
 *
 * <p>Stream time advances as writes are admitted, so a batch sees its own progress; the committed
 * stream time is stored with the offset, and an aborted batch falls back to it. Stores opened
 * with {@link StoreOptions#withExplicitStreamTime()} instead advance stream time only when told
 * ({@link #advanceStreamTime}): event-time operators pass their watermark, so that what expires
 * is exactly what is closed, however far ahead of the watermark the writes run. Told before a
 * restore, it also bounds the restore: records already expired are not written.
 */
final class SegmentedEngine extends Engine {

    static final String STREAM_TIME_KEY = "stream-time";

    private final ToLongFunction<byte[]> timeOf;
    private final long retentionMs;
    private final long segmentIntervalMs;
    private final boolean timeFromWrites;
    private long committedStreamTime;
    private long observedStreamTime;
    private long dropped;

    SegmentedEngine(Backend backend, ToLongFunction<byte[]> timeOf, long retentionMs, long segmentIntervalMs,
                    boolean timeFromWrites) {
        super(backend);
        this.timeFromWrites = timeFromWrites;
        this.timeOf = timeOf;
        this.retentionMs = retentionMs;
        this.segmentIntervalMs = segmentIntervalMs;
        byte[] st = backend.meta(STREAM_TIME_KEY);
        this.committedStreamTime = st == null ? Long.MIN_VALUE : ByteArrays.bytesLong(st);
        this.observedStreamTime = committedStreamTime;
        dropExpiredSegments(committedStreamTime);
    }

    private long cutoff(long streamTime) {
        return streamTime < Long.MIN_VALUE + retentionMs ? Long.MIN_VALUE : streamTime - retentionMs;
    }

    private long segmentOf(long time) {
        return Math.floorDiv(time, segmentIntervalMs);
    }

    /** The last instant of a segment, saturating at Long.MAX_VALUE. */
    private long segmentEnd(long segment) {
        long first;
        try {
            first = Math.multiplyExact(segment, segmentIntervalMs);
            return Math.addExact(first, segmentIntervalMs - 1);
        } catch (ArithmeticException e) {
            return segment < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    @Override
    byte[] get(byte[] key) {
        return backend.get(segmentOf(timeOf.applyAsLong(key)), key);
    }

    @Override
    List<StoreIterator<Map.Entry<byte[], byte[]>>> rangeSources(byte[] from, byte[] to, long minTime, long maxTime) {
        long cutoff = cutoff(observedStreamTime);
        long first = segmentOf(minTime);
        long last = segmentOf(maxTime);
        List<StoreIterator<Map.Entry<byte[], byte[]>>> sources = new ArrayList<>();
        for (long segment : backend.segments().subSet(first, true, last, true)) {
            if (segmentEnd(segment) >= cutoff) {
                sources.add(backend.range(segment, from, to));
            }
        }
        return sources;
    }

    @Override
    long approximateCount() {
        long n = 0;
        for (long segment : backend.segments()) {
            n += backend.approximateCount(segment);
        }
        return n;
    }

    /** The number of live segments (for tests and metrics). */
    int segmentCount() {
        return backend.segments().size();
    }

    @Override
    boolean admit(byte[] key) {
        long t = timeOf.applyAsLong(key);
        if (t < cutoff(observedStreamTime)) {
            dropped++;
            return false;
        }
        if (timeFromWrites) {
            observedStreamTime = Math.max(observedStreamTime, t);
        }
        return true;
    }

    @Override
    boolean visible(byte[] key) {
        return timeOf.applyAsLong(key) >= cutoff(observedStreamTime);
    }

    @Override
    Predicate<byte[]> visibility() {
        long cutoff = cutoff(observedStreamTime);
        return key -> timeOf.applyAsLong(key) >= cutoff;
    }

    @Override
    void advanceStreamTime(long streamTime) {
        observedStreamTime = Math.max(observedStreamTime, streamTime);
    }

    @Override
    void rollback() {
        observedStreamTime = committedStreamTime;
    }

    @Override
    long droppedExpiredWrites() {
        return dropped;
    }

    @Override
    void commit(Map<byte[], byte[]> changes, long offset) {
        long streamTime = observedStreamTime;
        Map<Long, TreeMap<byte[], byte[]>> perSegment = new HashMap<>();
        var existing = backend.segments();
        long cutoff = cutoff(streamTime);
        for (Map.Entry<byte[], byte[]> e : changes.entrySet()) {
            long t = timeOf.applyAsLong(e.getKey());
            long segment = segmentOf(t);
            // Expired keys would land in segments about to be dropped; deletes in segments that do
            // not exist have nothing to delete.
            if (t < cutoff || (e.getValue() == null && !existing.contains(segment))) {
                continue;
            }
            perSegment.computeIfAbsent(segment, s -> new TreeMap<>(ByteArrays.ORDER)).put(e.getKey(), e.getValue());
        }
        backend.write(perSegment, meta(offset, streamTime), false);
        committedStreamTime = streamTime;
        committed(offset);
        dropExpiredSegments(streamTime);
    }

    @Override
    void restore(List<Map.Entry<byte[], byte[]>> records, long lastOffset) {
        // A store with explicit stream time may have been told its owner's committed watermark
        // before restore: records that expired by then are skipped, so a changelog holding every
        // past window does not rebuild (and then drop) one segment per interval of its history.
        long streamTime = Math.max(committedStreamTime, observedStreamTime);
        Map<Long, TreeMap<byte[], byte[]>> perSegment = new HashMap<>();
        for (Map.Entry<byte[], byte[]> r : records) {
            long t = timeOf.applyAsLong(r.getKey());
            if (t < cutoff(streamTime)) {
                dropped++;
                continue;
            }
            if (timeFromWrites) {
                streamTime = Math.max(streamTime, t);
            }
            perSegment.computeIfAbsent(segmentOf(t), s -> new TreeMap<>(ByteArrays.ORDER)).put(r.getKey(), r.getValue());
        }
        long cutoff = cutoff(streamTime);
        var existing = backend.segments();
        perSegment.entrySet().removeIf(seg -> segmentEnd(seg.getKey()) < cutoff
                || (!existing.contains(seg.getKey()) && seg.getValue().values().stream().allMatch(v -> v == null)));
        backend.write(perSegment, meta(lastOffset, streamTime), true);
        committedStreamTime = streamTime;
        observedStreamTime = streamTime;
        committed(lastOffset);
        dropExpiredSegments(streamTime);
    }

    private static Map<String, byte[]> meta(long offset, long streamTime) {
        return Map.of(OFFSET_KEY, ByteArrays.longBytes(offset), STREAM_TIME_KEY, ByteArrays.longBytes(streamTime));
    }

    private void dropExpiredSegments(long streamTime) {
        long cutoff = cutoff(streamTime);
        for (long segment : backend.segments()) {
            if (segmentEnd(segment) >= cutoff) {
                break;
            }
            backend.dropSegment(segment);
        }
    }
}
