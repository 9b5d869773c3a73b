package io.eddy.internal.runtime;

import io.eddy.kafka.internal.RecordSink;
import java.io.PrintStream;

/**
 * What the nodes of one task share: the task number, the current input record, where output goes,
 * the task's batch number, its stores and the application's global tables.
 */
public final class TaskContext {
    final int taskId;
    /** The application's id (given to batch writers). */
    final String applicationId;
    final RecordContext record = new RecordContext();
    final RecordSink sink;
    final PrintStream console;
    final TaskState state;
    final GlobalTables globals;
    final java.util.function.Function<io.eddy.internal.plan.PlanNode, Node> nodes;
    /** The task's event-time clock; null if the plan has no event-time operator. */
    final TaskTime time;
    /** The wall clock (the application's, or the test driver's manual one). */
    final java.util.function.LongSupplier clock;
    /** Operators with timers, asked at commit whether one is due. */
    final java.util.List<TimerOwner> timerOwners = new java.util.ArrayList<>();
    /** Late records dropped in the current batch, per operator. */
    final java.util.Map<String, Long> lateInBatch = new java.util.HashMap<>();
    long batchId;

    /** An operator with timers. */
    interface TimerOwner {
        /** The earliest pending event-time timer, or {@link Long#MAX_VALUE}. */
        long nextEventTimer();

        /** The earliest pending processing-time timer, or {@link Long#MAX_VALUE}. */
        default long nextProcessingTimer() {
            return Long.MAX_VALUE;
        }

        /** The batch aborted: forget cached timer state. */
        void timersReset();
    }

    TaskContext(String applicationId, int taskId, RecordSink sink, PrintStream console, TaskState state, GlobalTables globals,
                java.util.function.Function<io.eddy.internal.plan.PlanNode, Node> nodes, TaskTime time,
                java.util.function.LongSupplier clock) {
        this.time = time;
        this.clock = clock;
        this.applicationId = applicationId;
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

    /** The task's event-time clock. */
    TaskTime time() {
        if (time == null) {
            throw new IllegalStateException("task " + taskId + " tracks no event time");
        }
        return time;
    }

    /** Counts a late record dropped by {@code operator}. */
    /** Operators' figures reported in the current batch, by {@code operator.metric} (cleared at commit and abort). */
    final java.util.Map<String, Double> metricsInBatch = new java.util.TreeMap<>();

    void metric(String name, double value) {
        metricsInBatch.put(name, value);
    }

    void late(String operator) {
        lateInBatch.merge(operator, 1L, Long::sum);
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
