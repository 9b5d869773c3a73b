/**
 * Eddy's JSON Schema serdes with a Confluent-compatible schema registry, in a module of their own
 * so that only applications that use JSON Schema bring in its validator. Exports only the API
 * package.
 */
module io.eddy.serdes.jsonschema {
    exports io.eddy.serde.jsonschema;

    requires transitive io.eddy.serdes;
    requires com.networknt.schema;
    requires com.github.benmanes.caffeine;
}
