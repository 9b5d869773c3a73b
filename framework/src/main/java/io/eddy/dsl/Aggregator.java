package io.eddy.dsl;

/**
 * Folds one record into the aggregate of its key. Called on the task's worker thread; must not
 * mutate {@code aggregate} in place if the aggregate type is shared (return a new value or the
 * same mutable instance, but never one held elsewhere).
 *
 * @param <K> key type
 * @param <V> value type
 * @param <A> aggregate type
 */
@FunctionalInterface
public interface Aggregator<K, V, A> {

    /** The new aggregate of {@code key} after {@code value}; never null. */
    A apply(K key, V value, A aggregate);
}
