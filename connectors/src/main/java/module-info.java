/**
 * Sources and sinks outside Kafka for Eddy pipelines. An optional module: the core does not depend
 * on it. Kafka stays the backbone: a source's position and a sink's publication are tied to the
 * batch's Kafka transaction, so exactly-once keeps its meaning end to end.
 *
 * <p>Sources (see {@code Pipeline.source}): {@link io.eddy.connectors.file.FileSource} (a directory
 * of JSON lines, CSV, text or Avro files), {@link io.eddy.connectors.rate.RateSource} (N records a
 * second, for load tests and demos) and {@link io.eddy.connectors.socket.SocketSource} (text lines
 * from a TCP port, at most once).
 *
 * <p>Sinks: {@code io.eddy.connectors.filesink} (files in JSON lines, CSV or Avro, published
 * exactly once through a manifest) and {@code io.eddy.connectors.jdbc} (idempotent upserts into a
 * database table through {@code foreachBatch}).
 *
 * <pre>{@code
 * module com.example.ingest {
 *     requires io.eddy.connectors;
 * }
 * }</pre>
 */
module io.eddy.connectors {
    exports io.eddy.connectors.file;
    exports io.eddy.connectors.filesink;
    exports io.eddy.connectors.jdbc;
    exports io.eddy.connectors.rate;
    exports io.eddy.connectors.socket;

    // FileSinkFormat's factories take Avro schemas and records, and Jackson's ObjectMapper: the
    // framework's serdes module already reads both transitively
    requires transitive io.eddy.framework;
    requires transitive java.sql;
    requires org.slf4j;
}
