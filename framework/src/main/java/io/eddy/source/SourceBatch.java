package io.eddy.source;

/**
 * The batch a {@link SourceReader} fills in one {@link SourceReader#read} call: records and
 * position entries, committed together in one Kafka transaction, or not at all. Used by the
 * reader's thread only; not valid after {@code read} returns.
 *
 * <p>Position entries are string key-value pairs kept in the source's compacted coordination
 * topic: a reader writes only the entries that changed (for example one per file) and gets the
 * whole committed map back in {@link SourceContext#committedPosition()}. Keys starting with
 * {@code "eddy."} are reserved for the runner.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
public interface SourceBatch<K, V> {

    /** The id of this batch: 1 for a source's first, then one more after each commit. */
    long batchId();

    /**
     * Adds a record. The record goes to the records topic's partition chosen by the hash of its
     * serialized key, or round-robin for a null key.
     *
     * @param key       may be null
     * @param value     may be null
     * @param timestamp the record's timestamp in epoch milliseconds, or a negative value for the
     *                  time of the commit
     */
    void emit(K key, V value, long timestamp);

    /** How many records were emitted into this batch so far. */
    int emitted();

    /**
     * Sets a position entry.
     *
     * @throws IllegalArgumentException if the key is null, blank or starts with {@code "eddy."},
     *         or the value is null
     */
    void putPosition(String key, String value);

    /** Removes a position entry (a tombstone in the coordination topic). */
    void removePosition(String key);

    /**
     * Reports input that could not be turned into a record (a malformed line): the application's
     * {@link io.eddy.ErrorHandler} decides. On {@code SKIP} it is counted and logged; on a dead
     * letter, {@code raw} is written to the dead-letter topic in this batch's transaction with the
     * error headers and {@code eddy.source.location}; on {@code FAIL} this method throws and the
     * application stops, the batch uncommitted.
     *
     * @param location where the input was, for the error context and messages, e.g. {@code "/in/a.csv:17"}
     * @param raw      the input's bytes, may be null
     * @param error    what went wrong
     * @throws io.eddy.ProcessingFailedException when the handler decides to fail
     */
    void malformed(String location, byte[] raw, Throwable error);
}
