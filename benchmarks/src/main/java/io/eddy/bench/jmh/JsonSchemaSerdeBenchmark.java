package io.eddy.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.eddy.serde.Serde;
import io.eddy.serde.jsonschema.JsonSchemaSerdes;
import io.eddy.serde.registry.InMemorySchemaRegistryClient;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The schema-registry JSON Schema serde ({@link JsonSchemaSerdes}) with warm caches, next to
 * plain Jackson of the same records, so that what the serde adds is visible: above all the
 * validation of every value written against its JSON Schema (networknt), then the tree the
 * validation needs and the framing. The records have the same seven fields and values as
 * {@link AvroSerdeBenchmark}'s; the registry is an {@link InMemorySchemaRegistryClient}, never
 * called once warm. Times are per record.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class JsonSchemaSerdeBenchmark {

    /** The record written and read; public so Jackson sees it. */
    public record JsonOrder(long id, String customer, String region, double amount, int quantity, long createdAt,
                            String note) { }

    static final String TOPIC = "orders";
    static final int RECORDS = 1 << 10;
    static final String SCHEMA = """
            {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
             "properties": {
               "id": {"type": "integer"}, "customer": {"type": "string"}, "region": {"type": "string"},
               "amount": {"type": "number", "minimum": 0}, "quantity": {"type": "integer", "minimum": 1},
               "createdAt": {"type": "integer"}, "note": {"type": ["string", "null"]}},
             "required": ["id", "customer", "region", "amount", "quantity", "createdAt"]}""";

    private static final String[] REGIONS = {"emea", "amer", "apac", "latam"};

    Serde<JsonOrder> writer;
    Serde<JsonOrder> reader;
    final ObjectMapper mapper = new ObjectMapper();
    final ObjectWriter plainWriter = mapper.writerFor(JsonOrder.class);
    final ObjectReader plainReader = mapper.readerFor(JsonOrder.class);
    final JsonOrder[] orders = new JsonOrder[RECORDS];
    final byte[][] framed = new byte[RECORDS][];
    final byte[][] plain = new byte[RECORDS][];
    int next;

    /** Builds the records and warms both serdes' caches. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        writer = JsonSchemaSerdes.of(JsonOrder.class, SCHEMA, registry);
        reader = JsonSchemaSerdes.of(JsonOrder.class, SCHEMA, registry);
        SplittableRandom random = new SplittableRandom(23);
        for (int i = 0; i < RECORDS; i++) {
            orders[i] = new JsonOrder(1_000_000L + i, "customer-" + random.nextInt(100_000),
                    REGIONS[random.nextInt(REGIONS.length)], random.nextInt(1_000_000) / 100.0,
                    1 + random.nextInt(20), 1_767_225_600_000L + random.nextInt(86_400_000),
                    random.nextInt(4) == 0 ? "leave at the door" : null);
            framed[i] = writer.serialize(TOPIC, orders[i]);
            plain[i] = plainWriter.writeValueAsBytes(orders[i]);
        }
        if (!reader.deserialize(TOPIC, framed[0]).equals(orders[0])) {
            throw new IllegalStateException("round trip changed the record");
        }
    }

    private int nextIndex() {
        return next++ & (RECORDS - 1);
    }

    /** The serde: a record to a tree, validated, then to Confluent-framed JSON. */
    @Benchmark
    public byte[] serialize() {
        return writer.serialize(TOPIC, orders[nextIndex()]);
    }

    /** The serde: Confluent-framed JSON to a record (no validation on read). */
    @Benchmark
    public JsonOrder deserialize() {
        return reader.deserialize(TOPIC, framed[nextIndex()]);
    }

    /** Baseline: Jackson straight to bytes, no tree, no validation, no framing. */
    @Benchmark
    public byte[] plainEncode() throws IOException {
        return plainWriter.writeValueAsBytes(orders[nextIndex()]);
    }

    /** Baseline: Jackson straight from bytes. */
    @Benchmark
    public JsonOrder plainDecode() throws IOException {
        return plainReader.readValue(plain[nextIndex()]);
    }
}
