package io.eddy;

/** The processing guarantee of an application, set once with {@link EddyApp.Builder#guarantee}. */
public enum Guarantee {
    /**
     * Each batch's output records and consumed offsets are committed in one Kafka transaction;
     * consumers read {@code read_committed}. A crash at any point neither loses nor duplicates
     * output visible to {@code read_committed} readers. The default.
     */
    EXACTLY_ONCE,
    /**
     * Offsets are committed after the batch's output is acknowledged by the broker. A crash
     * re-processes at most the uncommitted batch, so output may contain duplicates but never
     * misses a record. Faster and needs no transaction support.
     */
    AT_LEAST_ONCE
}
