/**
 * The start of Protobuf support with the registry: Confluent's message-index framing. Not API
 * yet; no Protobuf serde exists.
 */
package io.eddy.serde.protobuf.internal;
