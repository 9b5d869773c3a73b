package io.eddy.serde.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.eddy.serde.Serde;
import io.eddy.serde.protobuf.internal.MessageIndexes;
import io.eddy.serde.protobuf.internal.ProtobufSchemas;
import io.eddy.serde.protobuf.test.Money;
import io.eddy.serde.protobuf.test.Order;
import io.eddy.serde.protobuf.test.Shipment;
import io.eddy.serde.registry.InMemorySchemaRegistryClient;
import io.eddy.serde.registry.RegistrySerdeOptions;
import io.eddy.serde.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Round trips of generated Protobuf messages through the specific and dynamic serdes, in prefix
 * and header mode: every field kind (strings with any code point, signed and zig-zag integers,
 * doubles including NaN and infinities, bytes, enums, nested and repeated messages, maps, proto3
 * {@code optional}, {@code oneof}) and every message type of the file (top-level and nested, so
 * message indexes of depth one to three).
 */
class ProtobufRoundTripPropertyTest {

    private final SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Serde<Order> orders = ProtobufSerdes.specific(Order.class, registry);
    private final Serde<DynamicMessage> dynamic = ProtobufSerdes.dynamic(Order.getDescriptor(), registry);
    private final Serde<DynamicMessage> dynamicInHeaders = ProtobufSerdes.dynamic(Order.getDescriptor(), registry,
            RegistrySerdeOptions.defaults().withWriteIdInHeaders(true));

    @Property(tries = 300)
    void ordersRoundTripThroughSpecificAndDynamicSerdes(@ForAll("orders") Order order) throws Exception {
        byte[] bytes = orders.serialize("orders", order);

        assertThat(orders.deserialize("orders", bytes)).isEqualTo(order);
        DynamicMessage read = dynamic.deserialize("orders", bytes);
        assertThat(Order.parseFrom(read.toByteString())).isEqualTo(order);
        assertThat(ByteBuffer.wrap(bytes, 5, 1).get()).as("the single-byte index of the first message").isZero();
    }

    @Property(tries = 200)
    void everyMessageTypeRoundTripsWithItsIndexPathInBothModes(@ForAll("anyMessage") Message message) throws Exception {
        DynamicMessage value = DynamicMessage.parseFrom(message.getDescriptorForType(), message.toByteString());
        int[] path = ProtobufSchemas.indexes(message.getDescriptorForType());

        byte[] prefixed = dynamic.serialize("t", value);
        ByteBuffer frame = ByteBuffer.wrap(prefixed, 5, prefixed.length - 5);
        assertThat(MessageIndexes.read(frame)).containsExactly(path);
        assertThat(dynamic.deserialize("t", prefixed)).isEqualTo(value);

        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        byte[] bare = dynamicInHeaders.serialize("t", headers, value);
        assertThat(bare).isEqualTo(java.util.Arrays.copyOfRange(prefixed, 5, prefixed.length));
        assertThat(dynamicInHeaders.deserialize("t", headers, bare)).isEqualTo(value);
    }

    @Provide
    Arbitrary<Order> orders() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(12);
        Arbitrary<Money> money = Combinators.combine(text, Arbitraries.longs())
                .as((currency, units) -> Money.newBuilder().setCurrency(currency).setUnits(units).build());
        Arbitrary<Order.Line> line = Combinators.combine(text, Arbitraries.integers())
                .as((sku, quantity) -> Order.Line.newBuilder().setSku(sku).setQuantity(quantity).build());
        Arbitrary<Double> weight = Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0));
        Arbitrary<Order.Builder> base = Combinators.combine(text, money.injectNull(0.2), line.list().ofMaxSize(3),
                Arbitraries.maps(text, text).ofMaxSize(3), text.injectNull(0.5), Arbitraries.of(Order.Status.class)
                        .filter(s -> s != Order.Status.UNRECOGNIZED), Arbitraries.bytes().array(byte[].class).ofMaxSize(8), weight)
                .as((id, total, lines, tags, note, status, blob, w) -> {
                    Order.Builder b = Order.newBuilder().setId(id).addAllLines(lines).putAllTags(tags)
                            .setStatus(status).setBlob(ByteString.copyFrom(blob)).setWeight(w);
                    if (total != null) {
                        b.setTotal(total);
                    }
                    if (note != null) {
                        b.setNote(note);
                    }
                    return b;
                });
        return Combinators.combine(base, Arbitraries.integers().between(0, 2), text)
                .as((b, payment, account) -> switch (payment) {
                    case 0 -> b.build();
                    case 1 -> b.setCard(account).build();
                    default -> b.setIban(account).build();
                });
    }

    @Provide
    Arbitrary<Message> anyMessage() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(8);
        Arbitrary<Shipment.Parcel.Item> item = text.map(s -> Shipment.Parcel.Item.newBuilder().setSku(s).build());
        Arbitrary<Shipment.Parcel> parcel = Combinators.combine(Arbitraries.integers(), item.list().ofMaxSize(3))
                .as((grams, items) -> Shipment.Parcel.newBuilder().setWeightGrams(grams).addAllItems(items).build());
        Arbitrary<Shipment> shipment = Combinators.combine(text, parcel.list().ofMaxSize(3))
                .as((id, parcels) -> Shipment.newBuilder().setOrderId(id).addAllParcels(parcels).build());
        Arbitrary<Order.Line> line = Combinators.combine(text, Arbitraries.integers())
                .as((sku, quantity) -> Order.Line.newBuilder().setSku(sku).setQuantity(quantity).build());
        return Arbitraries.oneOf(List.of(orders().map(m -> m), line.map(m -> m), shipment.map(m -> m),
                parcel.map(m -> m), item.map(m -> m)));
    }
}
