package io.eddy;

import java.util.Objects;

/**
 * What one state store (summed over the tasks of one worker) looked like after a committed batch:
 * part of {@link BatchProgress#stores()}.
 *
 * <p>An immutable value; later versions may add fields. Created with {@link #of}.
 */
public final class StoreProgress {
    private final String store;
    private final long rowsTotal;
    private final long rowsUpdated;
    private final long rowsRemoved;
    private final long memoryBytes;
    private final long diskBytes;

    private StoreProgress(String store, long rowsTotal, long rowsUpdated, long rowsRemoved, long memoryBytes,
                          long diskBytes) {
        this.store = Objects.requireNonNull(store, "store");
        this.rowsTotal = rowsTotal;
        this.rowsUpdated = rowsUpdated;
        this.rowsRemoved = rowsRemoved;
        this.memoryBytes = memoryBytes;
        this.diskBytes = diskBytes;
    }

    /**
     * A store's figures.
     *
     * @param store the store's name; not null
     * @param rowsTotal the estimated number of entries after the batch (see {@link #rowsTotal()})
     * @param rowsUpdated the keys the batch wrote or deleted
     * @param rowsRemoved of those, the keys the batch deleted
     */
    public static StoreProgress of(String store, long rowsTotal, long rowsUpdated, long rowsRemoved) {
        return new StoreProgress(store, rowsTotal, rowsUpdated, rowsRemoved, 0, 0);
    }

    /**
     * A copy with the store's sizes.
     *
     * @param memoryBytes see {@link #memoryBytes()}
     * @param diskBytes see {@link #diskBytes()}
     */
    public StoreProgress withSizes(long memoryBytes, long diskBytes) {
        return new StoreProgress(store, rowsTotal, rowsUpdated, rowsRemoved, memoryBytes, diskBytes);
    }

    /** The store's name, as in {@link EddyApp#describe()}. */
    public String store() {
        return store;
    }

    /**
     * The committed entries of the store in the worker's tasks after the batch: exact for in-memory
     * stores, RocksDB's estimate ({@code rocksdb.estimate-num-keys}, which may count overwritten or
     * deleted entries not compacted yet) for persistent ones.
     */
    public long rowsTotal() {
        return rowsTotal;
    }

    /** The distinct keys the batch wrote or deleted in the store (what went to its changelog). */
    public long rowsUpdated() {
        return rowsUpdated;
    }

    /**
     * Of {@link #rowsUpdated()}, the keys the batch deleted (a table's tombstone, a session merged
     * away, a window emitted and dropped).
     */
    public long rowsRemoved() {
        return rowsRemoved;
    }

    /**
     * Memory the store holds in the worker's tasks, in bytes: its read cache and committed changes
     * not yet written behind, and for RocksDB its memtables and table readers (the block cache is
     * shared by every store: see {@link EddyApp#stateMetrics()}). For an in-memory store the data
     * itself is not counted.
     */
    public long memoryBytes() {
        return memoryBytes;
    }

    /** The store's SST files on disk in the worker's tasks, in bytes; 0 for in-memory stores. */
    public long diskBytes() {
        return diskBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreProgress s && store.equals(s.store) && rowsTotal == s.rowsTotal
                && rowsUpdated == s.rowsUpdated && rowsRemoved == s.rowsRemoved && memoryBytes == s.memoryBytes
                && diskBytes == s.diskBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(store, rowsTotal, rowsUpdated, rowsRemoved, memoryBytes, diskBytes);
    }

    @Override
    public String toString() {
        return store + "[total=" + rowsTotal + ", updated=" + rowsUpdated + ", removed=" + rowsRemoved
                + ", memory=" + memoryBytes + " B, disk=" + diskBytes + " B]";
    }
}
