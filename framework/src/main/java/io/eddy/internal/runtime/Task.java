package io.eddy.internal.runtime;

import io.eddy.ErrorAction;
import io.eddy.ErrorContext;
import io.eddy.ErrorHandler;
import io.eddy.ProcessingFailedException;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.plan.PlanNode;
import io.eddy.internal.plan.SourceSpec;
import io.eddy.kafka.internal.RecordSink;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task {@code p}: the operator graph instantiated for partition {@code p} of every input topic.
 * Both the Kafka runtime and the test driver feed it records in offset order and tell it when
 * a batch commits or aborts, so the same operator code runs in both.
 *
 * <p>The per-record path is {@link #process}: set the record context, deserialize, push through
 * the graph. An exception from a serde or a user function goes to the {@link ErrorHandler};
 * {@link ErrorAction#SKIP} counts the record and moves on, {@link ErrorAction#FAIL} throws
 * {@link ProcessingFailedException}, which the caller turns into an aborted batch and a stopped
 * application. Not thread-safe: one worker thread owns a task.
 */
public final class Task {
    private static final Logger log = LoggerFactory.getLogger(Task.class);

    private final TaskContext context;
    private final Plan plan;
    private final ErrorHandler errorHandler;
    private final Map<PlanNode, Node> instances = new IdentityHashMap<>();
    private final Map<String, SourceNode> sourceByTopic = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private long skippedInBatch;

    public Task(int id, Plan plan, RecordSink sink, ErrorHandler errorHandler, PrintStream console) {
        this.context = new TaskContext(id, sink, console);
        this.plan = plan;
        this.errorHandler = errorHandler;
    }

    public int id() {
        return context.taskId;
    }

    /** The task's current batch number (see {@link io.eddy.dsl.TaskBatch}). */
    public long batchId() {
        return context.batchId;
    }

    /** Sets the batch number, from the metadata of the task's committed offsets. */
    public void batchId(long batchId) {
        context.batchId = batchId;
    }

    /**
     * The source that reads {@code topic} in this task, created on first use. Callers look it up
     * once per partition and poll, not per record.
     */
    public Object sourceFor(String topic) {
        SourceNode node = sourceByTopic.get(topic);
        if (node == null) {
            SourceSpec spec = plan.sourceFor(topic)
                    .orElseThrow(() -> new IllegalStateException("no source reads topic " + topic));
            node = (SourceNode) instantiate(spec.root(), spec);
            sourceByTopic.put(topic, node);
        }
        return node;
    }

    private Node instantiate(PlanNode planNode, SourceSpec source) {
        Node node = instances.get(planNode);
        if (node != null) {
            return node;
        }
        node = planNode.factory() == null
                ? new SourceNode(planNode.name(), source.consumed().keySerde(), source.consumed().valueSerde())
                : planNode.factory().create(planNode.name(), context);
        instances.put(planNode, node);
        nodes.add(node);
        Node[] next = new Node[planNode.children().size()];
        for (int i = 0; i < next.length; i++) {
            next[i] = instantiate(planNode.children().get(i), source);
        }
        node.next = next;
        return node;
    }

    /**
     * Processes one record of {@code source} (as returned by {@link #sourceFor}).
     *
     * @throws ProcessingFailedException when the error handler says {@link ErrorAction#FAIL}
     */
    public void process(Object source, ConsumerRecord<byte[], byte[]> record) {
        SourceNode src = (SourceNode) source;
        context.record.set(record.topic(), record.partition(), record.offset(), record.timestamp(), record.headers());
        Object key;
        Object value;
        try {
            key = src.keySerde.deserialize(record.topic(), record.headers(), record.key());
            value = src.valueSerde.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            onError(ErrorContext.Kind.DESERIALIZATION, src.name, e);
            return;
        }
        try {
            src.forward(key, value);
        } catch (OperatorException e) {
            onError(ErrorContext.Kind.PROCESSING, e.operator, e.getCause());
        }
    }

    private void onError(ErrorContext.Kind kind, String operator, Throwable error) {
        RecordContext r = context.record;
        ErrorContext ctx = new ErrorContext(kind, operator, r.topic, r.partition, r.offset, error);
        ErrorAction action;
        try {
            action = errorHandler.handle(ctx);
        } catch (RuntimeException handlerFailure) {
            error.addSuppressed(handlerFailure);
            action = ErrorAction.FAIL;
        }
        if (action == ErrorAction.SKIP) {
            skippedInBatch++;
            log.warn("skipped record: {}", ctx.describe());
        } else {
            throw new ProcessingFailedException(ctx);
        }
    }

    /** Records skipped since the last commit or abort. */
    public long skippedInBatch() {
        return skippedInBatch;
    }

    /**
     * Lets sinks flush before the batch commits.
     *
     * @throws ProcessingFailedException if a sink cannot flush; the batch must then be aborted
     */
    public void prepareCommit() {
        for (Node n : nodes) {
            try {
                n.prepareCommit();
            } catch (OperatorException e) {
                throw new ProcessingFailedException("operator '" + e.operator + "' of task " + id()
                        + " failed to complete batch " + context.batchId + ": " + e.getCause(), e.getCause());
            }
        }
    }

    /** The batch committed: the next batch gets the next number. */
    public void committed() {
        context.batchId++;
        skippedInBatch = 0;
    }

    /** The batch was aborted; its records will be processed again under the same batch number. */
    public void aborted(Throwable cause) {
        for (Node n : nodes) {
            n.abort(cause);
        }
        skippedInBatch = 0;
    }
}
