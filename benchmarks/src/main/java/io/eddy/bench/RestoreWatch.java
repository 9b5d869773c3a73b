package io.eddy.bench;

import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Collects an engine's restore events for {@link Workload#W4} and tells when the restore is
 * complete: when every changelog partition that holds entries has reported the end of its restore.
 * Engines feed it from their restore listeners (Eddy's {@code RestoreListener}, Kafka Streams'
 * {@code StateRestoreListener}); {@link EngineMain} prints the result for the harness.
 *
 * <p>A restore interrupted by a rebalance may resume on another thread from where it stopped, so
 * {@link #restoredRecords()} can be below the changelog's size without anything being lost; it is
 * reported, not checked. Thread-safe.
 */
final class RestoreWatch {
    private final int partitions;
    private final Set<String> done = new HashSet<>();
    private long firstStartMillis = -1;
    private long completedMillis = -1;
    private long restored;

    /** A watch that completes once {@code partitions} distinct partitions reported done; 0 never completes. */
    RestoreWatch(int partitions) {
        this.partitions = partitions;
    }

    /** The restore of {@code partition} (any id unique per store and partition) started at {@code nowMillis}. */
    synchronized void started(String partition, long nowMillis) {
        if (firstStartMillis < 0) {
            firstStartMillis = nowMillis;
        }
    }

    /** The restore of {@code partition} was suspended after applying {@code records}. */
    synchronized void suspended(String partition, long records) {
        restored += records;
    }

    /** The restore of {@code partition} ended at {@code nowMillis} after applying {@code records}. */
    synchronized void done(String partition, long records, long nowMillis) {
        restored += records;
        if (firstStartMillis < 0) {
            firstStartMillis = nowMillis;
        }
        done.add(partition);
        if (partitions > 0 && done.size() >= partitions && completedMillis < 0) {
            completedMillis = nowMillis;
        }
    }

    /** When the last partition was restored (epoch ms), once every partition was. */
    synchronized OptionalLong completedMillis() {
        return completedMillis < 0 ? OptionalLong.empty() : OptionalLong.of(completedMillis);
    }

    /** When the first restore started (epoch ms), or -1. */
    synchronized long firstStartMillis() {
        return firstStartMillis;
    }

    /** Changelog records applied so far, summed over partitions. */
    synchronized long restoredRecords() {
        return restored;
    }
}
