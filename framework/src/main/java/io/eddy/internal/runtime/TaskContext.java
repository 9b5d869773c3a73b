package io.eddy.internal.runtime;

import io.eddy.kafka.internal.RecordSink;
import java.io.PrintStream;

/**
 * What the nodes of one task share: the task number, the current input record, where output goes,
 * the task's batch number, its stores and the application's global tables.
 */
public final class TaskContext {
    final int taskId;
    final RecordContext record = new RecordContext();
    final RecordSink sink;
    final PrintStream console;
    final TaskState state;
    final GlobalTables globals;
    final java.util.function.Function<io.eddy.internal.plan.PlanNode, Node> nodes;
    long batchId;

    TaskContext(int taskId, RecordSink sink, PrintStream console, TaskState state, GlobalTables globals,
                java.util.function.Function<io.eddy.internal.plan.PlanNode, Node> nodes) {
        this.taskId = taskId;
        this.sink = sink;
        this.console = console;
        this.state = state;
        this.globals = globals;
        this.nodes = nodes;
    }

    /** The task's stores. */
    TaskState state() {
        if (state == null) {
            throw new IllegalStateException("task " + taskId + " has no state");
        }
        return state;
    }

    /** The application's global tables. */
    GlobalTables globals() {
        if (globals == null) {
            throw new IllegalStateException("the application has no global tables");
        }
        return globals;
    }

    /** The instance of {@code node} in this task (created if needed). */
    Node node(io.eddy.internal.plan.PlanNode node) {
        return nodes.apply(node);
    }
}
