/**
 * A file sink with exactly-once publication: {@link io.eddy.connectors.filesink.FileSink} (give it
 * to {@code RecordStream.foreach}), its formats ({@link io.eddy.connectors.filesink.FileSinkFormat}:
 * JSON lines, CSV, Avro), ready-made partition directories
 * ({@link io.eddy.connectors.filesink.PartitionPaths}), and the reader of what was published
 * ({@link io.eddy.connectors.filesink.FileSinkManifest}). The layout and the protocol are in the
 * README's "File sink" section.
 */
package io.eddy.connectors.filesink;
