package io.eddy.source;

import io.eddy.serde.Serde;
import java.io.IOException;

/**
 * A source of records outside Kafka, read by the runtime in bounded batches whose position is
 * committed in the same Kafka transaction as the records (see the {@linkplain io.eddy.source
 * package} for how the runtime drives it).
 *
 * <p>A source is a description: {@link #open} is called each time this instance becomes the
 * source's owner (at start, and again after it lost and regained ownership) and must return a
 * fresh reader positioned at the committed position it is given. Implementations must be
 * thread-safe for {@code open} (a value object is); the readers they return are used by one thread.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
public interface StreamSource<K, V> {

    /** The serde of the keys this source emits, used to write and read its records topic. Never null. */
    Serde<K> keySerde();

    /** The serde of the values this source emits. Never null. */
    Serde<V> valueSerde();

    /**
     * Whether a reader opened at a committed position emits again exactly what the reader that
     * wrote that position emitted after it (files, a deterministic generator): then the records
     * are delivered exactly once. A source that is not replayable (a socket) loses what it read
     * but did not commit when the process dies: at most once. True by default.
     */
    default boolean replayable() {
        return true;
    }

    /**
     * Whether the user accepted at-most-once delivery for a source that is not
     * {@linkplain #replayable() replayable}. Under {@link io.eddy.Guarantee#EXACTLY_ONCE}
     * {@code EddyApp.build()} refuses a non-replayable source unless this is true. False by default.
     */
    default boolean atMostOnceAccepted() {
        return false;
    }

    /**
     * How many partitions the records topic gets when it is created; 0 (the default) for as many
     * as the pipeline's other inputs have, or 1 when it has none. An existing records topic keeps
     * its count (it must then be co-partitioned with the other inputs).
     */
    default int partitions() {
        return 0;
    }

    /**
     * Opens a reader that continues after {@code context.committedPosition()}.
     *
     * @throws IOException if the source cannot be opened; the application then stops with
     *         an error naming the source
     */
    SourceReader<K, V> open(SourceContext context) throws IOException;
}
