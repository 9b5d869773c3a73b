package io.eddy.serde.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.json.JsonSerdes;
import io.eddy.serde.registry.FakeRegistry;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logical types with Java types, Java records under reflection, and errors that point the right way. */
class AvroLogicalTypesAndRecordsTest {

    static final Schema PAYMENT = new Schema.Parser().parse("""
            {"type":"record","name":"Payment","namespace":"t","fields":[
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
              {"name":"id","type":{"type":"string","logicalType":"uuid"}},
              {"name":"day","type":{"type":"int","logicalType":"date"}},
              {"name":"time","type":{"type":"int","logicalType":"time-millis"}},
              {"name":"timeMicros","type":{"type":"long","logicalType":"time-micros"}},
              {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"atMicros","type":{"type":"long","logicalType":"timestamp-micros"}},
              {"name":"local","type":{"type":"long","logicalType":"local-timestamp-millis"}},
              {"name":"note","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null}]}""");

    private final FakeRegistry server = FakeRegistry.start();
    private final SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build());

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    // ---- logical types

    @Test
    void withConvertersGenericRecordsHoldAndReturnJavaTypes() {
        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withLogicalTypeConverters(true));
        Instant at = Instant.parse("2026-12-05T02:03:04.005Z");
        UUID id = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        GenericRecord p = new GenericData.Record(PAYMENT);
        p.put("amount", new BigDecimal("1234.50"));
        p.put("id", id);
        p.put("day", LocalDate.of(2026, 12, 5));
        p.put("time", LocalTime.of(2, 3, 4, 5_000_000));
        p.put("timeMicros", LocalTime.of(2, 3, 4, 5_006_000));
        p.put("at", at);
        p.put("atMicros", at.plus(6, ChronoUnit.MICROS));
        p.put("local", LocalDateTime.of(2026, 12, 5, 2, 3, 4, 5_000_000));
        p.put("note", at);

        GenericRecord back = serde.deserialize("payments", serde.serialize("payments", p));

        assertThat(back.get("amount")).isEqualTo(new BigDecimal("1234.50"));
        assertThat(back.get("id")).isEqualTo(id);
        assertThat(back.get("day")).isEqualTo(LocalDate.of(2026, 12, 5));
        assertThat(back.get("time")).isEqualTo(LocalTime.of(2, 3, 4, 5_000_000));
        assertThat(back.get("timeMicros")).isEqualTo(LocalTime.of(2, 3, 4, 5_006_000));
        assertThat(back.get("at")).isEqualTo(at);
        assertThat(back.get("atMicros")).isEqualTo(at.plus(6, ChronoUnit.MICROS));
        assertThat(back.get("local")).isEqualTo(LocalDateTime.of(2026, 12, 5, 2, 3, 4, 5_000_000));
        assertThat(back.get("note")).isEqualTo(at);
    }

    @Test
    void withoutConvertersTheUnderlyingAvroTypesAreUsed() {
        Serde<GenericRecord> converting = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withLogicalTypeConverters(true));
        GenericRecord p = new GenericData.Record(PAYMENT);
        p.put("amount", new BigDecimal("1.00"));
        p.put("id", UUID.randomUUID());
        p.put("day", LocalDate.ofEpochDay(3));
        p.put("time", LocalTime.MIDNIGHT);
        p.put("timeMicros", LocalTime.MIDNIGHT);
        p.put("at", Instant.ofEpochMilli(42));
        p.put("atMicros", Instant.ofEpochMilli(42));
        p.put("local", LocalDateTime.of(1970, 1, 1, 0, 0));
        byte[] bytes = converting.serialize("payments", p);

        GenericRecord plain = AvroSerdes.generic(client).deserialize("payments", bytes);
        assertThat(plain.get("amount")).isInstanceOf(ByteBuffer.class);
        assertThat(plain.get("id")).isInstanceOf(Utf8.class);
        assertThat(plain.get("day")).isEqualTo(3);
        assertThat(plain.get("at")).isEqualTo(42L);
    }

    // ---- Java records under reflection

    enum Tier { GOLD, SILVER }

    record Line(String sku, short quantity, byte[] note) { }

    record Order(String id, long amount, Tier tier, List<Line> lines, Map<String, Integer> tags, Set<String> flags,
                 int[] codes, @org.apache.avro.reflect.Nullable String comment) { }

    @Test
    void javaRecordsRoundTripThroughTheirCanonicalConstructor() {
        Serde<Order> serde = AvroSerdes.reflect(Order.class, client);
        Order order = new Order("o-1", 1200L, Tier.GOLD,
                List.of(new Line("a", (short) 2, new byte[] {1, 2}), new Line("b", (short) -1, new byte[0])),
                Map.of("x", 1), Set.of("new"), new int[] {7, 8}, null);

        Order back = serde.deserialize("orders", serde.serialize("orders", order));

        assertThat(back.id()).isEqualTo("o-1");
        assertThat(back.amount()).isEqualTo(1200L);
        assertThat(back.tier()).isEqualTo(Tier.GOLD);
        assertThat(back.lines()).hasSize(2);
        assertThat(back.lines().get(0).sku()).isEqualTo("a");
        assertThat(back.lines().get(0).quantity()).isEqualTo((short) 2);
        assertThat(back.lines().get(0).note()).containsExactly(1, 2);
        assertThat(back.lines().get(1).quantity()).isEqualTo((short) -1);
        assertThat(back.tags()).containsExactly(Map.entry("x", 1));
        assertThat(back.flags()).containsExactly("new");
        assertThat(back.codes()).containsExactly(7, 8);
        assertThat(back.comment()).isNull();
    }

    record WithOptional(String id, Optional<String> maybe) { }

    static final class NoDefaultConstructor {
        final String id;

        NoDefaultConstructor(String id) {
            this.id = id;
        }
    }

    @Test
    void whatReflectionCannotReadIsRefusedAtCreationNotAtTheFirstRecord() {
        assertThatThrownBy(() -> AvroSerdes.reflect(WithOptional.class, client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WithOptional.maybe")
                .hasMessageContaining("java.util.Optional");
        assertThatThrownBy(() -> AvroSerdes.reflect(NoDefaultConstructor.class, client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-argument constructor")
                .hasMessageContaining(NoDefaultConstructor.class.getName());
    }

    // ---- error messages

    static final Schema ORDER_V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"t","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"}]}""");

    @Test
    void aMissingFieldWithoutDefaultIsNamedNotBlamedOnTheBytes() {
        Schema reader = new Schema.Parser().parse("""
                {"type":"record","name":"Order","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":"int"},
                  {"name":"currency","type":"string"}]}""");
        byte[] bytes = AvroSerdes.generic(client).serialize("orders", order());
        Serde<GenericRecord> strict = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withReaderSchema(reader));

        assertThatThrownBy(() -> strict.deserialize("orders", bytes))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("field 'currency'")
                .hasMessageContaining("no default")
                .hasMessageNotContaining("truncated")
                .satisfies(e -> assertThat(((SerdeException) e).retriable()).isFalse());
    }

    @Test
    void anIncompatibleTypeIsNamedWithItsField() {
        Schema reader = new Schema.Parser().parse("""
                {"type":"record","name":"Order","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":"boolean"}]}""");
        byte[] bytes = AvroSerdes.generic(client).serialize("orders", order());
        Serde<GenericRecord> strict = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withReaderSchema(reader));

        assertThatThrownBy(() -> strict.deserialize("orders", bytes))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("field 'amount'")
                .hasMessageContaining("incompatible types")
                .hasMessageNotContaining("truncated");
    }

    @Test
    void aTruncatedPayloadIsStillCalledThat() {
        byte[] bytes = AvroSerdes.generic(client).serialize("orders", order());
        byte[] cut = java.util.Arrays.copyOf(bytes, 7);
        assertThatThrownBy(() -> AvroSerdes.generic(client).deserialize("orders", cut))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("truncated or corrupt");
    }

    @Test
    void theJsonSerdeSaysWhenBytesLookRegistryFramed() {
        byte[] bytes = AvroSerdes.generic(client).serialize("orders", order());
        assertThatThrownBy(() -> JsonSerdes.tree().deserialize("orders", bytes))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("look registry-framed")
                .hasMessageContaining("schema id 1");
    }

    private static GenericRecord order() {
        GenericRecord r = new GenericData.Record(ORDER_V1);
        r.put("id", "o-1");
        r.put("amount", 5);
        return r;
    }
}
