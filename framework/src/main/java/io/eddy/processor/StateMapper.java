package io.eddy.processor;

/**
 * The function of {@link io.eddy.dsl.GroupedStream#mapWithState mapWithState}: called for each
 * record of a key, and once more when the key's state times out (then {@code value} is null and
 * {@link GroupState#hasTimedOut()} is true).
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 * @param <R> result type
 */
@FunctionalInterface
public interface StateMapper<K, V, S, R> {

    /** Returns the output for this call, or null for none. */
    R apply(K key, V value, GroupState<S> state);
}
