/**
 * A client of Confluent-compatible schema registries: configuration ({@link io.eddy.serde.registry.SchemaRegistry}),
 * the caching client ({@link io.eddy.serde.registry.SchemaRegistryClient}), subject naming, and typed errors
 * carrying the registry's error codes. Works with Confluent Schema Registry and Apicurio Registry's
 * {@code /apis/ccompat/v7} API.
 */
package io.eddy.serde.registry;
