/**
 * The Kafka side of Eddy's batch loop: the group member's input (subscription, rebalance
 * listener, starting offsets, pause and resume, the task assignor), the commit protocol, the
 * offset checkpoints, the producer sink and the start-time topic checks, behind the two ports the
 * batch loop talks to. Its API is the client factory ({@code io.eddy.kafka}) every Kafka client
 * comes from; the internal package is exported only to the framework, which runs it, and to the
 * test kit, whose driver implements the same ports in memory.
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module io.eddy.kafka {
    exports io.eddy.kafka;
    exports io.eddy.kafka.internal to io.eddy.framework, io.eddy.testkit;

    requires transitive kafka.clients;
}
