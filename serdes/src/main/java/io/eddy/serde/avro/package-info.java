/**
 * Avro serdes (generic, specific, reflect) in Confluent's wire format with schemas from a registry;
 * start at {@link io.eddy.serde.avro.AvroSerdes}.
 */
package io.eddy.serde.avro;
