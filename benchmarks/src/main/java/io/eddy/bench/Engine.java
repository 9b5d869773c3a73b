package io.eddy.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The stream processors the harness compares. */
enum Engine {
    /** Eddy's {@code EddyApp}. */
    EDDY("eddy", "Eddy"),
    /** Kafka Streams with the equivalent topology. */
    KAFKA_STREAMS("streams", "Kafka Streams"),
    /**
     * Kafka Streams with the equivalent topology and the settings an expert would choose for these
     * workloads ({@link StreamsTuning}): Eddy's producer batching, a record cache that holds a
     * batch's updates, RocksDB memory bounded like Eddy's, Eddy's fetch sizes.
     */
    KAFKA_STREAMS_TUNED("streams-tuned", "KStreams tuned"),
    /** A hand-written consume-transform-produce loop over the plain Kafka clients. */
    PLAIN_CLIENTS("plain", "plain clients"),
    /**
     * Spark Structured Streaming ({@code local[2]}, RocksDB state store, Kafka source and sink), for
     * W1, W2 and W3 only, and only in a build with {@code -Pspark} ({@code SparkEngine} lives in
     * {@code src/spark/java}). Its Kafka sink is at-least-once, whatever the workload asks.
     */
    SPARK("spark", "Spark (at-least-once)");

    private final String id;
    private final String label;

    Engine(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The short name used on the command line and in result files. */
    String id() {
        return id;
    }

    /** Whether this is Kafka Streams, with its defaults or tuned. */
    boolean kafkaStreams() {
        return this == KAFKA_STREAMS || this == KAFKA_STREAMS_TUNED;
    }

    /** The name shown in tables and charts. */
    String label() {
        return label;
    }

    /**
     * The engine with this {@link #id()}, ignoring case.
     *
     * @throws IllegalArgumentException listing the known ids
     */
    static Engine parse(String id) {
        for (Engine e : values()) {
            if (e.id.equals(id.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + id + "'; known: "
                + Arrays.stream(values()).map(Engine::id).collect(Collectors.joining(", ")));
    }
}
