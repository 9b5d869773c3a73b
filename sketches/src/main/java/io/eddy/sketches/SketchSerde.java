package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.util.function.Function;

/** A serde from a sketch's own to- and from-bytes functions; null stays null. */
final class SketchSerde<T> implements Serde<T> {

    private final String type;
    private final Function<T, byte[]> write;
    private final Function<byte[], T> read;

    private SketchSerde(String type, Function<T, byte[]> write, Function<byte[], T> read) {
        this.type = type;
        this.write = write;
        this.read = read;
    }

    static <T> Serde<T> of(String type, Function<T, byte[]> write, Function<byte[], T> read) {
        return new SketchSerde<>(type, write, read);
    }

    @Override
    public byte[] serialize(String topic, T value) {
        return value == null ? null : write.apply(value);
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return read.apply(bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read a " + type + " from " + bytes.length
                    + " bytes of topic or store " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return type + "Serde";
    }
}
