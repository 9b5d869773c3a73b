/**
 * Sources and sinks outside Kafka for Eddy pipelines. An optional module: the core does not depend
 * on it. Kafka stays the backbone: a source's position and a sink's publication are tied to the
 * batch's Kafka transaction, so exactly-once keeps its meaning end to end.
 *
 * <pre>{@code
 * module com.example.ingest {
 *     requires io.eddy.connectors;
 * }
 * }</pre>
 */
module io.eddy.connectors {
    exports io.eddy.connectors.jdbc;

    requires transitive io.eddy.framework;
    requires transitive java.sql;
    requires org.slf4j;
}
