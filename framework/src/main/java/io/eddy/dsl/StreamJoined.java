package io.eddy.dsl;

import io.eddy.serde.Serde;
import java.util.Objects;

/**
 * The serdes a stream-stream join stores both sides' records with, and an optional name for its
 * state stores ({@code <name>-left}, {@code <name>-right}, {@code <name>-timers}). Immutable.
 *
 * @param <K> key type
 * @param <V> this stream's value type
 * @param <VO> the other stream's value type
 */
public final class StreamJoined<K, V, VO> {
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final Serde<VO> otherValueSerde;
    private final String name;

    private StreamJoined(Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde, String name) {
        this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
        this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
        this.otherValueSerde = Objects.requireNonNull(otherValueSerde, "otherValueSerde");
        this.name = name;
    }

    /** Serdes for the key and the two sides' values; the stores get a derived name ({@code join-<n>}). */
    public static <K, V, VO> StreamJoined<K, V, VO> with(Serde<K> keySerde, Serde<V> valueSerde,
                                                         Serde<VO> otherValueSerde) {
        return new StreamJoined<>(keySerde, valueSerde, otherValueSerde, null);
    }

    /** The same serdes; the join's stores are named after {@code name}, which must be unique in the application. */
    public StreamJoined<K, V, VO> withName(String name) {
        return new StreamJoined<>(keySerde, valueSerde, otherValueSerde, Named.as(name).name());
    }

    public Serde<K> keySerde() {
        return keySerde;
    }

    public Serde<V> valueSerde() {
        return valueSerde;
    }

    public Serde<VO> otherValueSerde() {
        return otherValueSerde;
    }

    /** The name given with {@link #withName}, or null. */
    public String name() {
        return name;
    }
}
