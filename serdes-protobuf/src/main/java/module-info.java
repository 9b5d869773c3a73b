/**
 * Eddy's Protobuf serdes with a Confluent-compatible schema registry, in a module of their own so
 * that only applications that use Protobuf bring in protobuf-java. Exports only the API package.
 */
module io.eddy.serdes.protobuf {
    exports io.eddy.serde.protobuf;

    // Serde signatures mention Eddy's serdes and registry client and protobuf-java's messages.
    requires transitive io.eddy.serdes;
    requires transitive com.google.protobuf;
}
