package io.eddy.dsl;

import io.eddy.serde.Serde;
import java.util.Objects;

/**
 * The serdes a stream-stream join stores both sides' records with. The join's state stores
 * ({@code <name>-left}, {@code <name>-right}, {@code <name>-left-timers}, …) are named by the
 * {@link Named} argument of the join ({@link RecordStream#join(RecordStream,
 * java.util.function.BiFunction, JoinWindows, StreamJoined, Named)}). Immutable.
 *
 * @param <K> key type
 * @param <V> this stream's value type
 * @param <VO> the other stream's value type
 */
public final class StreamJoined<K, V, VO> {
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final Serde<VO> otherValueSerde;

    private StreamJoined(Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde) {
        this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
        this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
        this.otherValueSerde = Objects.requireNonNull(otherValueSerde, "otherValueSerde");
    }

    /**
     * Serdes for the key and the two sides' values.
     *
     * @throws NullPointerException if a serde is null
     */
    public static <K, V, VO> StreamJoined<K, V, VO> with(Serde<K> keySerde, Serde<V> valueSerde,
                                                         Serde<VO> otherValueSerde) {
        return new StreamJoined<>(keySerde, valueSerde, otherValueSerde);
    }

    /** The key serde; never null. */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** The serde of this stream's values; never null. */
    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /** The serde of the other stream's values; never null. */
    public Serde<VO> otherValueSerde() {
        return otherValueSerde;
    }
}
