/**
 * Eddy's public API: {@link io.eddy.EddyApp} and the values and listeners around it
 * ({@code io.eddy}), and the pipeline DSL ({@code io.eddy.dsl}). Modules that require it also read
 * the serdes and state API, and the Kafka client types its signatures mention.
 *
 * <p>The plan and the runtime ({@code io.eddy.internal.*}) are exported only to the test kit, whose
 * driver runs the same tasks and operators in memory.
 *
 * <pre>{@code
 * module com.example.orders {
 *     requires io.eddy.framework;
 * }
 * }</pre>
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module io.eddy.framework {
    exports io.eddy;
    exports io.eddy.dsl;
    exports io.eddy.processor;
    exports io.eddy.source;
    exports io.eddy.internal.plan to io.eddy.testkit;
    exports io.eddy.internal.runtime to io.eddy.testkit;

    requires transitive io.eddy.serdes;
    requires transitive io.eddy.state;
    requires transitive kafka.clients;
    requires transitive io.eddy.kafka;
    requires org.slf4j;
}
