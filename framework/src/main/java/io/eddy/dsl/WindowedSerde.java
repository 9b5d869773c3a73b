package io.eddy.dsl;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.state.Windowed;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Serializes {@link Windowed} keys for Kafka: the inner key's bytes followed by the start and
 * end as 8-byte big-endian longs. A null inner key or value serializes to null.
 *
 * <pre>{@code
 * counts.emit(OutputMode.FINAL).toKafka("counts", Produced.with(WindowedSerde.of(Serdes.string()), Serdes.longs()));
 * }</pre>
 */
public final class WindowedSerde {
    private WindowedSerde() {
    }

    /** The serde of windowed keys whose inner keys {@code keySerde} serializes. */
    public static <K> Serde<Windowed<K>> of(Serde<K> keySerde) {
        Objects.requireNonNull(keySerde, "keySerde");
        return new Serde<>() {
            @Override
            public byte[] serialize(String topic, Windowed<K> w) {
                if (w == null) {
                    return null;
                }
                byte[] key = keySerde.serialize(topic, w.key());
                return ByteBuffer.allocate(key.length + 16).put(key).putLong(w.start()).putLong(w.end()).array();
            }

            @Override
            public Windowed<K> deserialize(String topic, byte[] data) {
                if (data == null) {
                    return null;
                }
                if (data.length < 16) {
                    throw new SerdeException("a windowed key needs at least 16 bytes, got " + data.length);
                }
                ByteBuffer b = ByteBuffer.wrap(data, data.length - 16, 16);
                byte[] key = java.util.Arrays.copyOf(data, data.length - 16);
                return new Windowed<>(keySerde.deserialize(topic, key), b.getLong(), b.getLong());
            }
        };
    }
}
