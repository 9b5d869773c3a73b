/**
 * The Protobuf serde's plumbing: Confluent's message-index framing, {@code .proto} text from
 * descriptors, imports as registry references. Not exported.
 */
package io.eddy.serde.protobuf.internal;
