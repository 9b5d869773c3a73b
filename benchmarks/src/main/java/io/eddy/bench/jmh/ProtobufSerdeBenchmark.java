package io.eddy.bench.jmh;

import com.google.protobuf.InvalidProtocolBufferException;
import io.eddy.bench.jmh.proto.BenchOrder;
import io.eddy.serde.Serde;
import io.eddy.serde.protobuf.ProtobufSerdes;
import io.eddy.serde.registry.InMemorySchemaRegistryClient;
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
 * The schema-registry Protobuf serde ({@link ProtobufSerdes}) with warm caches, next to plain
 * Protobuf encoding of the same messages, so that what the serde adds (the 5-byte prefix, the
 * message indexes, the schema id and checked-id cache lookups) is visible. The records have the
 * same seven fields and values as {@link AvroSerdeBenchmark}'s. The registry is an
 * {@link InMemorySchemaRegistryClient}: with warm caches the serde never calls it, so where it
 * lives does not matter (the Avro benchmark checks the same with an HTTP registry). Writing and
 * reading use separate clients. Times are per record.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ProtobufSerdeBenchmark {

    static final String TOPIC = "orders";
    static final int RECORDS = 1 << 10;

    private static final String[] REGIONS = {"emea", "amer", "apac", "latam"};

    Serde<BenchOrder> writer;
    Serde<BenchOrder> reader;
    final BenchOrder[] messages = new BenchOrder[RECORDS];
    final byte[][] framed = new byte[RECORDS][];
    final byte[][] plain = new byte[RECORDS][];
    int next;

    /** Builds the messages and warms both serdes' caches. */
    @Setup(Level.Trial)
    public void setUp() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        writer = ProtobufSerdes.specific(BenchOrder.class, registry);
        reader = ProtobufSerdes.specific(BenchOrder.class, registry);
        SplittableRandom random = new SplittableRandom(23);
        for (int i = 0; i < RECORDS; i++) {
            BenchOrder.Builder b = BenchOrder.newBuilder().setId(1_000_000L + i)
                    .setCustomer("customer-" + random.nextInt(100_000)).setRegion(REGIONS[random.nextInt(REGIONS.length)])
                    .setAmount(random.nextInt(1_000_000) / 100.0).setQuantity(1 + random.nextInt(20))
                    .setCreatedAt(1_767_225_600_000L + random.nextInt(86_400_000));
            if (random.nextInt(4) == 0) {
                b.setNote("leave at the door");
            }
            messages[i] = b.build();
            framed[i] = writer.serialize(TOPIC, messages[i]);
            plain[i] = messages[i].toByteArray();
        }
        if (!reader.deserialize(TOPIC, framed[0]).equals(messages[0])) {
            throw new IllegalStateException("round trip changed the message");
        }
    }

    private int nextIndex() {
        return next++ & (RECORDS - 1);
    }

    /** The serde: a generated message to Confluent-framed bytes (prefix, indexes, message). */
    @Benchmark
    public byte[] specificSerialize() {
        return writer.serialize(TOPIC, messages[nextIndex()]);
    }

    /** The serde: Confluent-framed bytes to a generated message. */
    @Benchmark
    public BenchOrder specificDeserialize() {
        return reader.deserialize(TOPIC, framed[nextIndex()]);
    }

    /** Baseline: {@code toByteArray()}, no framing, no registry. */
    @Benchmark
    public byte[] plainEncode() {
        return messages[nextIndex()].toByteArray();
    }

    /** Baseline: {@code parseFrom(bytes)}. */
    @Benchmark
    public BenchOrder plainDecode() throws InvalidProtocolBufferException {
        return BenchOrder.parseFrom(plain[nextIndex()]);
    }
}
