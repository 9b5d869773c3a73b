/**
 * Eddy's state stores: the store interfaces users query ({@code io.eddy.state}) and, closed to
 * users, the RocksDB and in-memory implementations, the dirty buffer and read cache
 * ({@code io.eddy.state.internal}).
 *
 * <p>The internal package is exported only to the Eddy modules that build stores: the framework's
 * runtime and the test kit's driver.
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module io.eddy.state {
    exports io.eddy.state;
    exports io.eddy.state.internal to io.eddy.framework, io.eddy.testkit;

    requires transitive io.eddy.serdes;
    requires kafka.clients;
    requires rocksdbjni;
    requires org.slf4j;
}
