package io.eddy.serde.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JsonSerdesTest {

    record Order(String id, long amount, Instant createdAt, List<String> tags, Optional<String> note) { }

    /** A classic bean. */
    public static class Customer {
        private String name;
        private int visits;

        public Customer() {
        }

        Customer(String name, int visits) {
            this.name = name;
            this.visits = visits;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getVisits() {
            return visits;
        }

        public void setVisits(int visits) {
            this.visits = visits;
        }
    }

    @Test
    void javaRecordsRoundTripWithJavaTimeAndOptional() {
        Serde<Order> serde = JsonSerdes.of(Order.class);
        Order order = new Order("o-1", 42, Instant.parse("2026-01-02T03:04:05.678Z"), List.of("a", "b"), Optional.of("n"));
        byte[] bytes = serde.serialize("orders", order);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"o-1\",\"amount\":42,\"createdAt\":\"2026-01-02T03:04:05.678Z\",\"tags\":[\"a\",\"b\"],\"note\":\"n\"}");
        assertThat(serde.deserialize("orders", bytes)).isEqualTo(order);
        assertThat(serde.serialize("orders", null)).isNull();
        assertThat(serde.deserialize("orders", null)).isNull();
    }

    @Test
    void pojosRoundTripAndUnknownPropertiesAreIgnored() {
        Serde<Customer> serde = JsonSerdes.of(Customer.class);
        Customer back = serde.deserialize("c", serde.serialize("c", new Customer("ann", 3)));
        assertThat(back.getName()).isEqualTo("ann");
        assertThat(back.getVisits()).isEqualTo(3);
        Customer newer = serde.deserialize("c", "{\"name\":\"bob\",\"visits\":1,\"addedLater\":true}".getBytes(StandardCharsets.UTF_8));
        assertThat(newer.getName()).isEqualTo("bob");
    }

    @Test
    void aCallersMapperIsUsed() {
        ObjectMapper strict = new ObjectMapper();
        Serde<Customer> serde = JsonSerdes.of(Customer.class, strict);
        assertThatThrownBy(() -> serde.deserialize("c", "{\"name\":\"bob\",\"extra\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerdeException.class).hasMessageContaining("extra");
    }

    @Test
    void treesNeedNoSchema() {
        Serde<JsonNode> serde = JsonSerdes.tree();
        byte[] bytes = "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}".getBytes(StandardCharsets.UTF_8);
        JsonNode node = serde.deserialize("t", bytes);
        assertThat(node.get("a").get(2).has("b")).isTrue();
        assertThat(serde.deserialize("t", serde.serialize("t", node))).isEqualTo(node);
        assertThat(serde.deserialize("t", "42".getBytes(StandardCharsets.UTF_8)).asInt()).isEqualTo(42);
    }

    @Test
    void badInputIsANonRetriableSerdeExceptionWithAClearMessage() {
        Serde<Order> serde = JsonSerdes.of(Order.class);
        assertThatThrownBy(() -> serde.deserialize("orders", "{\"id\": \"x\", ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains(Order.class.getName()).contains("topic orders").contains("12 bytes");
                });
        assertThatThrownBy(() -> serde.deserialize("orders", "{\"amount\": \"lots\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerdeException.class).hasMessageContaining("amount");
        assertThatThrownBy(() -> serde.deserialize("orders", new byte[0]))
                .isInstanceOf(SerdeException.class).hasMessageContaining("no JSON value");
        assertThatThrownBy(() -> JsonSerdes.tree().deserialize("t", "  ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerdeException.class).hasMessageContaining("no JSON value");
    }

    @Test
    void unserializableValuesAreSerdeExceptions() {
        record Cyclic(Object self) { }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Serde<Object> serde = (Serde) JsonSerdes.of(Object.class);
        Object noProps = new Object();
        assertThatThrownBy(() -> serde.serialize("t", noProps)).isInstanceOf(SerdeException.class);
        assertThat(JsonSerdes.of(Cyclic.class).serialize("t", new Cyclic(Map.of("k", 1)))).isNotNull();
    }

    @Property
    void stringMapsRoundTrip(@ForAll Map<String, Integer> map) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Serde<Map<String, Integer>> serde = (Serde) JsonSerdes.of(Map.class);
        assertThat(serde.deserialize("t", serde.serialize("t", map))).isEqualTo(map);
    }
}
