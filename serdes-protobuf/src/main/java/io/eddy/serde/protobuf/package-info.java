/** Protobuf serdes with a Confluent-compatible schema registry: {@link io.eddy.serde.protobuf.ProtobufSerdes}. */
package io.eddy.serde.protobuf;
