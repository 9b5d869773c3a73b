/**
 * The Kafka side of Eddy's batch loop: the task assignor, the producer sink and the start-time
 * topic checks. It has no API of its own: its one package is exported only to the framework,
 * which runs it, and to the test kit, whose driver stands in for the Kafka clients.
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module io.eddy.kafka {
    exports io.eddy.kafka.internal to io.eddy.framework, io.eddy.testkit;

    requires transitive kafka.clients;
}
