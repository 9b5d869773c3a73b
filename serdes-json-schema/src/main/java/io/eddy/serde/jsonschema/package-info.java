/** JSON Schema serdes with a Confluent-compatible schema registry: {@link io.eddy.serde.jsonschema.JsonSchemaSerdes}. */
package io.eddy.serde.jsonschema;
