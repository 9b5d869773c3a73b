package io.eddy.connectors.file;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Plain Avro binary of one fixed schema, no registry and no prefix: how the file source's CSV
 * rows and Avro records travel through its records topic. Thread-safe (Avro's generic readers and
 * writers are, for a fixed schema).
 */
final class AvroBinarySerde implements Serde<GenericRecord> {
    private final Schema schema;
    private final GenericDatumWriter<GenericRecord> writer;
    private final GenericDatumReader<GenericRecord> reader;

    AvroBinarySerde(Schema schema) {
        this.schema = schema;
        this.writer = new GenericDatumWriter<>(schema);
        this.reader = new GenericDatumReader<>(schema);
    }

    @Override
    public byte[] serialize(String topic, GenericRecord value) {
        if (value == null) {
            return null;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerdeException("cannot write a " + schema.getFullName() + " record for topic " + topic + ": " + e, e);
        }
    }

    @Override
    public GenericRecord deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException | RuntimeException e) {
            throw new SerdeException("cannot read a " + schema.getFullName() + " record from topic " + topic + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "AvroBinarySerde[" + schema.getFullName() + "]";
    }
}
