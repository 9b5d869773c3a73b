package io.eddy.dsl;

import java.time.Duration;

/**
 * How a windowed aggregation assigns records to event-time windows (see
 * {@link GroupedStream#window}). Every kind has a <em>grace period</em>: a window accepts records
 * until the watermark reaches its end plus the grace period; then it is <em>closed</em>, a
 * {@link OutputMode#FINAL FINAL} aggregation emits it, and records that would only fall into
 * closed windows are late (see {@link WindowedStream#onLateRecords}). Immutable.
 *
 * <ul>
 *   <li>{@link TumblingWindows}: fixed-size, non-overlapping windows aligned to the epoch.</li>
 *   <li>{@link HoppingWindows}: fixed-size windows that start every {@code advance} (what Spark
 *       calls sliding windows); a record belongs to {@code size / advance} windows.</li>
 *   <li>{@link SlidingWindows}: one window per distinct record time {@code t} of a key,
 *       {@code [t - maxDifference, t]}, holding the key's records at most {@code maxDifference}
 *       before it.</li>
 *   <li>{@link SessionWindows}: per key, records at most an inactivity gap apart form a
 *       session; sessions grow and merge as records arrive.</li>
 * </ul>
 */
public sealed interface Windows permits TumblingWindows, HoppingWindows, SlidingWindows, SessionWindows {

    /** How long after its end a window still accepts records, in watermark time. */
    Duration grace();
}
