package io.eddy.internal.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node that is a table: it can be looked up by key, and at each commit it emits its changed
 * rows to its children, one per key changed in the batch, in the order they first changed.
 * Emitting at commit rather than per record is what collapses many updates of one key in a batch
 * into one output record (and one changelog record).
 *
 * <p>Children that transform or regroup the table ({@link TableChangeConsumer}s: a table's
 * {@code mapValues}, {@code filter}, {@code groupBy}) get each change with the row's value
 * <em>before</em> the batch as well as after it, so a regrouping can retract the old row from
 * its old group. A table learns the old row when a key first changes in a batch
 * ({@link #changed(Object, Object, Object)}); a table that cannot tell passes
 * {@link #UNKNOWN_OLD}. Other children get only the new row.
 */
abstract class TableNode extends Node {
    private final TaskContext task;
    private final Map<Object, Change> changedAt = new LinkedHashMap<>();

    TableNode(String name, TaskContext task) {
        super(name);
        this.task = task;
    }

    /** The current row of {@code key} (this batch's writes included), or null. */
    abstract Object lookup(Object key);

    /** Notes that {@code key} changed while processing the current record; its row is looked up at flush. */
    final void changed(Object key) {
        changed(key, NOT_KNOWN);
    }

    /** The old row of a change whose table cannot tell what the row was before the batch. */
    static final Object UNKNOWN_OLD = new Object() {
        @Override
        public String toString() {
            return "UNKNOWN_OLD";
        }
    };

    private int tracksOld = -1;   // -1: not computed yet (children are wired after construction)

    /**
     * Whether some child wants the row before the batch with each change, so the table should
     * pass it to {@link #changed(Object, Object, Object)} (reading it may cost a lookup).
     */
    final boolean tracksOld() {
        if (tracksOld < 0) {
            boolean any = false;
            for (int i = 0; i < next.length; i++) {
                if (next[i] instanceof TableChangeConsumer
                        && (childModes == null || childModes[i] == io.eddy.dsl.OutputMode.UPDATE)) {
                    any = true;
                }
            }
            tracksOld = any ? 1 : 0;
        }
        return tracksOld == 1;
    }

    /**
     * Notes that {@code key} changed from {@code oldRow} (null: absent) to {@code row} (null:
     * deleted) while processing the current record. Only the first change of a key in a batch
     * keeps its old row: the row as the table last emitted it.
     */
    final void changed(Object key, Object oldRow, Object row) {
        long ts = task.record.timestamp;
        Change c = changedAt.get(key);
        if (c == null) {
            c = new Change(ts, row);
            c.old = oldRow;
            changedAt.put(key, c);
        } else {
            c.timestamp = Math.max(c.timestamp, ts);
            c.row = row;
        }
    }

    /**
     * Emits one change of {@code key} to the children that take plain updates: {@code old} and
     * {@code row} to {@link TableChangeConsumer}s, {@code row} to the others.
     */
    final void emitChange(Object key, Object old, Object row) {
        for (int i = 0; i < next.length; i++) {
            if (childModes != null && childModes[i] != io.eddy.dsl.OutputMode.UPDATE) {
                continue;
            }
            if (next[i] instanceof TableChangeConsumer c) {
                c.change(key, old, row);
            } else {
                next[i].process(key, row);
            }
        }
    }

    /**
     * Notes that {@code key} changed to {@code row} (null: deleted) while processing the current
     * record, so flush need not look it up again.
     */
    final void changed(Object key, Object row) {
        long ts = task.record.timestamp;
        Change c = changedAt.get(key);
        if (c == null) {
            changedAt.put(key, new Change(ts, row));
        } else {
            c.timestamp = Math.max(c.timestamp, ts);
            c.row = row;
        }
    }

    private static final Object NOT_KNOWN = new Object();

    /** The latest change of one key in the batch. */
    private static final class Change {
        long timestamp;
        Object row;
        Object old = UNKNOWN_OLD;

        Change(long timestamp, Object row) {
            this.timestamp = timestamp;
            this.row = row;
        }
    }

    /**
     * Every row, for {@code COMPLETE} output; tables that cannot list their rows refuse (the plan
     * only allows COMPLETE on aggregations).
     */
    void forEachRow(java.util.function.BiConsumer<Object, Object> row) {
        throw new UnsupportedOperationException(name + " cannot list its rows");
    }

    @Override
    void flush() {
        if (changedAt.isEmpty()) {
            return;
        }
        long latest = Long.MIN_VALUE;
        for (Map.Entry<Object, Change> e : changedAt.entrySet()) {
            Change c = e.getValue();
            Object value = c.row;
            if (value == NOT_KNOWN) {
                try {
                    value = lookup(e.getKey());
                } catch (RuntimeException ex) {
                    throw failed(ex);
                }
            }
            latest = Math.max(latest, c.timestamp);
            task.record.emitting(c.timestamp);
            emitChange(e.getKey(), c.old, value);
        }
        changedAt.clear();
        if (emits(io.eddy.dsl.OutputMode.COMPLETE)) {
            java.util.List<Object[]> rows = new java.util.ArrayList<>();
            try {
                forEachRow((k, v) -> rows.add(new Object[] {k, v}));
            } catch (RuntimeException ex) {
                throw failed(ex);
            }
            if (rows.size() > maxKeys()) {
                throw failed(new IllegalStateException("COMPLETE output of '" + name + "' holds " + rows.size()
                        + " keys, more than the declared bound of " + maxKeys() + " (GroupedStream.boundedKeys)"));
            }
            task.record.emitting(latest);
            for (Object[] r : rows) {
                emit(io.eddy.dsl.OutputMode.COMPLETE, r[0], r[1]);
            }
        }
    }

    /** The declared bound on distinct keys, for COMPLETE output. */
    long maxKeys() {
        return Long.MAX_VALUE;
    }

    @Override
    void abort(Throwable cause) {
        changedAt.clear();
    }
}
