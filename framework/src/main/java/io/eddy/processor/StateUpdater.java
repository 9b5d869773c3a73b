package io.eddy.processor;

/**
 * The function of {@link io.eddy.dsl.GroupedStream#updateStateByKey updateStateByKey}: folds a
 * record into its key's state, and may remove the key.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 */
@FunctionalInterface
public interface StateUpdater<K, V, S> {

    /**
     * Returns the key's new state, or null to remove the key from the table.
     *
     * @param state the key's current state, or null if it has none
     */
    S update(K key, V value, S state);
}
