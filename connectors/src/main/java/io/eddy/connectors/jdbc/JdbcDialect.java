package io.eddy.connectors.jdbc;

import java.util.List;

/**
 * The SQL a {@link JdbcSink} sends that differs between databases: the upsert of one row and the
 * creation of the high-water-mark table. Identifiers given to a dialect were checked by the sink
 * (letters, digits and underscores, optionally schema-qualified), so a dialect may paste them
 * into SQL unquoted.
 *
 * <p>{@link #postgresql()} is built in and tested against a real PostgreSQL. For another
 * database, implement this interface with its own upsert:
 * <ul>
 *   <li>MySQL / MariaDB: {@code INSERT INTO t (k, a) VALUES (?, ?) ON DUPLICATE KEY UPDATE a = VALUES(a)};</li>
 *   <li>SQLite: the PostgreSQL form ({@code ON CONFLICT (k) DO UPDATE SET a = excluded.a});</li>
 *   <li>SQL Server, Oracle, Db2, H2 (and PostgreSQL 15+): the SQL standard's {@code MERGE INTO t USING
 *       (...) s ON t.k = s.k WHEN MATCHED THEN UPDATE ... WHEN NOT MATCHED THEN INSERT ...}, whose
 *       source-row syntax differs per database.</li>
 * </ul>
 * The delete ({@code DELETE FROM t WHERE k = ?}) and the high-water-mark queries
 * ({@code SELECT ... FOR UPDATE}, {@code UPDATE}, {@code INSERT}) are plain SQL the sink writes
 * itself. Implementations must be stateless and thread-safe.
 */
public interface JdbcDialect {

    /** A short name, for {@code toString()} and messages. */
    String name();

    /**
     * The SQL that inserts a row or, if a row with the same key exists, replaces its columns: with
     * parameters, in order, the key and then {@code valueColumns}.
     *
     * @param table the target table
     * @param keyColumn its key column (a primary key or unique constraint)
     * @param valueColumns the other columns written, never empty, in a stable order
     */
    String upsert(String table, String keyColumn, List<String> valueColumns);

    /**
     * The SQL that creates the high-water-mark table {@code table} if it does not exist, with the
     * columns {@code application_id} (text, up to 255 characters), {@code target_table} (text, up
     * to 255), {@code task} (integer), {@code batch_id} (64-bit integer), {@code input_positions}
     * (text of any length), {@code replays} and {@code records_skipped} (64-bit integers), and the
     * primary key {@code (application_id, target_table, task)}. Running it when the table exists
     * must do nothing ({@code IF NOT EXISTS}).
     */
    String createMarksTable(String table);

    /** PostgreSQL (9.5 and later): {@code INSERT ... ON CONFLICT (key) DO UPDATE SET ...}. */
    static JdbcDialect postgresql() {
        return PostgresDialect.INSTANCE;
    }
}
