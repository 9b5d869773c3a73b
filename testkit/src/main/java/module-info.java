/**
 * What users put in their tests: the in-memory test driver ({@code io.eddy.testkit.driver}), brokers
 * to test against (embedded KRaft, a child JVM, Testcontainers: {@code io.eddy.testkit.kafka}), a
 * schema registry ({@code io.eddy.testkit.registry}), child-JVM helpers
 * ({@code io.eddy.testkit.process}) and {@link io.eddy.testkit.Await}.
 *
 * <p>The embedded broker needs Kafka's server jars, which cannot be modules: {@code kafka_2.13}
 * has no valid automatic module name, and the server jars split packages with {@code kafka-clients}.
 * They stay on the class path and this module reads it (the build passes
 * {@code --add-reads io.eddy.testkit=ALL-UNNAMED}), so in practice the embedded broker runs with
 * the test kit on the class path; the test driver works either way.
 */
module io.eddy.testkit {
    exports io.eddy.testkit;
    exports io.eddy.testkit.driver;
    exports io.eddy.testkit.kafka;
    exports io.eddy.testkit.process;
    exports io.eddy.testkit.registry;

    requires transitive io.eddy.framework;
    requires transitive kafka.clients;
    requires io.eddy.kafka;
    requires io.eddy.state;
    requires java.net.http;
}
