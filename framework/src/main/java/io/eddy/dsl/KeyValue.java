package io.eddy.dsl;

/**
 * A key and a value, as returned by {@link RecordStream#map} and {@link RecordStream#flatMap}
 * mappers. Either may be null.
 */
public record KeyValue<K, V>(K key, V value) {

    /** Shorthand for {@code new KeyValue<>(key, value)}. */
    public static <K, V> KeyValue<K, V> of(K key, V value) {
        return new KeyValue<>(key, value);
    }
}
