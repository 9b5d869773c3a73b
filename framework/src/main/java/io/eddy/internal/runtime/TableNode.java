package io.eddy.internal.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node that is a table: it can be looked up by key, and at each commit it emits its changed
 * rows to its children, one per key changed in the batch, in the order they first changed.
 * Emitting at commit rather than per record is what collapses many updates of one key in a batch
 * into one output record (and one changelog record).
 */
abstract class TableNode extends Node {
    private final TaskContext task;
    private final Map<Object, long[]> changedAt = new LinkedHashMap<>();

    TableNode(String name, TaskContext task) {
        super(name);
        this.task = task;
    }

    /** The current row of {@code key} (this batch's writes included), or null. */
    abstract Object lookup(Object key);

    /** Notes that {@code key} changed while processing the current record. */
    final void changed(Object key) {
        long ts = task.record.timestamp;
        long[] at = changedAt.get(key);
        if (at == null) {
            changedAt.put(key, new long[] {ts});
        } else if (ts > at[0]) {
            at[0] = ts;
        }
    }

    @Override
    void flush() {
        if (changedAt.isEmpty()) {
            return;
        }
        for (Map.Entry<Object, long[]> e : changedAt.entrySet()) {
            Object value;
            try {
                value = lookup(e.getKey());
            } catch (RuntimeException ex) {
                throw failed(ex);
            }
            task.record.emitting(e.getValue()[0]);
            forward(e.getKey(), value);
        }
        changedAt.clear();
    }

    @Override
    void abort(Throwable cause) {
        changedAt.clear();
    }
}
