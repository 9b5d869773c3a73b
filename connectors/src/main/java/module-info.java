/**
 * Sources and sinks outside Kafka for Eddy pipelines. An optional module: the core does not depend
 * on it. Kafka stays the backbone: a source's position and a sink's publication are tied to the
 * batch's Kafka transaction, so exactly-once keeps its meaning end to end.
 *
 * <ul>
 *   <li>{@code io.eddy.connectors.filesink}: files (JSON lines, CSV, Avro) published exactly once
 *       through a manifest.</li>
 * </ul>
 *
 * <pre>{@code
 * module com.example.ingest {
 *     requires io.eddy.connectors;
 * }
 * }</pre>
 */
module io.eddy.connectors {
    exports io.eddy.connectors.filesink;

    // FileFormat's factories take Avro schemas and records, and Jackson's ObjectMapper: the
    // framework's serdes module already reads both transitively
    requires transitive io.eddy.framework;
    requires org.slf4j;
}
