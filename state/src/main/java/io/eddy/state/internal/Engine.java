package io.eddy.state.internal;

import io.eddy.state.StoreIterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The committed side of a store: maps the flat key space of a {@link BytesStore} onto the
 * segments of a {@link Backend} and keeps the changelog offset next to the data. Knows nothing of
 * the dirty buffer or the cache ({@link BufferedStore} does). Single-threaded.
 */
abstract class Engine implements AutoCloseable {

    static final String OFFSET_KEY = "offset";

    final Backend backend;
    private long committedOffset;

    Engine(Backend backend) {
        this.backend = backend;
        byte[] offset = backend.meta(OFFSET_KEY);
        this.committedOffset = offset == null ? -1 : ByteArrays.bytesLong(offset);
    }

    /** Returns the committed value of {@code key}, or null. Ignores expiry (see {@link #visible}). */
    abstract byte[] get(byte[] key);

    /**
     * Returns iterators over the committed data between the bounds, each in key order; together
     * they hold each key at most once. For segmented engines the time bounds are a hint that
     * skips segments entirely outside {@code [minTime, maxTime]}; they filter nothing else.
     */
    abstract List<StoreIterator<Map.Entry<byte[], byte[]>>> rangeSources(
            byte[] fromInclusive, byte[] toInclusive, long minTime, long maxTime);

    /** Returns an estimate of the number of committed entries. */
    abstract long approximateCount();

    /** Applies {@code changes} (null value = delete) and {@code offset} atomically, with the WAL. */
    abstract void commit(Map<byte[], byte[]> changes, long offset);

    /** Applies changelog records in order (null value = delete) and {@code lastOffset}, without the WAL. */
    abstract void restore(List<Map.Entry<byte[], byte[]>> records, long lastOffset);

    /**
     * Called before a write is buffered; returns false (and counts it) if the write has expired
     * and must be ignored. May advance the observed stream time.
     */
    boolean admit(byte[] key) {
        return true;
    }

    /** Whether {@code key} is visible now (not expired). */
    boolean visible(byte[] key) {
        return true;
    }

    /** A visibility test fixed at the current stream time, or null when everything is visible. */
    Predicate<byte[]> visibility() {
        return null;
    }

    /** Forgets what {@link #admit} observed since the last commit (the batch was aborted). */
    /** Moves stream time forward (window and session engines); others ignore it. */
    void advanceStreamTime(long streamTime) {
    }

    void rollback() {
    }

    /** Returns the number of ignored expired writes and restored records. */
    long droppedExpiredWrites() {
        return 0;
    }

    final long committedOffset() {
        return committedOffset;
    }

    final void committed(long offset) {
        this.committedOffset = offset;
    }

    @Override
    public void close() {
        backend.close();
    }
}
