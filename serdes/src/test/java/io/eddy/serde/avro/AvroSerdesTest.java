package io.eddy.serde.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.Serde;
import io.eddy.serde.SerdeException;
import io.eddy.serde.avro.test.Order;
import io.eddy.serde.registry.FakeRegistry;
import io.eddy.serde.registry.IncompatibleSchemaException;
import io.eddy.serde.registry.SchemaDefinition;
import io.eddy.serde.registry.SchemaNotFoundException;
import io.eddy.serde.registry.SchemaReference;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SchemaRegistryUnavailableException;
import io.eddy.serde.registry.SubjectNameStrategy;
import io.eddy.serde.registry.SubjectNotFoundException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

    static final Schema USER_V1 = new Schema.Parser().parse("""
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"}]}""");
    static final Schema USER_V2 = new Schema.Parser().parse("""
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"},
             {"name":"age","type":"int","default":-1}]}""");
    static final Schema ORDER_V0 = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"io.eddy.serde.avro.test","fields":[
             {"name":"id","type":"string"},{"name":"amount","type":"long"}]}""");

    private final FakeRegistry server = FakeRegistry.start();
    private final List<SchemaRegistryClient> clients = new ArrayList<>();
    private final SchemaRegistryClient client = newClient(server.url());

    private SchemaRegistryClient newClient(String... urls) {
        SchemaRegistryClient c = SchemaRegistryClient.create(SchemaRegistry.builder().urls(urls)
                .retryBudget(Duration.ofMillis(50)).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(10)).build());
        clients.add(c);
        return c;
    }

    @AfterEach
    void tearDown() {
        clients.forEach(SchemaRegistryClient::close);
        server.close();
    }

    static GenericRecord user(Schema schema, String name) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("name", name);
        if (schema.getField("age") != null) {
            r.put("age", 30);
        }
        return r;
    }

    static int idOf(byte[] framed) {
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    @Test
    void genericRoundTripRegistersUnderTopicValueSubject() {
        Serde<GenericRecord> serde = AvroSerdes.generic(client);
        byte[] bytes = serde.serialize("users", user(USER_V1, "ann"));
        assertThat(client.subjects()).containsExactly("users-value");
        assertThat(idOf(bytes)).isEqualTo(client.latest("users-value").id());
        assertThat(serde.deserialize("users", bytes).get("name").toString()).isEqualTo("ann");
        assertThat(serde.serialize("users", null)).isNull();
        assertThat(serde.deserialize("users", null)).isNull();
    }

    @Test
    void keySerdesUseTheKeySubject() {
        AvroSerdes.genericKey(client).serialize("users", user(USER_V1, "ann"));
        AvroSerdes.specificKey(Order.class, client).serialize("orders", new Order("o1", 5L, null));
        assertThat(client.subjects()).containsExactlyInAnyOrder("users-key", "orders-key");
    }

    @Test
    void subjectNameStrategies() {
        GenericRecord u = user(USER_V1, "ann");
        AvroSerdes.generic(client, AvroSerdeOptions.defaults().withSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME))
                .serialize("users", u);
        AvroSerdes.generic(client, AvroSerdeOptions.defaults().withSubjectNameStrategy(SubjectNameStrategy.TOPIC_RECORD_NAME))
                .serialize("users", u);
        assertThat(client.subjects()).containsExactlyInAnyOrder("t.User", "users-t.User");
    }

    @Test
    void specificRoundTrip() {
        Serde<Order> serde = AvroSerdes.specific(Order.class, client);
        Order order = new Order("o-1", 1234L, "eu");
        assertThat(serde.deserialize("orders", serde.serialize("orders", order))).isEqualTo(order);
    }

    @Test
    void reflectRoundTrip() {
        Serde<Point> serde = AvroSerdes.reflect(Point.class, client);
        Point p = new Point(3, -4, null);
        assertThat(serde.deserialize("points", serde.serialize("points", p))).isEqualTo(p);
        Point q = new Point(1, 2, "x");
        assertThat(serde.deserialize("points", serde.serialize("points", q))).isEqualTo(q);
        assertThat(AvroSerdes.reflectKey(Point.class, client).serialize("points", p)).isNotNull();
        assertThat(client.subjects()).containsExactlyInAnyOrder("points-value", "points-key");
    }

    @Test
    void newerReaderSchemaReadsOlderData() {
        byte[] old = AvroSerdes.generic(client).serialize("users", user(USER_V1, "ann"));
        Serde<GenericRecord> newer = AvroSerdes.generic(newClient(server.url()),
                AvroSerdeOptions.defaults().withReaderSchema(USER_V2));
        GenericRecord read = newer.deserialize("users", old);
        assertThat(read.getSchema()).isEqualTo(USER_V2);
        assertThat(read.get("name").toString()).isEqualTo("ann");
        assertThat(read.get("age")).isEqualTo(-1);
    }

    @Test
    void specificClassReadsDataWrittenWithAnOlderSchema() {
        GenericRecord v0 = new GenericData.Record(ORDER_V0);
        v0.put("id", "o-9");
        v0.put("amount", 9L);
        byte[] bytes = AvroSerdes.generic(client).serialize("orders", v0);
        Order read = AvroSerdes.specific(Order.class, newClient(server.url())).deserialize("orders", bytes);
        assertThat(read).isEqualTo(new Order("o-9", 9L, null));
    }

    @Test
    void anIncompatibleReaderSchemaIsANonRetriableSerdeException() {
        byte[] bytes = AvroSerdes.generic(client).serialize("users", user(USER_V1, "ann"));
        Schema noDefault = new Schema.Parser().parse("""
                {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"},
                 {"name":"age","type":"int"}]}""");
        Serde<GenericRecord> reader = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withReaderSchema(noDefault));
        assertThatThrownBy(() -> reader.deserialize("users", bytes))
                .isInstanceOfSatisfying(SerdeException.class, e -> assertThat(e.retriable()).isFalse());
    }

    @Test
    void incompatibleAutoRegistrationIsNotRetriable() {
        AvroSerdes.generic(client).serialize("users", user(USER_V1, "ann"));
        Schema changedType = new Schema.Parser().parse("""
                {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"int"}]}""");
        GenericRecord bad = new GenericData.Record(changedType);
        bad.put("name", 1);
        assertThatThrownBy(() -> AvroSerdes.generic(client).serialize("users", bad))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(IncompatibleSchemaException.class);
                });
    }

    @Test
    void autoRegisterOffWithAnUnknownSubjectFailsClearly() {
        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withAutoRegister(false));
        assertThatThrownBy(() -> serde.serialize("users", user(USER_V1, "ann")))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(SubjectNotFoundException.class);
                    assertThat(e.getMessage()).contains("users-value").contains("autoRegister=false");
                });
        assertThat(client.subjects()).isEmpty();
    }

    @Test
    void autoRegisterOffUsesTheRegisteredId() {
        int id = client.register("users-value", USER_V1.toString());
        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withAutoRegister(false));
        assertThat(idOf(serde.serialize("users", user(USER_V1, "ann")))).isEqualTo(id);
        assertThatThrownBy(() -> serde.serialize("users", user(USER_V2, "bob")))
                .isInstanceOfSatisfying(SerdeException.class,
                        e -> assertThat(e.getCause()).isInstanceOf(SchemaNotFoundException.class));
    }

    @Test
    void useLatestVersionWritesWithTheRegistrysSchema() {
        int id = client.register("users-value", USER_V1.toString());
        // The value's schema differs only in documentation, so it is not registered as such.
        Schema documented = new Schema.Parser().parse("""
                {"type":"record","name":"User","namespace":"t","doc":"local copy",
                 "fields":[{"name":"name","type":"string"}]}""");
        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withUseLatestVersion(true));
        byte[] bytes = serde.serialize("users", user(documented, "ann"));
        assertThat(idOf(bytes)).isEqualTo(id);
        assertThat(client.versions("users-value")).containsExactly(1);
        assertThat(serde.deserialize("users", bytes).get("name").toString()).isEqualTo("ann");
    }

    @Test
    void fixedSchemaIdNeedsNoSubject() {
        int id = server.registerDirect("whatever", USER_V1.toString());
        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withFixedSchemaId(id));
        byte[] bytes = serde.serialize("users", user(USER_V1, "ann"));
        assertThat(idOf(bytes)).isEqualTo(id);
        assertThat(server.requests()).noneMatch(r -> r.contains("/subjects"));
        assertThat(serde.deserialize("users", bytes).get("name").toString()).isEqualTo("ann");
    }

    @Test
    void clashingOptionsAreRejected() {
        assertThatThrownBy(() -> AvroSerdes.generic(client,
                AvroSerdeOptions.defaults().withFixedSchemaId(1).withUseLatestVersion(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclusive");
        assertThatThrownBy(() -> AvroSerdes.generic(client,
                AvroSerdeOptions.defaults().withUseLatestVersion(true).withAutoRegister(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("autoRegister=false");
    }

    @Test
    void headerModeWritesAndReadsAndNeedsHeaders() {
        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withWriteIdInHeaders(true));
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = serde.serialize("users", headers, user(USER_V1, "ann"));
        assertThat(headers.lastHeader("__value_schema_id").value()).hasSize(17).startsWith(0x01);
        assertThat(bytes[0]).isEqualTo((byte) 0x06);  // bare Avro: the string length, no magic byte
        assertThat(AvroSerdes.generic(newClient(server.url())).deserialize("users", headers, bytes)
                .get("name").toString()).isEqualTo("ann");
        // Writing again replaces the header instead of adding a second one.
        serde.serialize("users", headers, user(USER_V1, "bob"));
        assertThat(headers.headers("__value_schema_id")).hasSize(1);
        assertThatThrownBy(() -> serde.serialize("users", user(USER_V1, "ann")))
                .isInstanceOf(SerdeException.class).hasMessageContaining("headers");
    }

    @Test
    void headerModeFallsBackToTheIdWhenTheRegistryHasNoGuids() {
        server.guids(false);
        Serde<GenericRecord> serde = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withWriteIdInHeaders(true));
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = serde.serialize("users", headers, user(USER_V1, "ann"));
        byte[] header = headers.lastHeader("__value_schema_id").value();
        assertThat(header).hasSize(5).startsWith(0x00);
        assertThat(serde.deserialize("users", headers, bytes).get("name").toString()).isEqualTo("ann");
    }

    @Test
    void badMagicByteIsNotRetriable() {
        assertThatThrownBy(() -> AvroSerdes.generic(client).deserialize("users", new byte[] {0x01, 0, 0, 0, 1, 2}))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("magic byte 0x01");
                });
    }

    @Test
    void tooShortForThePrefixIsNotRetriable() {
        assertThatThrownBy(() -> AvroSerdes.generic(client).deserialize("users", new byte[] {0x00, 0, 1}))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("3 bytes");
                });
    }

    @Test
    void malformedHeaderIsNotRetriable() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("__value_schema_id", new byte[] {0x02, 1, 2});
        assertThatThrownBy(() -> AvroSerdes.generic(client).deserialize("users", headers, new byte[] {0}))
                .isInstanceOfSatisfying(SerdeException.class, e -> assertThat(e.retriable()).isFalse());
    }

    @Test
    void unknownIdIsNotRetriable() {
        assertThatThrownBy(() -> AvroSerdes.generic(client).deserialize("users", new byte[] {0x00, 0, 0, 0x30, 0x39, 2, 65}))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(SchemaNotFoundException.class);
                    assertThat(e.getMessage()).contains("schema id 12345");
                });
    }

    @Test
    void truncatedPayloadIsNotRetriable() {
        Serde<GenericRecord> serde = AvroSerdes.generic(client);
        byte[] bytes = serde.serialize("users", user(USER_V1, "a longer name"));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 4);
        assertThatThrownBy(() -> serde.deserialize("users", truncated))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains(truncated.length + " bytes").contains("schema id");
                });
    }

    @Test
    void registryDownIsRetriableBothWays() {
        SchemaRegistryClient down = newClient(FakeRegistry.deadUrl());
        Serde<GenericRecord> serde = AvroSerdes.generic(down);
        assertThatThrownBy(() -> serde.serialize("users", user(USER_V1, "ann")))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.getCause()).isInstanceOf(SchemaRegistryUnavailableException.class);
                });
        assertThatThrownBy(() -> serde.deserialize("users", new byte[] {0, 0, 0, 0, 1, 2, 65}))
                .isInstanceOfSatisfying(SerdeException.class, e -> assertThat(e.retriable()).isTrue());
    }

    @Test
    void refusedCredentialsAreRetriableSoRecordsAreNotDropped() {
        server.requireAuthorization("Bearer right");
        assertThatThrownBy(() -> AvroSerdes.generic(client).deserialize("users", new byte[] {0, 0, 0, 0, 1, 2, 65}))
                .isInstanceOfSatisfying(SerdeException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.getCause()).isInstanceOf(io.eddy.serde.registry.UnauthorizedException.class);
                });
    }

    @Test
    void registryOutageAfterWarmUpDoesNotMatter() {
        Serde<GenericRecord> serde = AvroSerdes.generic(client);
        byte[] bytes = serde.serialize("users", user(USER_V1, "ann"));
        serde.deserialize("users", bytes);
        server.close();
        assertThat(serde.serialize("users", user(USER_V1, "bob"))).isNotNull();
        assertThat(serde.deserialize("users", bytes).get("name").toString()).isEqualTo("ann");
    }

    @Test
    void noRegistryCallsAfterWarmUp() {
        Serde<GenericRecord> values = AvroSerdes.generic(client);
        Serde<Order> orders = AvroSerdes.specific(Order.class, client);
        Serde<GenericRecord> latest = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withUseLatestVersion(true));
        Serde<GenericRecord> headered = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withWriteIdInHeaders(true));
        RecordHeaders headers = new RecordHeaders();
        byte[] u = values.serialize("users", user(USER_V1, "ann"));
        byte[] o = orders.serialize("orders", new Order("o", 1L, null));
        byte[] l = latest.serialize("users", user(USER_V1, "ann"));
        byte[] h = headered.serialize("users", headers, user(USER_V1, "ann"));
        values.deserialize("users", u);
        orders.deserialize("orders", o);
        latest.deserialize("users", l);
        headered.deserialize("users", headers, h);
        int warm = server.requestCount();

        for (int i = 0; i < 1000; i++) {
            // A schema equal in content but a different object must hit the caches too.
            Schema copy = new Schema.Parser().parse(USER_V1.toString());
            assertThat(values.deserialize("users", values.serialize("users", user(copy, "n" + i)))).isNotNull();
            assertThat(orders.deserialize("orders", orders.serialize("orders", new Order("o" + i, (long) i, null)))).isNotNull();
            assertThat(latest.deserialize("users", latest.serialize("users", user(USER_V1, "n" + i)))).isNotNull();
            RecordHeaders hs = new RecordHeaders();
            assertThat(headered.deserialize("users", hs, headered.serialize("users", hs, user(USER_V1, "x")))).isNotNull();
        }
        assertThat(server.requestCount()).isEqualTo(warm);
    }

    @Test
    void referencesAreResolvedForWritingAndReading() {
        String address = """
                {"type":"record","name":"Address","namespace":"t","fields":[{"name":"city","type":"string"}]}""";
        client.register("address", address);
        Schema.Parser parser = new Schema.Parser();
        Schema addressSchema = parser.parse(address);
        Schema person = parser.parse("""
                {"type":"record","name":"Person","namespace":"t","fields":[{"name":"home","type":"t.Address"}]}""");
        GenericRecord home = new GenericData.Record(addressSchema);
        home.put("city", "Lyon");
        GenericRecord p = new GenericData.Record(person);
        p.put("home", home);

        List<SchemaReference> refs = List.of(new SchemaReference("t.Address", "address", 1));
        Serde<GenericRecord> writer = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withReferences(refs));
        byte[] bytes = writer.serialize("people", p);

        SchemaDefinition registered = client.latest("people-value").definition();
        assertThat(registered.references()).isEqualTo(refs);
        assertThat(registered.schema()).doesNotContain("city");  // Address is referenced, not inlined

        GenericRecord back = AvroSerdes.generic(newClient(server.url())).deserialize("people", bytes);
        assertThat(((GenericRecord) back.get("home")).get("city").toString()).isEqualTo("Lyon");
    }

    @Test
    void concurrentUseIsSafe() throws Exception {
        Serde<GenericRecord> serde = AvroSerdes.generic(client);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        String name = thread + "-" + i;
                        Schema s = i % 2 == 0 ? USER_V1 : USER_V2;
                        GenericRecord back = serde.deserialize("users", serde.serialize("users", user(s, name)));
                        assertThat(back.get("name").toString()).isEqualTo(name);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNonRecordValueForTheGenericSerdeIsASerdeException() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Serde<Object> raw = (Serde) AvroSerdes.generic(client);
        assertThatThrownBy(() -> raw.serialize("users", "just a string"))
                .isInstanceOf(SerdeException.class).hasMessageContaining("GenericContainer");
    }

    @Test
    void aValueThatDoesNotFitItsSchemaIsASerdeException() {
        GenericRecord missing = new GenericData.Record(USER_V1);  // "name" left null
        assertThatThrownBy(() -> AvroSerdes.generic(client).serialize("users", missing))
                .isInstanceOfSatisfying(SerdeException.class, e -> assertThat(e.retriable()).isFalse());
    }
}
