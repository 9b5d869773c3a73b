package io.eddy.dsl;

/**
 * Combines the aggregates of two sessions of one key that a record joined into one session.
 *
 * @param <K> key type
 * @param <A> aggregate type
 */
@FunctionalInterface
public interface Merger<K, A> {

    /** The aggregate of the merged session; never null. Called with the older session first. */
    A merge(K key, A older, A newer);
}
