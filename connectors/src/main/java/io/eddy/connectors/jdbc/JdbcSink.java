package io.eddy.connectors.jdbc;

import io.eddy.InvalidConfigException;
import io.eddy.dsl.BatchWriter;
import io.eddy.dsl.SinkRecord;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Writes a stream into a database table, one row per key, exactly once: each task's records of a
 * batch are upserted (a null value deletes the key's row) in one database transaction together
 * with a high-water mark {@code (application, table, task) → batch id, input positions}, so a
 * batch replayed after a crash is recognised and not written twice. Built on
 * {@link io.eddy.dsl.RecordStream#foreachBatch}: pass the sink to it.
 *
 * <pre>{@code
 * JdbcSink<String, Order> orders = JdbcSink.<String, Order>builder()
 *         .url("jdbc:postgresql://db:5432/shop").user("eddy").password(System.getenv("DB_PASSWORD"))
 *         .table("orders").keyColumn("order_id")
 *         .valueColumns(o -> Map.of("amount", o.amount(), "status", o.status()))
 *         .build();
 * pipeline.kafka("orders", consumed).foreachBatch(orders);
 * }</pre>
 *
 * <h2>What is written</h2>
 * The target table must exist, with the key column as its primary key (or under a unique
 * constraint). Within a batch the last record of each key wins; a record whose value is null
 * deletes the key's row; other records are mapped to columns ({@link Builder#valueColumns} or
 * {@link Builder#recordColumns}) and upserted with the dialect's statement (PostgreSQL:
 * {@code INSERT ... ON CONFLICT (key) DO UPDATE}). Column values go through
 * {@link java.sql.PreparedStatement#setObject(int, Object)}, so use types the driver knows.
 *
 * <h2>Exactly once</h2>
 * The high-water-mark table (default {@code eddy_sink_batches}, created if missing) has one row
 * per application, target table and task: the last batch id written and, per input partition, the
 * last input offset written in that batch. It is read ({@code SELECT ... FOR UPDATE}) and updated in
 * the same transaction as the rows. The writer runs before the batch's Kafka commit, so a crash
 * between the database commit and the Kafka commit replays the batch under the same batch id:
 * <ul>
 *   <li>records at or before the recorded offset of their input partition were written already
 *       and are skipped; the rest of a replay that reads further than the first attempt is
 *       written (the replay may end at a different offset than the first attempt);</li>
 *   <li>a table's rows emitted at commit carry the position of the task's last input record, so
 *       they are skipped when the replay ends where the first attempt ended, and upserted (their
 *       latest values) when it read further;</li>
 *   <li>a batch id below the recorded one (a zombie instance, or the application's offsets reset
 *       without deleting its rows from the high-water-mark table) is skipped whole, with a warning.</li>
 * </ul>
 * The row's {@code replays} and {@code records_skipped} columns count what was skipped. After
 * resetting an application ({@code EddyApp.reset}), delete its rows from the high-water-mark table
 * ({@code DELETE FROM eddy_sink_batches WHERE application_id = '...'}), or its batch ids, which start
 * again from 0, would be skipped.
 *
 * <h2>Errors and connections</h2>
 * Each task's writer holds one connection (from the {@link DataSource}, or from
 * {@link DriverManager}) and runs its transactions on it; after any error the transaction is rolled
 * back and the connection closed. Then:
 * <ul>
 *   <li><b>the database is unavailable</b> (it cannot be reached, the connection broke, or the
 *       driver calls the failure transient: SQLState class {@code 08}, {@code 53} or {@code 57P0x},
 *       a {@link java.sql.SQLTransientException} or a {@link java.sql.SQLRecoverableException}): the
 *       writer signals backpressure ({@link io.eddy.dsl.SinkBackpressureException}), so the batch is
 *       aborted without holding its Kafka transaction open, the task's input pauses for
 *       {@link Builder#retryWhenUnavailable retryAfter} (default 1 s), and the same batch runs again;
 *       each attempt is logged at WARN. Once the database has been unavailable for
 *       {@code giveUpAfter} (default 5 minutes) without a successful batch, the batch fails instead;</li>
 *   <li><b>anything else</b> (a constraint violated, a missing table or column, a wrong password):
 *       the batch fails (the application stops; a restart replays it).</li>
 * </ul>
 * The JDBC driver is not a dependency of this module: add your database's driver. The password is
 * never logged and never appears in {@link #toString()}.
 *
 * <p>Immutable and thread-safe; {@link #get()} creates one writer per task.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class JdbcSink<K, V> implements Supplier<BatchWriter<K, V>> {
    /** A table or column name: letters, digits and underscores, optionally schema-qualified. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");
    /** The default name of the high-water-mark table. */
    public static final String DEFAULT_MARKS_TABLE = "eddy_sink_batches";

    private final String url;
    private final String user;
    private final String password;
    private final DataSource dataSource;
    private final String table;
    private final String keyColumn;
    private final Function<? super K, ?> keyMapper;
    private final Function<? super SinkRecord<K, V>, ? extends Map<String, ?>> columns;
    private final JdbcDialect dialect;
    private final String marksTable;
    private final java.time.Duration retryAfter;
    private final java.time.Duration giveUpAfter;
    private volatile boolean marksTableReady;

    private JdbcSink(Builder<K, V> b) {
        this.url = b.url;
        this.user = b.user;
        this.password = b.password;
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.keyColumn = b.keyColumn;
        this.keyMapper = b.keyMapper == null ? k -> k : b.keyMapper;
        this.columns = b.recordColumns != null ? b.recordColumns : r -> b.valueColumns.apply(r.value());
        this.dialect = b.dialect == null ? JdbcDialect.postgresql() : b.dialect;
        this.marksTable = b.marksTable == null ? DEFAULT_MARKS_TABLE : b.marksTable;
        this.retryAfter = b.retryAfter;
        this.giveUpAfter = b.giveUpAfter;
    }

    /** How long a task's input pauses before a batch that found the database unavailable runs again. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    /** How long the database may stay unavailable before a batch fails instead of being retried. */
    public java.time.Duration giveUpAfter() {
        return giveUpAfter;
    }

    /** A builder; {@code table}, {@code keyColumn}, one column mapper and a connection source are required. */
    public static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    /** A new writer, for one task: called by the runtime once per task. */
    @Override
    public BatchWriter<K, V> get() {
        return new JdbcBatchWriter<>(this);
    }

    /** The target table. */
    public String table() {
        return table;
    }

    /** The target table's key column. */
    public String keyColumn() {
        return keyColumn;
    }

    /** The high-water-mark table. */
    public String marksTable() {
        return marksTable;
    }

    /** The dialect. */
    public JdbcDialect dialect() {
        return dialect;
    }

    // ---- for the writers

    Connection connect() throws SQLException {
        if (dataSource != null) {
            return dataSource.getConnection();
        }
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url, props);
    }

    Object mapKey(K key) {
        return keyMapper.apply(key);
    }

    Map<String, ?> columnsOf(SinkRecord<K, V> record) {
        return columns.apply(record);
    }

    static boolean isIdentifier(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }

    /** Creates the high-water-mark table if needed, once per sink (and again after a failed attempt). */
    void ensureMarksTable(Connection c) throws SQLException {
        if (marksTableReady) {
            return;
        }
        synchronized (this) {
            if (marksTableReady) {
                return;
            }
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute(dialect.createMarksTable(marksTable));
            } catch (SQLException e) {
                // another instance may have created it at the same moment: fine if it is there now
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT batch_id FROM " + marksTable + " WHERE 1 = 0").close();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                    throw e;
                }
            } finally {
                c.setAutoCommit(auto);
            }
            marksTableReady = true;
        }
    }

    /** The URL without its query part, for messages ({@code password=} is refused in it anyway). */
    private String safeUrl() {
        if (url == null) {
            return "a DataSource";
        }
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    @Override
    public String toString() {
        return "JdbcSink[" + safeUrl() + (user == null ? "" : ", user=" + user) + ", table=" + table
                + ", keyColumn=" + keyColumn + ", marksTable=" + marksTable + ", dialect=" + dialect.name() + "]";
    }

    /**
     * Configures a {@link JdbcSink}. Each option can be set once (a second call throws
     * {@link IllegalStateException}); {@link #build()} checks them together and names the first
     * bad option and its value (never the password). Not thread-safe.
     */
    public static final class Builder<K, V> {
        private String url;
        private String user;
        private String password;
        private boolean passwordSet;
        private DataSource dataSource;
        private String table;
        private String keyColumn;
        private Function<? super K, ?> keyMapper;
        private Function<? super V, ? extends Map<String, ?>> valueColumns;
        private Function<? super SinkRecord<K, V>, ? extends Map<String, ?>> recordColumns;
        private JdbcDialect dialect;
        private String marksTable;
        private java.time.Duration retryAfter = java.time.Duration.ofSeconds(1);
        private java.time.Duration giveUpAfter = java.time.Duration.ofMinutes(5);
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder() {
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException("JdbcSink option '" + option + "' is already set");
            }
        }

        /** The JDBC URL, e.g. {@code jdbc:postgresql://host:5432/db}; without a password in it. */
        public Builder<K, V> url(String url) {
            once("url");
            this.url = url;
            return this;
        }

        /** The database user (optional: the URL or the driver's defaults may name one). */
        public Builder<K, V> user(String user) {
            once("user");
            this.user = user;
            return this;
        }

        /** The database password (optional); never logged nor shown. */
        public Builder<K, V> password(String password) {
            once("password");
            this.password = password;
            this.passwordSet = true;
            return this;
        }

        /** Where connections come from, instead of {@link #url} (a pool, say); user and password then belong to it. */
        public Builder<K, V> dataSource(DataSource dataSource) {
            once("dataSource");
            this.dataSource = dataSource;
            return this;
        }

        /** The target table (letters, digits, underscores; optionally {@code schema.table}). Required. */
        public Builder<K, V> table(String table) {
            once("table");
            this.table = table;
            return this;
        }

        /** The target table's key column, its primary key or under a unique constraint. Required. */
        public Builder<K, V> keyColumn(String keyColumn) {
            once("keyColumn");
            this.keyColumn = keyColumn;
            return this;
        }

        /**
         * Maps the record key to the key column's value (default: the key itself). It must not
         * return null.
         */
        public Builder<K, V> keyMapper(Function<? super K, ?> keyMapper) {
            once("keyMapper");
            this.keyMapper = keyMapper;
            return this;
        }

        /**
         * Maps a (non-null) value to the other columns of its row: column name to column value.
         * Either this or {@link #recordColumns} is required.
         */
        public Builder<K, V> valueColumns(Function<? super V, ? extends Map<String, ?>> valueColumns) {
            once("valueColumns");
            this.valueColumns = valueColumns;
            return this;
        }

        /**
         * Maps a record (key, non-null value, input position, timestamp) to the other columns of its
         * row. Either this or {@link #valueColumns} is required.
         */
        public Builder<K, V> recordColumns(Function<? super SinkRecord<K, V>, ? extends Map<String, ?>> recordColumns) {
            once("recordColumns");
            this.recordColumns = recordColumns;
            return this;
        }

        /** The SQL dialect (default {@link JdbcDialect#postgresql()}). */
        public Builder<K, V> dialect(JdbcDialect dialect) {
            once("dialect");
            this.dialect = dialect;
            return this;
        }

        /** The high-water-mark table (default {@value JdbcSink#DEFAULT_MARKS_TABLE}), created if missing. */
        public Builder<K, V> marksTable(String marksTable) {
            once("marksTable");
            this.marksTable = marksTable;
            return this;
        }

        /**
         * What a batch does when the database is unavailable (see the class comment): the task's
         * input pauses for {@code retryAfter} and the batch runs again, until the database has been
         * unavailable for {@code giveUpAfter}; then the batch fails. {@code giveUpAfter} zero fails
         * at the first unavailable attempt. Defaults: 1 s and 5 minutes.
         */
        public Builder<K, V> retryWhenUnavailable(java.time.Duration retryAfter, java.time.Duration giveUpAfter) {
            once("retryWhenUnavailable");
            this.retryAfter = retryAfter;
            this.giveUpAfter = giveUpAfter;
            return this;
        }

        /**
         * The sink.
         *
         * @throws InvalidConfigException naming the first missing or invalid option
         */
        public JdbcSink<K, V> build() {
            if (dataSource == null && set.contains("dataSource")) {
                throw new InvalidConfigException("dataSource", null, "must not be null");
            }
            if (dataSource != null) {
                if (url != null) {
                    throw new InvalidConfigException("url", url, "give either url or dataSource, not both");
                }
                if (user != null || passwordSet) {
                    throw new InvalidConfigException(user != null ? "user" : "password", user != null ? user : "(not shown)",
                            "user and password belong to the dataSource");
                }
            } else {
                if (url == null || url.isBlank()) {
                    throw new InvalidConfigException("url", url, "required (or a dataSource): a JDBC URL such as "
                            + "jdbc:postgresql://host:5432/db");
                }
                if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
                    throw new InvalidConfigException("url", mask(url), "a JDBC URL starts with 'jdbc:'");
                }
                if (PASSWORD_IN_URL.matcher(url).find()) {
                    throw new InvalidConfigException("url", mask(url), "holds a password; give it with password(...) so "
                            + "it is never shown");
                }
                if (user != null && user.isBlank()) {
                    throw new InvalidConfigException("user", user, "must not be blank");
                }
            }
            identifier("table", table, true);
            identifier("keyColumn", keyColumn, true);
            identifier("marksTable", marksTable, false);
            if (set.contains("keyMapper") && keyMapper == null) {
                throw new InvalidConfigException("keyMapper", null, "must not be null");
            }
            if (set.contains("dialect") && dialect == null) {
                throw new InvalidConfigException("dialect", null, "must not be null");
            }
            if (valueColumns == null && recordColumns == null) {
                throw new InvalidConfigException(set.contains("valueColumns") ? "valueColumns" : "recordColumns", null,
                        "required: give valueColumns(value -> Map.of(\"column\", ...)) or recordColumns(record -> ...)");
            }
            if (valueColumns != null && recordColumns != null) {
                throw new InvalidConfigException("recordColumns", "a mapper", "give either valueColumns or "
                        + "recordColumns, not both");
            }
            if (marksTable != null && marksTable.equalsIgnoreCase(table)) {
                throw new InvalidConfigException("marksTable", marksTable, "must differ from the target table");
            }
            if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
                throw new InvalidConfigException("retryWhenUnavailable.retryAfter", retryAfter, "must be positive");
            }
            if (giveUpAfter == null || giveUpAfter.isNegative()) {
                throw new InvalidConfigException("retryWhenUnavailable.giveUpAfter", giveUpAfter,
                        "must be zero (never retry) or positive");
            }
            return new JdbcSink<>(this);
        }

        private static void identifier(String option, String value, boolean required) {
            if (value == null && !required) {
                return;
            }
            if (value == null) {
                throw new InvalidConfigException(option, null, "required");
            }
            if (!isIdentifier(value)) {
                throw new InvalidConfigException(option, value, "letters, digits and underscores, not starting with a "
                        + "digit, optionally schema-qualified (schema.name)");
            }
        }

        private static String mask(String url) {
            return PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
        }
    }

    /** For the writers' messages: never the password. */
    String describeTarget() {
        return "table " + table + " (" + safeUrl() + ")";
    }
}
