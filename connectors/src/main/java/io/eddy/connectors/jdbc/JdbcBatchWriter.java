package io.eddy.connectors.jdbc;

import io.eddy.dsl.BatchWriter;
import io.eddy.dsl.SinkBackpressureException;
import io.eddy.dsl.SinkBatch;
import io.eddy.dsl.SinkRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's writer of a {@link JdbcSink}. Each batch is one database transaction:
 * <ol>
 *   <li>lock the task's high-water-mark row ({@code SELECT ... FOR UPDATE}; the row is created,
 *       outside the transaction, the first time the task writes);</li>
 *   <li>decide what to write: everything for a new batch id; for the batch id already recorded
 *       (a replay), only records past the recorded input offset of their partition; nothing for
 *       an older batch id;</li>
 *   <li>collapse to the last record per key, then delete (null value) or upsert each key;</li>
 *   <li>update the mark (batch id, input positions, replay counters) and commit.</li>
 * </ol>
 * Any failure rolls back and closes the connection; the next batch opens a new one. A failure
 * that says the database is unavailable ({@link #unavailable}) becomes a
 * {@link SinkBackpressureException} until the outage has lasted the sink's {@code giveUpAfter}.
 * Not thread-safe: the runtime calls a writer from its task's worker thread only.
 */
final class JdbcBatchWriter<K, V> implements BatchWriter<K, V> {
    private static final Logger log = LoggerFactory.getLogger(JdbcBatchWriter.class);

    private final JdbcSink<K, V> sink;
    private Connection connection;
    /** Per sorted column list, its upsert statement on the current connection. */
    private final Map<List<String>, PreparedStatement> upserts = new HashMap<>();
    private PreparedStatement delete;
    private PreparedStatement lockMark;
    private PreparedStatement updateMark;
    /** Application ids whose mark row for this task is known to exist. */
    private final java.util.Set<String> markRows = new java.util.HashSet<>();
    /** When the current outage began ({@link System#nanoTime()}), or null while the database answers. */
    private Long unavailableSince;

    JdbcBatchWriter(JdbcSink<K, V> sink) {
        this.sink = sink;
    }

    @Override
    public void write(SinkBatch<K, V> batch) throws SQLException {
        try {
            Connection c = connection();
            sink.ensureMarksTable(c);
            ensureMarkRow(c, batch);
            writeInTransaction(c, batch);
            unavailableSince = null;
        } catch (SQLException | RuntimeException e) {
            discardConnection();
            String where = "JDBC sink to " + sink.describeTarget() + " could not write batch " + batch.batchId()
                    + " of task " + batch.task() + " (application " + batch.applicationId() + "): ";
            if (e instanceof SQLException se && unavailable(se)) {
                long now = System.nanoTime();
                if (unavailableSince == null) {
                    unavailableSince = now;
                }
                long outageMs = (now - unavailableSince) / 1_000_000;
                if (outageMs < sink.giveUpAfter().toMillis()) {
                    log.warn("{}the database is unavailable ({}, SQLState {}); retrying in {} ms (unavailable for {} ms, "
                            + "giving up after {} ms)", where, se.getMessage(), se.getSQLState(),
                            sink.retryAfter().toMillis(), outageMs, sink.giveUpAfter().toMillis());
                    throw new SinkBackpressureException(sink.retryAfter(), where + "the database is unavailable: "
                            + se.getMessage());
                }
                where += "the database has been unavailable for " + outageMs + " ms (giveUpAfter "
                        + sink.giveUpAfter().toMillis() + " ms): ";
            }
            if (e instanceof SQLException se) {
                throw new SQLException(where + se.getMessage(), se.getSQLState(), se.getErrorCode(), se);
            }
            throw new IllegalStateException(where + e.getMessage(), e);
        }
    }

    /**
     * Whether a failure says the database is unavailable rather than the batch wrong: a connection
     * exception (SQLState class 08), insufficient resources (53, e.g. too many connections), an
     * operator intervention such as a shutdown (57P01–57P03), or a driver's transient or
     * recoverable exception, anywhere in the cause chain.
     */
    static boolean unavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P0")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = sink.connect();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void ensureMarkRow(Connection c, SinkBatch<K, V> batch) throws SQLException {
        if (markRows.contains(batch.applicationId())) {
            return;
        }
        String marks = sink.marksTable();
        if (readMark(c, batch, false) == null) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + marks + " (application_id, target_table, "
                    + "task, batch_id, input_positions, replays, records_skipped) VALUES (?, ?, ?, -1, '', 0, 0)")) {
                keyOf(insert, batch);
                insert.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                // another writer of the same task (a zombie instance) may have inserted it first
                if (readMark(c, batch, false) == null) {
                    throw e;
                }
            }
        }
        c.commit();
        markRows.add(batch.applicationId());
    }

    private void keyOf(PreparedStatement s, SinkBatch<K, V> batch) throws SQLException {
        s.setString(1, batch.applicationId());
        s.setString(2, sink.table());
        s.setInt(3, batch.task());
    }

    /** The task's mark, or null if it has no row; {@code lock}: locked until the transaction ends. */
    private Mark readMark(Connection c, SinkBatch<K, V> batch, boolean lock) throws SQLException {
        String sql = "SELECT batch_id, input_positions FROM " + sink.marksTable()
                + " WHERE application_id = ? AND target_table = ? AND task = ?";
        if (lock) {
            if (lockMark == null) {
                lockMark = c.prepareStatement(sql + " FOR UPDATE");
            }
            return readMark(lockMark, batch);
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            return readMark(s, batch);
        }
    }

    private Mark readMark(PreparedStatement s, SinkBatch<K, V> batch) throws SQLException {
        keyOf(s, batch);
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? new Mark(rs.getLong(1), Positions.parse(rs.getString(2))) : null;
        }
    }

    private void writeInTransaction(Connection c, SinkBatch<K, V> batch) throws SQLException {
        Mark mark = readMark(c, batch, true);
        if (mark == null) {
            throw new SQLException("the high-water-mark row of task " + batch.task() + " in " + sink.marksTable()
                    + " disappeared while the application runs");
        }
        List<SinkRecord<K, V>> records = batch.records();
        List<SinkRecord<K, V>> toWrite;
        Positions positions;
        boolean replay = false;
        if (batch.batchId() > mark.batchId) {
            toWrite = records;
            positions = new Positions();
        } else if (batch.batchId() == mark.batchId) {
            replay = true;
            positions = mark.positions;
            toWrite = new ArrayList<>();
            for (SinkRecord<K, V> r : records) {
                if (!positions.covers(r)) {
                    toWrite.add(r);
                }
            }
        } else {
            log.warn("JDBC sink to {}: batch {} of task {} (application {}) is older than batch {} recorded in {}; "
                    + "skipping it. Expected only from a zombie instance; after resetting the application, delete its "
                    + "rows from {}", sink.table(), batch.batchId(), batch.task(), batch.applicationId(), mark.batchId,
                    sink.marksTable(), sink.marksTable());
            c.rollback();
            return;
        }
        int skipped = records.size() - toWrite.size();
        if (replay) {
            log.info("JDBC sink to {}: batch {} of task {} (application {}) is a replay of a batch already written; "
                    + "skipping {} of its {} records, writing {}", sink.table(), batch.batchId(), batch.task(),
                    batch.applicationId(), skipped, records.size(), toWrite.size());
        }
        apply(c, toWrite);
        records.forEach(positions::add);
        if (updateMark == null) {
            updateMark = c.prepareStatement("UPDATE " + sink.marksTable() + " SET batch_id = ?, input_positions = ?, "
                    + "replays = replays + ?, records_skipped = records_skipped + ? "
                    + "WHERE application_id = ? AND target_table = ? AND task = ?");
        }
        updateMark.setLong(1, batch.batchId());
        updateMark.setString(2, positions.encode());
        updateMark.setLong(3, replay ? 1 : 0);
        updateMark.setLong(4, skipped);
        updateMark.setString(5, batch.applicationId());
        updateMark.setString(6, sink.table());
        updateMark.setInt(7, batch.task());
        if (updateMark.executeUpdate() != 1) {
            throw new SQLException("the high-water-mark row of task " + batch.task() + " in " + sink.marksTable()
                    + " disappeared while the application runs");
        }
        c.commit();
    }

    /** Deletes or upserts the last record of each key, in key order of first appearance. */
    private void apply(Connection c, List<SinkRecord<K, V>> records) throws SQLException {
        Map<Object, SinkRecord<K, V>> last = new LinkedHashMap<>();
        for (SinkRecord<K, V> r : records) {
            Object key = r.key() == null ? null : sink.mapKey(r.key());
            if (key == null) {
                throw new IllegalArgumentException("the record at " + r.topic() + "-" + r.partition() + "@" + r.offset()
                        + " has a null key" + (r.key() == null ? "" : " after the key mapper")
                        + ": a row needs a value for key column " + sink.keyColumn());
            }
            last.remove(key);   // keep the order of the last write
            last.put(key, r);
        }
        List<PreparedStatement> used = new ArrayList<>();
        for (Map.Entry<Object, SinkRecord<K, V>> e : last.entrySet()) {
            SinkRecord<K, V> r = e.getValue();
            if (r.value() == null) {
                if (delete == null) {
                    delete = c.prepareStatement("DELETE FROM " + sink.table() + " WHERE " + sink.keyColumn() + " = ?");
                }
                delete.setObject(1, e.getKey());
                delete.addBatch();
                if (!used.contains(delete)) {
                    used.add(delete);
                }
                continue;
            }
            Map<String, ?> columns = sink.columnsOf(r);
            if (columns == null || columns.isEmpty()) {
                throw new IllegalArgumentException("the column mapper returned no columns for the record at "
                        + r.topic() + "-" + r.partition() + "@" + r.offset());
            }
            List<String> names = List.copyOf(new TreeSet<>(columns.keySet()));
            PreparedStatement upsert = upserts.get(names);
            if (upsert == null) {
                for (String n : names) {
                    if (!JdbcSink.isIdentifier(n)) {
                        throw new IllegalArgumentException("the column mapper returned column name '" + n + "', which is "
                                + "not letters, digits and underscores");
                    }
                    if (n.equalsIgnoreCase(sink.keyColumn())) {
                        throw new IllegalArgumentException("the column mapper returned the key column " + n
                                + "; it is set from the record key");
                    }
                }
                upsert = c.prepareStatement(sink.dialect().upsert(sink.table(), sink.keyColumn(), names));
                upserts.put(names, upsert);
            }
            upsert.setObject(1, e.getKey());
            for (int i = 0; i < names.size(); i++) {
                upsert.setObject(i + 2, columns.get(names.get(i)));
            }
            upsert.addBatch();
            if (!used.contains(upsert)) {
                used.add(upsert);
            }
        }
        for (PreparedStatement s : used) {
            s.executeBatch();
        }
    }

    private void discardConnection() {
        Connection c = connection;
        connection = null;
        upserts.clear();   // statements close with their connection
        delete = null;
        lockMark = null;
        updateMark = null;
        markRows.clear();
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection may be broken: closing is all that is left
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
        }
    }

    @Override
    public void close() {
        discardConnection();
    }

    /** The task's high-water mark. */
    private record Mark(long batchId, Positions positions) {
    }

    /**
     * Per input partition ({@code topic/partition}), the largest input offset written in the
     * recorded batch; encoded as {@code topic/partition=offset} joined by commas (topic names
     * cannot contain '/', '=' or ',').
     */
    static final class Positions {
        private final Map<String, Long> last = new TreeMap<>();

        static Positions parse(String encoded) {
            Positions p = new Positions();
            if (encoded != null && !encoded.isEmpty()) {
                for (String part : encoded.split(",")) {
                    int eq = part.lastIndexOf('=');
                    p.last.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
                }
            }
            return p;
        }

        boolean covers(SinkRecord<?, ?> r) {
            Long offset = last.get(r.topic() + "/" + r.partition());
            return offset != null && r.offset() <= offset;
        }

        void add(SinkRecord<?, ?> r) {
            if (r.topic() != null) {
                last.merge(r.topic() + "/" + r.partition(), r.offset(), Math::max);
            }
        }

        String encode() {
            StringBuilder s = new StringBuilder();
            last.forEach((tp, offset) -> {
                if (s.length() > 0) {
                    s.append(',');
                }
                s.append(tp).append('=').append(offset);
            });
            return s.toString();
        }
    }
}
