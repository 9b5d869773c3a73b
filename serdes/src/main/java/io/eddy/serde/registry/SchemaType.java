package io.eddy.serde.registry;

/** The schema languages a Confluent-compatible registry knows, as in its {@code schemaType} field. */
public enum SchemaType {
    /** Apache Avro; the registry's default when {@code schemaType} is absent. */
    AVRO,
    /** JSON Schema. */
    JSON,
    /** Protocol Buffers. */
    PROTOBUF
}
