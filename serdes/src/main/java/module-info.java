/**
 * Eddy's serdes: {@link io.eddy.serde.Serde} and the built-in formats (primitives, JSON, Avro), a
 * Schema Registry client speaking the Confluent REST API and wire format, and adapters to and
 * from Kafka's serializers.
 *
 * <p>Exports only its API packages; the registry transport and the Avro plumbing
 * ({@code *.internal}) stay closed to every other module.
 */
module io.eddy.serdes {
    exports io.eddy.serde;
    exports io.eddy.serde.avro;
    exports io.eddy.serde.json;
    exports io.eddy.serde.kafka;
    exports io.eddy.serde.registry;
    // the registry plumbing shared by the Protobuf and JSON Schema serdes, in their own modules
    exports io.eddy.serde.registry.internal to io.eddy.serdes.protobuf, io.eddy.serdes.jsonschema;
    exports io.eddy.serde.json.internal to io.eddy.serdes.jsonschema;

    // Serde signatures mention Kafka headers, Avro schemas and records, and Jackson's ObjectMapper.
    requires transitive kafka.clients;
    requires transitive org.apache.avro;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.github.benmanes.caffeine;
    requires java.net.http;
}
