package io.eddy.internal.runtime;

import java.util.function.LongSupplier;

/**
 * Where a task's changelog records go at commit: a given partition of a changelog topic. The
 * returned supplier gives the record's offset; it is only called after the batch committed.
 */
@FunctionalInterface
public interface ChangelogSink {

    /** Sends one changelog record ({@code value} null for a deleted key). */
    LongSupplier send(String topic, int partition, byte[] key, byte[] value);
}
