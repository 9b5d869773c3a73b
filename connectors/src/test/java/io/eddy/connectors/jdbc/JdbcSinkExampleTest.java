package io.eddy.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.serde.Serdes;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's JDBC sink example, compiled and run against a real PostgreSQL. */
class JdbcSinkExampleTest {
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

    @Test
    void viewsPerPageAreUpsertedIntoPostgres() throws Exception {
        String url = db.url();
        String user = db.user();
        String password = db.password();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE page_views (page VARCHAR(200) PRIMARY KEY, views BIGINT NOT NULL)");
        }

        JdbcSink<String, Long> sink = JdbcSink.<String, Long>builder()
                .url(url).user(user).password(password)          // e.g. jdbc:postgresql://localhost:5432/shop
                .table("page_views").keyColumn("page")
                .valueColumns(views -> Map.of("views", views))
                .build();
        try (TestDriver driver = TestDriver.builder()
                .applicationId("views-per-page")
                .pipeline(p -> p
                        .kafka("page-views", Consumed.with(Serdes.string(), Serdes.string()))
                        .groupBy((viewer, page) -> page, Grouped.with(Serdes.string(), Serdes.string()), Named.as("by-page"))
                        .count(Named.as("views-per-page"))
                        .toStream()
                        .foreachBatch(sink))
                .build()) {
            TestInputTopic<String, String> in = driver.input("page-views", Serdes.string(), Serdes.string());
            in.pipe("user-1", "/home");
            in.pipe("user-2", "/home");
            in.pipe("user-1", "/cart");
            driver.runUntilIdle();
        }

        Map<String, Long> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT page, views FROM page_views")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
        }
        assertThat(rows).isEqualTo(Map.of("/home", 2L, "/cart", 1L));
    }
}
