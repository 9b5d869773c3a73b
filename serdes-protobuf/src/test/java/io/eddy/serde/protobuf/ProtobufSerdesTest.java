package io.eddy.serde.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.protobuf.test.Money;
import io.eddy.serde.protobuf.test.Order;
import io.eddy.serde.protobuf.test.Shipment;
import io.eddy.serde.registry.InMemorySchemaRegistryClient;
import io.eddy.serde.registry.RegisteredSchema;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaReference;
import io.eddy.serde.registry.SubjectNameStrategy;
import java.util.HexFormat;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Byte-level vectors of Confluent's Protobuf framing as the serde writes it (schema id, message
 * indexes of top-level and nested types, message), the schemas it registers (imports as
 * references), and reading back as generated classes and as dynamic messages.
 */
class ProtobufSerdesTest {

    private static final HexFormat HEX = HexFormat.of();

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void theFirstMessageOfAFileIsFramedWithTheSingleZeroIndexAfterTheSchemaId() {
        Serde<Order> serde = ProtobufSerdes.specific(Order.class, registry);
        Order order = Order.newBuilder().setId("o1").build();     // field 1, "o1": 0a 02 6f 31

        byte[] bytes = serde.serialize("orders", order);

        // common.proto, imported, is registered first (id 1), then order.proto (id 2)
        assertThat(HEX.formatHex(bytes)).isEqualTo("00" + "00000002" + "00" + "0a026f31");
        assertThat(serde.deserialize("orders", bytes)).isEqualTo(order);
    }

    @Test
    void nestedAndSecondTopLevelMessagesCarryTheirIndexPath() throws Exception {
        registry.register("seed", SchemaDefinition.avro("\"string\""));   // id 1, so the vectors show the id's position
        Serde<DynamicMessage> dynamic = ProtobufSerdes.dynamic(Order.getDescriptor(), registry,
                RegistrySerdeOptions.defaults().withSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME));

        Order.Line line = Order.Line.newBuilder().setSku("a").build();                       // 0a 01 61
        Shipment shipment = Shipment.newBuilder().setOrderId("a").build();                   // 0a 01 61
        Shipment.Parcel parcel = Shipment.Parcel.newBuilder().setWeightGrams(-1).build();    // 08 01 (zig-zag)
        Shipment.Parcel.Item item = Shipment.Parcel.Item.newBuilder().setSku("a").build();   // 0a 01 61

        // ids: 1 the seed, 2 common.proto, 3 order.proto (the same file for every type)
        assertThat(HEX.formatHex(dynamic.serialize("t", dynamicOf(line)))).isEqualTo("0000000003" + "040000" + "0a0161");
        assertThat(HEX.formatHex(dynamic.serialize("t", dynamicOf(shipment)))).isEqualTo("0000000003" + "0202" + "0a0161");
        assertThat(HEX.formatHex(dynamic.serialize("t", dynamicOf(parcel)))).isEqualTo("0000000003" + "040200" + "0801");
        assertThat(HEX.formatHex(dynamic.serialize("t", dynamicOf(item)))).isEqualTo("0000000003" + "06020000" + "0a0161");

        // the indexes choose the type to read, in the reader's file
        DynamicMessage back = dynamic.deserialize("t", dynamic.serialize("t", dynamicOf(item)));
        assertThat(back.getDescriptorForType().getFullName()).isEqualTo("eddy.test.Shipment.Parcel.Item");
        assertThat(Shipment.Parcel.Item.parseFrom(back.toByteString())).isEqualTo(item);
        assertThat(registry.subjects()).containsExactly("seed", "common.proto", "eddy.test.Order.Line",
                "eddy.test.Shipment", "eddy.test.Shipment.Parcel", "eddy.test.Shipment.Parcel.Item");
    }

    @Test
    void importsAreRegisteredAsReferencesUnderTheirImportPath() {
        ProtobufSerdes.specific(Order.class, registry).serialize("orders", Order.getDefaultInstance());

        RegisteredSchema common = registry.latest("common.proto");
        RegisteredSchema order = registry.latest("orders-value");
        assertThat(order.definition().references()).containsExactly(new SchemaReference("common.proto", "common.proto", 1));
        assertThat(common.definition().schema()).isEqualTo("""
                syntax = "proto3";
                package eddy.test.common;
                option java_package = "io.eddy.serde.protobuf.test";
                option java_multiple_files = true;

                message Money {
                  string currency = 1;
                  int64 units = 2;
                }
                """);
        assertThat(order.definition().schema())
                .contains("import \"common.proto\";")
                .contains("  .eddy.test.common.Money total = 2;")
                .contains("  repeated .eddy.test.Order.Line lines = 3;")
                .contains("  map<string, string> tags = 4;")
                .contains("  optional string note = 5;")
                .contains("  oneof payment {\n    string card = 6;\n    string iban = 7;\n  }")
                .contains("    sint32 weight_grams = 1;")
                .doesNotContain("TagsEntry");
    }

    @Test
    void headerModeWritesTheIdInTheValueHeaderAndTheIndexesFirst() {
        Serde<Order> serde = ProtobufSerdes.specific(Order.class, registry, RegistrySerdeOptions.defaults().withWriteIdInHeaders(true));
        RecordHeaders headers = new RecordHeaders();
        Order order = Order.newBuilder().setId("o1").setTotal(Money.newBuilder().setUnits(5)).build();

        byte[] bytes = serde.serialize("orders", headers, order);

        assertThat(HEX.formatHex(headers.lastHeader("__value_schema_id").value())).isEqualTo("0000000002");
        assertThat(HEX.formatHex(bytes)).startsWith("00" + "0a026f31");
        assertThat(serde.deserialize("orders", headers, bytes)).isEqualTo(order);
        assertThatThrownBy(() -> serde.serialize("orders", order))
                .isInstanceOf(SerdeException.class).hasMessageContaining("writeIdInHeaders=true");
    }

    @Test
    void everyFieldKindRoundTripsThroughSpecificAndDynamicSerdes() throws Exception {
        Order order = Order.newBuilder().setId("o-7")
                .setTotal(Money.newBuilder().setCurrency("EUR").setUnits(-12))
                .addLines(Order.Line.newBuilder().setSku("x").setQuantity(3))
                .putTags("k", "v").setNote("").setIban("DE00").setStatus(Order.Status.STATUS_SHIPPED)
                .setBlob(ByteString.copyFrom(new byte[] {0, -1})).setWeight(Double.NaN)
                .build();
        Serde<Order> specific = ProtobufSerdes.specific(Order.class, registry);
        Serde<DynamicMessage> dynamic = ProtobufSerdes.dynamic(Order.getDescriptor(), registry);

        byte[] bytes = specific.serialize("orders", order);

        assertThat(specific.deserialize("orders", bytes)).isEqualTo(order);
        DynamicMessage read = dynamic.deserialize("orders", bytes);
        assertThat(Order.parseFrom(read.toByteString())).isEqualTo(order);
        assertThat(dynamic.serialize("orders", read)).isEqualTo(bytes);
    }

    @Test
    void anUnknownIdOrASchemaOfAnotherLanguageFailsWithoutRetry() {
        Serde<Order> serde = ProtobufSerdes.specific(Order.class, registry);
        byte[] unknown = HEX.parseHex("00" + "0000007b" + "00" + "0a026f31");
        assertThatThrownBy(() -> serde.deserialize("orders", unknown))
                .isInstanceOfSatisfying(SerdeException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("schema id 123");

        int avroId = registry.register("other", SchemaDefinition.avro("\"string\""));
        byte[] avro = HEX.parseHex("00" + String.format("%08x", avroId) + "00");
        assertThatThrownBy(() -> serde.deserialize("orders", avro))
                .isInstanceOf(SerdeException.class).hasMessageContaining("is a AVRO schema; this serde reads and writes PROTOBUF");
    }

    @Test
    void corruptMessagesAndBadIndexPathsAreNamedAsSuch() {
        Serde<Order> specific = ProtobufSerdes.specific(Order.class, registry);
        Serde<DynamicMessage> dynamic = ProtobufSerdes.dynamic(Order.getDescriptor(), registry);
        byte[] good = specific.serialize("orders", Order.newBuilder().setId("o1").build());
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> specific.deserialize("orders", truncated))
                .isInstanceOf(SerdeException.class).hasMessageContaining("truncated or corrupt");

        byte[] nowhere = HEX.parseHex(HEX.formatHex(good, 0, 5) + "020e" + "0a026f31");   // path [7] (zig-zag 0e): no 8th message
        assertThatThrownBy(() -> dynamic.deserialize("orders", nowhere))
                .isInstanceOf(SerdeException.class).hasMessageContaining("message index path [7] leads nowhere in order.proto");
    }

    @Test
    void aClassThatIsNotAGeneratedMessageIsRefusedAtCreation() {
        assertThatThrownBy(() -> ProtobufSerdes.specific(DynamicMessage.class, registry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a generated Protobuf message class");
        assertThatThrownBy(() -> ProtobufSerdes.specific(Order.class, registry,
                RegistrySerdeOptions.defaults().withUseLatestVersion(true).withAutoRegister(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("useLatestVersion=true needs autoRegister=false");
    }

    @Test
    void useLatestVersionAndAutoRegisterOffWriteWithTheRegisteredId() {
        ProtobufSerdes.specific(Order.class, registry).serialize("orders", Order.getDefaultInstance());
        int id = registry.latest("orders-value").id();
        Serde<Order> latest = ProtobufSerdes.specific(Order.class, registry, RegistrySerdeOptions.defaults().withUseLatestVersion(true));
        Serde<Order> lookup = ProtobufSerdes.specific(Order.class, registry, RegistrySerdeOptions.defaults().withAutoRegister(false));

        assertThat(HEX.formatHex(latest.serialize("orders", Order.getDefaultInstance()))).isEqualTo("00" + String.format("%08x", id) + "00");
        assertThat(HEX.formatHex(lookup.serialize("orders", Order.getDefaultInstance()))).isEqualTo("00" + String.format("%08x", id) + "00");
        assertThatThrownBy(() -> lookup.serialize("elsewhere", Order.getDefaultInstance()))
                .isInstanceOfSatisfying(SerdeException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("look up the PROTOBUF schema eddy.test.Order under subject 'elsewhere-value' (autoRegister=false)");
    }

    @Test
    void theKafkaDeserializerNeedsTheClassToReadInto() {
        try (ProtobufKafkaDeserializer deserializer = new ProtobufKafkaDeserializer()) {
            assertThatThrownBy(() -> deserializer.configure(java.util.Map.of("schema.registry.url", "http://localhost:1"), false))
                    .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                    .hasMessageContaining("specific.protobuf.value.type");
            assertThatThrownBy(() -> deserializer.configure(java.util.Map.of("schema.registry.url", "http://localhost:1",
                    "specific.protobuf.key.type", String.class.getName()), true))
                    .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                    .hasMessageContaining("not a Protobuf message class");
            assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not configured");
        }
    }

    private static DynamicMessage dynamicOf(com.google.protobuf.Message message) {
        try {
            return DynamicMessage.parseFrom(message.getDescriptorForType(), message.toByteString());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
