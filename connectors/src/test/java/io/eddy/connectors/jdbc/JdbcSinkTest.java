package io.eddy.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.InvalidConfigException;
import io.eddy.ProcessingFailedException;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDBC sink against a real PostgreSQL, driven by the in-memory test driver. */
class JdbcSinkTest {
    private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.string(), Serdes.string());
    private static PostgresServer db;

    @BeforeAll
    static void startDatabase() {
        db = PostgresServer.start();
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void freshTables() throws SQLException {
        sql("DROP TABLE IF EXISTS users", "DROP TABLE IF EXISTS eddy_sink_batches",
                "CREATE TABLE users (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200) NOT NULL, visits BIGINT)");
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static Map<String, String> users() throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, visits FROM users")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2) + "/" + rs.getObject(3));
            }
        }
        return rows;
    }

    /** (batch_id, input_positions, replays, records_skipped) of one task's mark. */
    private static String mark(String app, int task) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT batch_id, input_positions, replays, records_skipped FROM "
                     + "eddy_sink_batches WHERE application_id = '" + app + "' AND target_table = 'users' AND task = " + task)) {
            return rs.next() ? rs.getLong(1) + " " + rs.getString(2) + " replays=" + rs.getLong(3) + " skipped="
                    + rs.getLong(4) : "none";
        }
    }

    private static JdbcSink.Builder<String, String> sink() {
        return JdbcSink.<String, String>builder().url(db.url()).user(db.user()).password(db.password())
                .table("users").keyColumn("id");
    }

    private static JdbcSink<String, String> namesSink() {
        return sink().valueColumns(name -> Map.of("name", name)).build();
    }

    @Test
    void upsertsTheLastValueOfEachKeyAndDeletesOnATombstone() throws SQLException {
        try (TestDriver d = TestDriver.builder().applicationId("upserts")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(namesSink())).partitions("in", 2).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("u1", "ada");
            in.pipe("u2", "bob");
            in.pipe("u1", "ada lovelace");
            d.runBatch();
            assertThat(users()).isEqualTo(Map.of("u1", "ada lovelace/null", "u2", "bob/null"));
            in.pipe("u2", null);
            in.pipe("u3", "cy");
            d.runBatch();
            assertThat(users()).isEqualTo(Map.of("u1", "ada lovelace/null", "u3", "cy/null"));
        }
    }

    @Test
    void aReplayedBatchIsSkippedAndOnlyWhatItReadBeyondTheFirstAttemptIsWritten() throws SQLException {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        try (TestDriver d = TestDriver.builder().applicationId("replays")
                .pipeline(p -> {
                    var s = p.kafka("in", STRINGS);
                    s.foreachBatch(sink().recordColumns(r -> Map.of("name", r.value(), "visits", r.offset())).build());
                    // a sink after the JDBC one fails once: the batch aborts after the database committed it
                    s.foreachBatch(() -> b -> {
                        if (failOnce.getAndSet(false)) {
                            throw new IllegalStateException("crash between the database and the Kafka commit");
                        }
                    });
                })
                .partitions("in", 1).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("u1", "ada");
            in.pipe("u2", "bob");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            assertThat(users()).isEqualTo(Map.of("u1", "ada/0", "u2", "bob/1"));
            assertThat(mark("replays", 0)).isEqualTo("0 in/0=1 replays=0 skipped=0");
            // the database now changes under the sink: a replay that rewrote u1 would put its old value back
            sql("UPDATE users SET name = 'changed elsewhere' WHERE id = 'u1'");
            in.pipe("u3", "cy");   // the replay of batch 0 reads one record more than the first attempt
            d.runBatch();
            assertThat(users()).isEqualTo(Map.of("u1", "changed elsewhere/0", "u2", "bob/1", "u3", "cy/2"));
            assertThat(mark("replays", 0)).isEqualTo("0 in/0=2 replays=1 skipped=2");
            in.pipe("u2", "bo");
            d.runBatch();
            assertThat(users()).containsEntry("u2", "bo/3");
            assertThat(mark("replays", 0)).isEqualTo("1 in/0=3 replays=1 skipped=2");
        }
    }

    @Test
    void aCountWrittenByKeyIsTheLatestCountAfterReplays() throws SQLException {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        try (TestDriver d = TestDriver.builder().applicationId("counts")
                .pipeline(p -> {
                    var counts = p.kafka("in", STRINGS).groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                            .count(Named.as("visits")).toStream();
                    counts.foreachBatch(JdbcSink.<String, Long>builder().url(db.url()).user(db.user())
                            .password(db.password()).table("users").keyColumn("id")
                            .valueColumns(n -> Map.of("name", "visitor", "visits", n)).build());
                    counts.foreachBatch(() -> b -> {
                        if (failOnce.getAndSet(false)) {
                            throw new IllegalStateException("crash after the write");
                        }
                    });
                })
                .partitions("in", 2).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            for (int i = 0; i < 5; i++) {
                in.pipe("u" + (i % 2), "x");
            }
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class);
            in.pipe("u0", "x");
            d.runUntilIdle();
            assertThat(users()).isEqualTo(Map.of("u0", "visitor/4", "u1", "visitor/2"));
        }
    }

    @Test
    void connectionsCanComeFromADataSourceAndTheMarksTableCanBeRenamed() throws SQLException {
        javax.sql.DataSource pool = new TestDataSource();
        sql("DROP TABLE IF EXISTS app_marks");
        try (TestDriver d = TestDriver.builder().applicationId("pooled")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(JdbcSink.<String, String>builder().dataSource(pool)
                        .table("users").keyColumn("id").marksTable("app_marks")
                        .keyMapper(k -> k.toUpperCase(java.util.Locale.ROOT))
                        .valueColumns(name -> Map.of("name", name)).build()))
                .build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("u1", "ada");
            d.runBatch();
        }
        assertThat(users()).isEqualTo(Map.of("U1", "ada/null"));
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT batch_id FROM app_marks WHERE application_id = 'pooled'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void whileTheDatabaseCannotBeReachedTheBatchWaitsAndRunsAgainThenWritesOnce() throws SQLException {
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(2);
        javax.sql.DataSource flaky = new TestDataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                if (refusals.getAndDecrement() > 0) {
                    throw new SQLException("Connection to db:5432 refused", "08001");
                }
                return super.getConnection();
            }
        };
        try (TestDriver d = TestDriver.builder().applicationId("outage")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(JdbcSink.<String, String>builder().dataSource(flaky)
                        .table("users").keyColumn("id").valueColumns(name -> Map.of("name", name))
                        .retryWhenUnavailable(java.time.Duration.ofMillis(50), java.time.Duration.ofMinutes(5)).build()))
                .partitions("in", 1).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("u1", "ada");
            in.pipe("u2", "bob");
            assertThatThrownBy(d::runBatch).isInstanceOf(io.eddy.dsl.SinkBackpressureException.class)
                    .hasMessageContaining("the database is unavailable").hasMessageContaining("refused");
            assertThatThrownBy(d::runBatch).isInstanceOf(io.eddy.dsl.SinkBackpressureException.class);
            assertThat(users()).isEmpty();
            assertThat(d.runBatch()).isEqualTo(2);
            assertThat(users()).isEqualTo(Map.of("u1", "ada/null", "u2", "bob/null"));
            assertThat(mark("outage", 0)).isEqualTo("0 in/0=1 replays=0 skipped=0");
        }
    }

    @Test
    void aServerThatIsNotThereIsRetriedUntilGiveUpAfterThenTheBatchFails() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String nowhere = "jdbc:postgresql://127.0.0.1:" + closedPort + "/eddy";
        try (TestDriver d = TestDriver.builder().applicationId("nowhere")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(JdbcSink.<String, String>builder().url(nowhere)
                        .user(db.user()).password(db.password()).table("users").keyColumn("id")
                        .valueColumns(name -> Map.of("name", name)).build()))
                .build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("u1", "ada");
            assertThatThrownBy(d::runBatch).isInstanceOf(io.eddy.dsl.SinkBackpressureException.class)
                    .hasMessageContaining("127.0.0.1:" + closedPort).hasMessageNotContaining(db.password());
        }
        try (TestDriver d = TestDriver.builder().applicationId("nowhere-no-retry")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(JdbcSink.<String, String>builder().url(nowhere)
                        .user(db.user()).password(db.password()).table("users").keyColumn("id")
                        .valueColumns(name -> Map.of("name", name))
                        .retryWhenUnavailable(java.time.Duration.ofSeconds(1), java.time.Duration.ZERO).build()))
                .build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("u1", "ada");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("has been unavailable").hasMessageNotContaining(db.password());
        }
    }

    /** A data source that connects to the test server (what a pool would do). */
    private static class TestDataSource implements javax.sql.DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return db.connect();
        }

        @Override
        public Connection getConnection(String username, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    @Test
    void aBatchOlderThanTheRecordedOneIsSkippedWhole() throws SQLException {
        // as after an application reset whose marks were not deleted, or from a zombie instance
        sql("CREATE TABLE eddy_sink_batches (application_id VARCHAR(255) NOT NULL, target_table VARCHAR(255) NOT NULL, "
                + "task INTEGER NOT NULL, batch_id BIGINT NOT NULL, input_positions TEXT NOT NULL, replays BIGINT NOT NULL, "
                + "records_skipped BIGINT NOT NULL, PRIMARY KEY (application_id, target_table, task))",
                "INSERT INTO eddy_sink_batches VALUES ('stale', 'users', 0, 5, 'in/0=40', 0, 0)");
        try (TestDriver d = TestDriver.builder().applicationId("stale")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(namesSink())).partitions("in", 1).build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("u1", "ada");
            d.runBatch();
        }
        assertThat(users()).isEmpty();
        assertThat(mark("stale", 0)).isEqualTo("5 in/0=40 replays=0 skipped=0");
    }

    @Test
    void aColumnMapperNamingTheKeyColumnOrAnInvalidColumnFailsTheBatch() throws SQLException {
        for (Map<String, Object> columns : List.of(Map.<String, Object>of("id", "x"), Map.<String, Object>of("name; --", "x"))) {
            try (TestDriver d = TestDriver.builder().applicationId("columns")
                    .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(sink().valueColumns(v -> columns).build()))
                    .build()) {
                d.input("in", Serdes.string(), Serdes.string()).pipe("u1", "ada");
                assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                        .hasMessageContaining("the column mapper returned");
            }
        }
        assertThat(users()).isEmpty();
    }

    @Test
    void aNullKeyFailsTheBatchNamingTheRecordAndWritesNothing() throws SQLException {
        try (TestDriver d = TestDriver.builder().applicationId("nullkey")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(namesSink())).partitions("in", 1).build()) {
            TestInputTopic<String, String> in = d.input("in", Serdes.string(), Serdes.string());
            in.pipe("u1", "ada");
            in.pipe(null, "nobody");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("in-0@1 has a null key")
                    .hasMessageContaining("key column id");
            assertThat(users()).isEmpty();
        }
    }

    @Test
    void aWrongPasswordFailsTheBatchWithoutShowingThePassword() {
        String wrong = "not-the-password-123";
        try (TestDriver d = TestDriver.builder().applicationId("auth")
                .pipeline(p -> p.kafka("in", STRINGS).foreachBatch(JdbcSink.<String, String>builder().url(db.url())
                        .user(db.user()).password(wrong).table("users").keyColumn("id")
                        .valueColumns(name -> Map.of("name", name)).build()))
                .build()) {
            d.input("in", Serdes.string(), Serdes.string()).pipe("u1", "ada");
            assertThatThrownBy(d::runBatch).isInstanceOf(ProcessingFailedException.class)
                    .hasMessageContaining("could not write batch 0 of task 0")
                    .hasMessageContaining("password authentication failed")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong);
                        }
                    });
        }
    }

    @Test
    void buildRefusesMissingOrInvalidOptionsNamingThem() {
        assertThatThrownBy(() -> JdbcSink.<String, String>builder().table("t").keyColumn("k")
                .valueColumns(v -> Map.of("a", v)).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("'url'");
        assertThatThrownBy(() -> sink().build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("valueColumns");
        assertThatThrownBy(() -> JdbcSink.<String, String>builder().url(db.url()).table("users; DROP TABLE x")
                .keyColumn("id").valueColumns(v -> Map.of("a", v)).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'table'").hasMessageContaining("users; DROP TABLE x");
        assertThatThrownBy(() -> JdbcSink.<String, String>builder().url("jdbc:postgresql://h/db?user=a&password=s3cret")
                .table("t").keyColumn("k").valueColumns(v -> Map.of("a", v)).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'url'").hasMessageContaining("password=***")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> sink().valueColumns(v -> Map.of("a", v)).recordColumns(r -> Map.of("a", r.value())).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> sink().table("again"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'table' is already set");
        assertThatThrownBy(() -> sink().valueColumns(v -> Map.of("a", v))
                .retryWhenUnavailable(java.time.Duration.ZERO, java.time.Duration.ofMinutes(1)).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("retryWhenUnavailable.retryAfter");
        assertThatThrownBy(() -> sink().valueColumns(v -> Map.of("a", v))
                .retryWhenUnavailable(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(-1)).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("retryWhenUnavailable.giveUpAfter");
    }

    @Test
    void toStringShowsTheTargetButNeverThePassword() {
        JdbcSink<String, String> s = namesSink();
        assertThat(s.toString()).contains("jdbc:postgresql://127.0.0.1:").contains("table=users").contains("user=eddy")
                .doesNotContain(db.password());
    }
}
