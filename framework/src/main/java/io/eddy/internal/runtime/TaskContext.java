package io.eddy.internal.runtime;

import io.eddy.kafka.internal.RecordSink;
import java.io.PrintStream;

/**
 * What the nodes of one task share: the task number, the current input record, where output goes,
 * and the task's batch number.
 */
public final class TaskContext {
    final int taskId;
    final RecordContext record = new RecordContext();
    final RecordSink sink;
    final PrintStream console;
    long batchId;

    public TaskContext(int taskId, RecordSink sink, PrintStream console) {
        this.taskId = taskId;
        this.sink = sink;
        this.console = console;
    }
}
