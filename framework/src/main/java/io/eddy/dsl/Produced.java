package io.eddy.dsl;

import io.eddy.serde.Serde;
import java.util.Objects;

/**
 * How a Kafka sink writes its records: the key and value serdes. Immutable.
 *
 * <pre>{@code
 * stream.toKafka("out", Produced.with(Serdes.string(), Serdes.longs()));
 * }</pre>
 */
public final class Produced<K, V> {

    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;

    private Produced(Serde<K> keySerde, Serde<V> valueSerde) {
        this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
        this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
    }

    /** Writes keys and values with the given serdes. */
    public static <K, V> Produced<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Produced<>(keySerde, valueSerde);
    }

    /** The key serde. */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** The value serde. */
    public Serde<V> valueSerde() {
        return valueSerde;
    }
}
