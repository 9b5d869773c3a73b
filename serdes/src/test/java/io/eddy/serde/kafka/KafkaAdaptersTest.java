package io.eddy.serde.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.SchemaIdHeaders;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.serde.avro.AvroSerdeOptions;
import io.eddy.serde.avro.AvroSerdes;
import io.eddy.serde.registry.FakeRegistry;
import io.eddy.serde.registry.SchemaRegistry;
import io.eddy.serde.registry.SchemaRegistryClient;
import io.eddy.serde.registry.SubjectNameStrategy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Eddy serdes as Kafka serializers and back, and configuration with Confluent's property names. */
class KafkaAdaptersTest {

    static final Schema USER = new Schema.Parser().parse("""
            {"type":"record","name":"User","namespace":"t","fields":[{"name":"name","type":"string"}]}""");

    private final FakeRegistry server = FakeRegistry.start();
    private final SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistry.builder().url(server.url()).build());

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    private static GenericRecord user(String name) {
        GenericRecord r = new GenericData.Record(USER);
        r.put("name", name);
        return r;
    }

    @Test
    void anEddySerdeIsAKafkaSerdeHeadersIncluded() {
        Serde<GenericRecord> eddy = AvroSerdes.generic(client, AvroSerdeOptions.defaults().withWriteIdInHeaders(true));
        org.apache.kafka.common.serialization.Serde<GenericRecord> kafka = KafkaSerdes.asKafkaSerde(eddy);
        Headers headers = new RecordHeaders();

        byte[] bytes = kafka.serializer().serialize("users", headers, user("ann"));

        assertThat(headers.lastHeader(SchemaIdHeaders.VALUE)).as("header mode writes its header through Kafka's API").isNotNull();
        assertThat(kafka.deserializer().deserialize("users", headers, bytes).get("name").toString()).isEqualTo("ann");
        assertThat(kafka.serializer().serialize("users", null)).isNull();
    }

    @Test
    void aKafkaSerdeIsAnEddySerde() {
        Serde<String> eddy = KafkaSerdes.fromKafka(new StringSerializer(), new StringDeserializer());
        assertThat(eddy.deserialize("t", eddy.serialize("t", new RecordHeaders(), "héllo"))).isEqualTo("héllo");
        assertThat(eddy.serialize("t", "x")).isEqualTo(Serdes.string().serialize("t", "x"));
        assertThat(eddy.passesBytesThrough()).isFalse();
        assertThat(KafkaSerdes.fromKafka(org.apache.kafka.common.serialization.Serdes.ByteArray()).passesBytesThrough())
                .as("Kafka's byte-array serde forwards bytes unchanged, as Serdes.bytes() does").isTrue();

        Map<String, Object> seen = new HashMap<>();
        org.apache.kafka.common.serialization.Serde<String> configurable = new org.apache.kafka.common.serialization.Serdes.WrapperSerde<>(new StringSerializer(), new StringDeserializer()) {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
                seen.putAll(configs);
                seen.put("isKey", isKey);
            }
        };
        Serde<String> configured = KafkaSerdes.fromKafka(configurable, Map.of("a", "b"), true);
        assertThat(seen).containsEntry("a", "b").containsEntry("isKey", true);
        assertThat(configured.deserialize("t", configured.serialize("t", "v"))).isEqualTo("v");
    }

    @Test
    void headersReachAWrappedKafkaSerializer() {
        Serializer<String> tagging = new Serializer<>() {
            @Override
            public byte[] serialize(String topic, String data) {
                return data.getBytes();
            }

            @Override
            public byte[] serialize(String topic, Headers headers, String data) {
                headers.add("tag", new byte[] {1});
                return serialize(topic, data);
            }
        };
        Deserializer<String> reading = new Deserializer<>() {
            @Override
            public String deserialize(String topic, byte[] data) {
                return new String(data);
            }

            @Override
            public String deserialize(String topic, Headers headers, byte[] data) {
                return deserialize(topic, data) + (headers.lastHeader("tag") != null ? "+tag" : "");
            }
        };
        Serde<String> eddy = KafkaSerdes.fromKafka(tagging, reading);
        Headers headers = new RecordHeaders();
        byte[] bytes = eddy.serialize("t", headers, "v");
        assertThat(eddy.deserialize("t", headers, bytes)).isEqualTo("v+tag");
    }

    @Test
    void confluentPropertyNamesConfigureTheRegistryAndTheSerde() {
        RegistrySerdeConfig config = RegistrySerdeConfig.parse(Map.of(
                "schema.registry.url", "http://a:8081, http://b:8081/",
                "basic.auth.user.info", "alice:s3cret",
                "auto.register.schemas", "false",
                "use.latest.version", true,
                "normalize.schemas", "true",
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy",
                "key.subject.name.strategy", "TopicRecordNameStrategy",
                "avro.use.logical.type.converters", "true",
                "latest.cache.ttl.sec", "30",
                "http.read.timeout.ms", 2000), false);

        assertThat(config.registry().urls()).hasSize(2);
        assertThat(config.registry().basicAuthHeader()).startsWith("Basic ");
        assertThat(config.registry().latestVersionTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.registry().requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        AvroSerdeOptions options = config.avroOptions();
        assertThat(options.autoRegister()).isFalse();
        assertThat(options.useLatestVersion()).isTrue();
        assertThat(options.normalizeSchemas()).isTrue();
        assertThat(options.logicalTypeConverters()).isTrue();
        assertThat(options.subjectNameStrategy()).isSameAs(SubjectNameStrategy.RECORD_NAME);
        assertThat(config.toString()).doesNotContain("s3cret");

        RegistrySerdeConfig keys = RegistrySerdeConfig.parse(Map.of("schema.registry.url", "http://a:8081",
                "key.subject.name.strategy", "TopicRecordNameStrategy", "use.schema.id", "7"), true);
        assertThat(keys.avroOptions().subjectNameStrategy()).isSameAs(SubjectNameStrategy.TOPIC_RECORD_NAME);
        assertThat(keys.avroOptions().fixedSchemaId()).hasValue(7);
        assertThat(keys.avroOptions().autoRegister()).isFalse();
    }

    @Test
    void badPropertiesAreNamedAndSecretsAreNotShown() {
        assertThatThrownBy(() -> RegistrySerdeConfig.parse(Map.of(), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> RegistrySerdeConfig.parse(Map.of("schema.registry.url", "http://a", "auto.register.schemas", "yes"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auto.register.schemas").hasMessageContaining("yes");
        assertThatThrownBy(() -> RegistrySerdeConfig.parse(Map.of("schema.registry.url", "http://a",
                "value.subject.name.strategy", "com.acme.Mine"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("value.subject.name.strategy").hasMessageContaining("com.acme.Mine");
        assertThatThrownBy(() -> RegistrySerdeConfig.parse(Map.of("schema.registry.url", "http://a",
                "basic.auth.user.info", "no-colon-secret"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info")
                .hasMessageNotContaining("no-colon-secret");
        assertThatThrownBy(() -> RegistrySerdeConfig.parse(Map.of("schema.registry.url", "ftp://a"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ftp://a");
        assertThatThrownBy(() -> RegistrySerdeConfig.parse(Map.of("schema.registry.url", "http://a",
                "auto.register.schemas", "true", "use.latest.version", "true"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("use.latest.version");
    }

    @Test
    void theKafkaAvroClassesWorkWhenConfiguredByProperties() {
        Map<String, Object> props = Map.of("schema.registry.url", server.url());
        try (AvroKafkaSerializer serializer = new AvroKafkaSerializer();
                AvroKafkaDeserializer deserializer = new AvroKafkaDeserializer();
                AvroKafkaSerde keys = new AvroKafkaSerde()) {
            serializer.configure(props, false);
            deserializer.configure(props, false);
            keys.configure(props, true);

            Object back = deserializer.deserialize("users", new RecordHeaders(), serializer.serialize("users", new RecordHeaders(), user("bo")));
            assertThat(((GenericRecord) back).get("name").toString()).isEqualTo("bo");
            assertThat(deserializer.deserialize("texts", serializer.serialize("texts", "text"))).isEqualTo("text");
            assertThat((byte[]) deserializer.deserialize("blobs", serializer.serialize("blobs", new byte[] {9}))).containsExactly(9);
            assertThat(deserializer.deserialize("longs", serializer.serialize("longs", 5L))).isEqualTo(5L);
            assertThat(keys.deserializer().deserialize("users", keys.serializer().serialize("users", 3))).isEqualTo(3);
            assertThat(client.subjects()).contains("users-value", "users-key");
        }
        assertThatThrownBy(() -> new AvroKafkaSerializer().serialize("t", "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure");
    }

    @Test
    void confluentsBytesFromTheUntypedSerdeMatchTheTypedOnes() {
        Serde<Object> untyped = AvroSerdes.untyped(client, AvroSerdeOptions.defaults());
        Serde<String> typed = AvroSerdes.primitive(String.class, client);
        assertThat(untyped.serialize("s", "hi")).containsExactly(typed.serialize("s", "hi"));
        assertThat(untyped.deserialize("s", typed.serialize("s", "hi"))).isEqualTo("hi");
        assertThat(List.of(client.latest("s-value").definition().schema())).containsExactly("\"string\"");
    }
}
