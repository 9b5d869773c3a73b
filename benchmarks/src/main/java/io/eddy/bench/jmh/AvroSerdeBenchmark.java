package io.eddy.bench.jmh;

import io.eddy.serde.Serde;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The schema-registry Avro serdes ({@link AvroSerdes}) with a warm registry cache, next to plain
 * Avro binary encoding of the same records, so that what the serde adds (the 5-byte framing, the
 * writer and reader lookups in its caches, thread-local buffers) is visible.
 *
 * <p>The registry is an {@link InProcessSchemaRegistry} on loopback. The writing serdes and the
 * reading serdes use two different clients, as a producing and a consuming application would, so
 * reading really resolves the schema id through the registry. Set-up serializes and
 * deserializes once with every serde, which registers the schemas and fills the caches; the
 * registry's request count is noted then, and tear-down fails the trial if any request arrived
 * during warm-up or measurement.
 *
 * <p>The records: an order event with seven fields (two longs, an int, a double, three strings,
 * one of them optional), about 60 bytes in Avro binary. Each call takes the next of 1,024
 * pre-built records. Times are per record.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AvroSerdeBenchmark {

    static final String TOPIC = "orders";
    static final int RECORDS = 1 << 10;

    /** The generic records' schema; {@link Order} has the same fields. */
    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Order", "namespace": "io.eddy.bench.jmh", "fields": [
              {"name": "id", "type": "long"},
              {"name": "customer", "type": "string"},
              {"name": "region", "type": "string"},
              {"name": "amount", "type": "double"},
              {"name": "quantity", "type": "int"},
              {"name": "createdAt", "type": "long"},
              {"name": "note", "type": ["null", "string"], "default": null}
            ]}""");

    private static final String[] REGIONS = {"emea", "amer", "apac", "latam"};

    InProcessSchemaRegistry registry;
    SchemaRegistryClient writingClient;
    SchemaRegistryClient readingClient;
    Serde<GenericRecord> genericWriter;
    Serde<GenericRecord> genericReader;
    Serde<Order> reflectWriter;
    Serde<Order> reflectReader;

    final GenericRecord[] generic = new GenericRecord[RECORDS];
    final Order[] reflect = new Order[RECORDS];
    final byte[][] framedGeneric = new byte[RECORDS][];
    final byte[][] framedReflect = new byte[RECORDS][];
    final byte[][] plainGeneric = new byte[RECORDS][];
    int next;

    final GenericDatumWriter<GenericRecord> plainWriter = new GenericDatumWriter<>(SCHEMA);
    final GenericDatumReader<GenericRecord> plainReader = new GenericDatumReader<>(SCHEMA);
    final ByteArrayOutputStream plainOut = new ByteArrayOutputStream(256);
    BinaryEncoder plainEncoder;
    BinaryDecoder plainDecoder;

    long requestsWhenWarm;

    /** Starts the registry, builds the records and warms every serde's caches. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        registry = InProcessSchemaRegistry.start();
        writingClient = SchemaRegistryClient.create(SchemaRegistry.builder().url(registry.url()).build());
        readingClient = SchemaRegistryClient.create(SchemaRegistry.builder().url(registry.url()).build());
        genericWriter = AvroSerdes.generic(writingClient);
        genericReader = AvroSerdes.generic(readingClient);
        reflectWriter = AvroSerdes.reflect(Order.class, writingClient);
        reflectReader = AvroSerdes.reflect(Order.class, readingClient);

        SplittableRandom random = new SplittableRandom(23);
        for (int i = 0; i < RECORDS; i++) {
            Order o = new Order(1_000_000L + i, "customer-" + random.nextInt(100_000),
                    REGIONS[random.nextInt(REGIONS.length)], random.nextInt(1_000_000) / 100.0,
                    1 + random.nextInt(20), 1_767_225_600_000L + random.nextInt(86_400_000),
                    random.nextInt(4) == 0 ? "leave at the door" : null);
            reflect[i] = o;
            GenericRecord g = new GenericData.Record(SCHEMA);
            g.put("id", o.id);
            g.put("customer", o.customer);
            g.put("region", o.region);
            g.put("amount", o.amount);
            g.put("quantity", o.quantity);
            g.put("createdAt", o.createdAt);
            g.put("note", o.note);
            generic[i] = g;
            framedGeneric[i] = genericWriter.serialize(TOPIC, g);
            framedReflect[i] = reflectWriter.serialize(TOPIC, o);
            plainGeneric[i] = plainEncode(g);
        }
        // Warm the reading side: the first read of each schema id asks the registry.
        GenericRecord back = genericReader.deserialize(TOPIC, framedGeneric[0]);
        if (!back.equals(generic[0])) {
            throw new IllegalStateException("generic round trip changed the record: " + back);
        }
        Order order = reflectReader.deserialize(TOPIC, framedReflect[0]);
        if (order.id != reflect[0].id || !order.customer.equals(reflect[0].customer)) {
            throw new IllegalStateException("reflect round trip changed the record");
        }
        requestsWhenWarm = registry.requestCount();
    }

    /** Fails the trial if the registry was asked anything after set-up; closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        long during = registry.requestCount() - requestsWhenWarm;
        System.out.println();
        System.out.println("registry requests: " + requestsWhenWarm + " while warming up the caches, " + during
                + " during warm-up and measurement iterations");
        readingClient.close();
        writingClient.close();
        registry.close();
        if (during != 0) {
            throw new IllegalStateException("the serdes made " + during + " registry requests with warm caches");
        }
    }

    private int nextIndex() {
        return next++ & (RECORDS - 1);
    }

    private byte[] plainEncode(GenericRecord record) throws IOException {
        plainOut.reset();
        plainEncoder = EncoderFactory.get().binaryEncoder(plainOut, plainEncoder);
        plainWriter.write(record, plainEncoder);
        plainEncoder.flush();
        return plainOut.toByteArray();
    }

    /** The serde: a generic record to Confluent-framed bytes (schema id from the serde's cache). */
    @Benchmark
    public byte[] genericSerialize() {
        return genericWriter.serialize(TOPIC, generic[nextIndex()]);
    }

    /** The serde: Confluent-framed bytes to a generic record (reader from the serde's per-id cache). */
    @Benchmark
    public GenericRecord genericDeserialize() {
        return genericReader.deserialize(TOPIC, framedGeneric[nextIndex()]);
    }

    /** The serde through Avro reflection: a plain Java object to framed bytes. */
    @Benchmark
    public byte[] reflectSerialize() {
        return reflectWriter.serialize(TOPIC, reflect[nextIndex()]);
    }

    /** The serde through Avro reflection: framed bytes to a plain Java object. */
    @Benchmark
    public Order reflectDeserialize() {
        return reflectReader.deserialize(TOPIC, framedReflect[nextIndex()]);
    }

    /**
     * Baseline: plain Avro binary encoding of the same generic record with a
     * {@link GenericDatumWriter} and a reused encoder and buffer, copied out to a new array as
     * the serde's result is. No framing, no schema lookup.
     */
    @Benchmark
    public byte[] plainEncode() throws IOException {
        return plainEncode(generic[nextIndex()]);
    }

    /** Baseline: plain Avro binary decoding with a {@link GenericDatumReader} and a reused decoder. */
    @Benchmark
    public GenericRecord plainDecode() throws IOException {
        byte[] bytes = plainGeneric[nextIndex()];
        plainDecoder = DecoderFactory.get().binaryDecoder(bytes, plainDecoder);
        return plainReader.read(null, plainDecoder);
    }
}
