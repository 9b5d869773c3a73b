package io.eddy.source;

import java.io.IOException;

/**
 * Reads one {@link StreamSource} for one owner, batch after batch. Used by a single thread (the
 * source runner); never called concurrently.
 *
 * <p>Each {@link #read} adds a bounded slice to the batch and records, as position entries, what
 * a reader opened later needs to continue after it. The runner commits the records and the entries
 * together, or neither: when the commit fails (or the process dies) the reader is closed and a
 * new one is opened at the last committed position, so a reader never has to undo anything.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
public interface SourceReader<K, V> extends AutoCloseable {

    /**
     * Adds the next slice of records to {@code batch}, at most the source's own bound, and the
     * position entries that describe where it ends. Adds nothing when nothing new is available;
     * should not block for long (a second at most) since the runner keeps the group membership
     * alive between reads.
     *
     * @throws IOException if the source cannot be read; the application stops with an error whose
     *         message is this exception's (name the file, host or whatever failed)
     */
    void read(SourceBatch<K, V> batch) throws IOException;

    /**
     * Called after the batch {@code batchId} committed (records and position): a place for side
     * effects that must only follow a commit, such as deleting a finished file. Never called for a
     * batch that aborted. An exception is logged and otherwise ignored. Does nothing by default.
     */
    default void committed(long batchId) {
    }

    /** Releases what the reader holds. Called once, when ownership ends or the application stops. */
    @Override
    void close() throws IOException;
}
