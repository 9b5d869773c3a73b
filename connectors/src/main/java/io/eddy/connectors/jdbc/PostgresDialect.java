package io.eddy.connectors.jdbc;

import java.util.List;
import java.util.stream.Collectors;

/** The built-in PostgreSQL dialect (see {@link JdbcDialect#postgresql()}). */
final class PostgresDialect implements JdbcDialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String upsert(String table, String keyColumn, List<String> valueColumns) {
        String columns = keyColumn + ", " + String.join(", ", valueColumns);
        String params = "?" + ", ?".repeat(valueColumns.size());
        String updates = valueColumns.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + params + ") ON CONFLICT (" + keyColumn
                + ") DO UPDATE SET " + updates;
    }

    @Override
    public String createMarksTable(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (application_id VARCHAR(255) NOT NULL, "
                + "target_table VARCHAR(255) NOT NULL, task INTEGER NOT NULL, batch_id BIGINT NOT NULL, "
                + "input_positions TEXT NOT NULL, replays BIGINT NOT NULL, records_skipped BIGINT NOT NULL, "
                + "PRIMARY KEY (application_id, target_table, task))";
    }

    @Override
    public String toString() {
        return name();
    }
}
