package io.eddy.dsl;

import io.eddy.serde.Serde;
import java.util.Objects;

/**
 * How a Kafka source reads its records: the key and value serdes and where a new consumer group
 * starts. Immutable; {@code with…} methods return copies.
 *
 * <pre>{@code
 * Consumed.with(Serdes.string(), Serdes.longs()).withStartingOffsets(StartingOffsets.latest())
 * }</pre>
 */
public final class Consumed<K, V> {

    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final StartingOffsets startingOffsets;

    private Consumed(Serde<K> keySerde, Serde<V> valueSerde, StartingOffsets startingOffsets) {
        this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
        this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
        this.startingOffsets = Objects.requireNonNull(startingOffsets, "startingOffsets");
    }

    /** Reads keys and values with the given serdes, starting from the earliest offsets. */
    public static <K, V> Consumed<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Consumed<>(keySerde, valueSerde, StartingOffsets.earliest());
    }

    /** A copy starting at {@code startingOffsets} when the group has no committed offset. */
    public Consumed<K, V> withStartingOffsets(StartingOffsets startingOffsets) {
        return new Consumed<>(keySerde, valueSerde, startingOffsets);
    }

    /** The key serde. */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** The value serde. */
    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /** Where a new consumer group starts. */
    public StartingOffsets startingOffsets() {
        return startingOffsets;
    }
}
