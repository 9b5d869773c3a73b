package io.eddy.learning;

import io.eddy.serde.Serde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A serde over {@link DataOutputStream}, with a leading format byte so that a value written by
 * another format is refused with a message instead of being misread. Null is written as no bytes.
 */
final class BinarySerde<T> implements Serde<T> {

    interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private final String what;
    private final byte format;
    private final Writer<T> writer;
    private final Reader<T> reader;

    BinarySerde(String what, int format, Writer<T> writer, Reader<T> reader) {
        this.what = what;
        this.format = (byte) format;
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(format);
            writer.write(out, value);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte found = in.readByte();
            if (found != format) {
                throw new IllegalArgumentException("topic " + topic + ": not a " + what + " (format byte "
                        + found + ", expected " + format + ")");
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("topic " + topic + ": a truncated or corrupt " + what, e);
        }
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    static double[] readDoubles(DataInputStream in) throws IOException {
        double[] values = new double[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
