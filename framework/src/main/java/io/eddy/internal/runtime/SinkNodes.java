package io.eddy.internal.runtime;

import io.eddy.dsl.BatchWriter;
import io.eddy.dsl.SinkBatch;
import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.TaskBatch;
import io.eddy.internal.plan.MemoryTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sinks that see a task's batch as a whole: {@code foreachBatch} (hands the batch to a user
 * writer before the commit) and {@code toMemory} (publishes it into an in-process table after the
 * commit). Both buffer the batch's records as they arrive and forget them when the batch aborts.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class SinkNodes {

    private SinkNodes() {
    }

    /**
     * The {@link BatchWriter} lifecycle: records collected in {@code process}, the writer called
     * once in {@code prepareCommit} (before the Kafka commit; a failure fails the batch), the
     * buffer dropped at commit or abort, the writer closed with the task.
     */
    static Nodes.Factory foreachBatch(Supplier<? extends BatchWriter> writers) {
        return (name, task) -> new Node(name) {
            final List<SinkRecord<Object, Object>> records = new ArrayList<>();
            BatchWriter writer;

            @Override
            void process(Object key, Object value) {
                RecordContext in = task.record;
                records.add(new SinkRecord<>(key, value, in.topic, in.partition, in.offset, in.timestamp));
            }

            @Override
            void prepareCommit() {
                if (records.isEmpty()) {
                    return;
                }
                SinkBatch<Object, Object> batch = SinkBatch.of(task.applicationId, new TaskBatch(task.taskId, task.batchId), records);
                records.clear();
                try {
                    if (writer == null) {
                        writer = writers.get();
                        if (writer == null) {
                            throw new NullPointerException("the foreachBatch writer factory returned null");
                        }
                    }
                    writer.write(batch);
                } catch (Exception e) {
                    throw failed(e);
                }
            }

            @Override
            void abort(Throwable cause) {
                records.clear();
            }

            @Override
            void close() {
                records.clear();
                if (writer != null) {
                    BatchWriter w = writer;
                    writer = null;
                    w.close();
                }
            }
        };
    }

    /** Publishes each committed batch's records into {@code table} (see {@link MemoryTable}). */
    static Nodes.Factory toMemory(MemoryTable table) {
        return (name, task) -> new Node(name) {
            final List<Object> keysAndValues = new ArrayList<>();

            @Override
            void process(Object key, Object value) {
                keysAndValues.add(key);
                keysAndValues.add(value);
            }

            @Override
            void committed(long batchId) {
                if (keysAndValues.isEmpty()) {
                    return;
                }
                try {
                    table.publish(task.taskId, keysAndValues);
                } finally {
                    keysAndValues.clear();
                }
            }

            @Override
            void abort(Throwable cause) {
                keysAndValues.clear();
            }
        };
    }
}
