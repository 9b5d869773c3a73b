package io.eddy.internal.runtime;

import io.eddy.ErrorAction;
import io.eddy.ErrorContext;
import io.eddy.ErrorHandler;
import io.eddy.ProcessingFailedException;
import io.eddy.internal.plan.Plan;
import io.eddy.internal.plan.PlanNode;
import io.eddy.internal.plan.SourceSpec;
import io.eddy.kafka.internal.RecordSink;
import io.eddy.state.StateStoreException;
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
    /** Per source, the repartition topics with propagated watermarks its records reach. */
    private final Map<SourceSpec, java.util.Set<String>> feeds;
    /** The repartition topics whose watermark the upstream tasks report (see {@link TaskTime}). */
    private final java.util.Set<String> propagated;
    /** Per repartition topic this task reports on, its partition count (= the number of upstream tasks). */
    private final Map<String, Integer> reportPartitions = new HashMap<>();
    private long skippedInBatch;
    /** The instantiated nodes in plan flush order, for {@link #emitHeldBack}; rebuilt when nodes are added. */
    private Node[] flushOrder;
    private int flushOrderSize;

    /**
     * Instantiates the operators of every source with fixed topics.
     *
     * @param state the task's stores; null if the plan has none
     * @param globals the application's global tables; null if the plan has none
     */
    public Task(int id, Plan plan, RecordSink sink, ErrorHandler errorHandler, PrintStream console, TaskState state,
                GlobalTables globals) {
        this(id, plan, sink, errorHandler, console, state, globals, 10_000, System::currentTimeMillis);
    }

    /**
     * Instantiates the operators of every source with fixed topics.
     *
     * @param idleTimeoutMs how long an input partition may be silent before it stops holding the
     *        watermark back (see {@link TaskTime})
     * @param clock the wall clock, in epoch milliseconds
     */
    public Task(int id, Plan plan, RecordSink sink, ErrorHandler errorHandler, PrintStream console, TaskState state,
                GlobalTables globals, long idleTimeoutMs, java.util.function.LongSupplier clock) {
        TaskTime time = plan.eventTime() ? new TaskTime(idleTimeoutMs, clock.getAsLong()) : null;
        this.context = new TaskContext(plan.applicationId(), id, sink, console, state, globals, n -> instantiate(n, null), time, clock);
        this.plan = plan;
        this.errorHandler = errorHandler;
        this.feeds = new IdentityHashMap<>();
        this.propagated = time == null ? java.util.Set.of() : propagatedRepartitions(plan, feeds);
        for (SourceSpec s : plan.sources()) {
            s.topics().forEach(this::sourceFor);
        }
    }

    /** The task's stores, or null for a stateless plan. */
    public TaskState state() {
        return context.state;
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
            node.repartition = spec.internal();
            sourceByTopic.put(topic, node);
            Long delay = plan.eventTimeDelay(spec);
            if (context.time != null && delay != null) {
                context.time.register(topic, delay, feeds.getOrDefault(spec, java.util.Set.of()),
                        propagated.contains(topic), context.clock.getAsLong());
            }
        }
        return node;
    }

    private Node instantiate(PlanNode planNode, SourceSpec source) {
        Node node = instances.get(planNode);
        if (node != null) {
            return node;
        }
        node = Operators.instantiate(planNode, context);
        instances.put(planNode, node);
        nodes.add(node);
        Node[] next = new Node[planNode.children().size()];
        for (int i = 0; i < next.length; i++) {
            next[i] = instantiate(planNode.children().get(i), source);
        }
        node.next = next;
        if (!planNode.children().isEmpty() && planNode.children().stream()
                .anyMatch(c -> planNode.modeOf(c) != io.eddy.dsl.OutputMode.UPDATE)) {
            node.childModes = planNode.children().stream().map(planNode::modeOf).toArray(io.eddy.dsl.OutputMode[]::new);
        }
        return node;
    }

    /**
     * Processes one record of {@code source} (as returned by {@link #sourceFor}).
     *
     * @throws ProcessingFailedException when the error handler says {@link ErrorAction#FAIL}
     */
    public void process(Object source, ConsumerRecord<byte[], byte[]> record) {
        SourceNode src = (SourceNode) source;
        if (src.repartition && record.key() == null && WatermarkReports.isReport(record)) {
            if (context.time != null) {
                byte[] v = record.value();
                context.time.report(record.topic(), WatermarkReports.upstreamTask(v), WatermarkReports.upstreamTasks(v),
                        WatermarkReports.watermark(v), WatermarkReports.quiet(v));
            }
            return;   // a control record: never an operator's input
        }
        context.record.set(record.topic(), record.partition(), record.offset(), record.timestamp(), record.headers());
        Object key;
        Object value;
        try {
            key = src.keySerde.deserialize(record.topic(), record.headers(), record.key());
            value = src.valueSerde.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            onError(ErrorContext.Kind.DESERIALIZATION, src.name, e, record);
            return;
        }
        try {
            src.forward(key, value);
        } catch (OperatorException e) {
            onError(ErrorContext.Kind.PROCESSING, e.operator, e.getCause(), record);
        }
    }

    private void onError(ErrorContext.Kind kind, String operator, Throwable error,
                         ConsumerRecord<byte[], byte[]> record) {
        io.eddy.dsl.SinkBackpressureException slow = causeOfType(error, io.eddy.dsl.SinkBackpressureException.class);
        if (slow != null) {
            throw new SinkBackpressureSignal(id(), operator, slow);   // not an error: the loop retries later
        }
        ErrorContext ctx = ErrorContext.builder().kind(kind).operator(operator).topic(record.topic())
                .partition(record.partition()).offset(record.offset()).error(error).build();
        if (isRetriable(error)) {
            throw new RetriableProcessingException(ctx);
        }
        if (causeOfType(error, StateStoreException.class) != null) {
            // the record is not at fault, the task's state is: never the user's skip or dead letter
            throw new ProcessingFailedException(ctx);
        }
        ErrorAction action;
        try {
            action = errorHandler.handle(ctx);
        } catch (RuntimeException handlerFailure) {
            error.addSuppressed(handlerFailure);
            action = ErrorAction.FAIL;
        }
        if (action != null && action.deadLetterTopic() != null) {
            sendToDeadLetter(action.deadLetterTopic(), ctx, record);
            skippedInBatch++;
            log.warn("sent record to dead-letter topic {}: {}", action.deadLetterTopic(), ctx.describe());
        } else if (ErrorAction.SKIP.equals(action)) {
            skippedInBatch++;
            log.warn("skipped record: {}", ctx.describe());
        } else {
            throw new ProcessingFailedException(ctx);
        }
    }

    /** The first throwable in {@code error}'s cause chain (itself included) of {@code type}, or null. */
    static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean isRetriable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof io.eddy.serde.SerdeException se && se.retriable()) {
                return true;
            }
        }
        return false;
    }

    private void sendToDeadLetter(String topic, ErrorContext ctx, ConsumerRecord<byte[], byte[]> record) {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders(record.headers().toArray());
        Throwable error = ctx.error();
        header(headers, "eddy.error.kind", ctx.kind().name());
        header(headers, "eddy.error.operator", ctx.operator());
        header(headers, "eddy.error.class", error.getClass().getName());
        header(headers, "eddy.error.message", String.valueOf(error.getMessage()));
        header(headers, "eddy.source.topic", record.topic());
        header(headers, "eddy.source.partition", Integer.toString(record.partition()));
        header(headers, "eddy.source.offset", Long.toString(record.offset()));
        header(headers, "eddy.source.timestamp", Long.toString(record.timestamp()));
        context.sink.send(topic, record.key(), record.value(), record.timestamp(), headers);
    }

    private static void header(org.apache.kafka.common.header.Headers headers, String name, String value) {
        headers.add(name, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Records skipped since the last commit or abort. */
    public long skippedInBatch() {
        return skippedInBatch;
    }

    /**
     * Completes the batch before it commits: tables emit their changed rows (parents first), sinks
     * flush, and the stores' dirty entries go to their changelogs through {@code changelog}.
     *
     * @throws ProcessingFailedException if an operator or sink fails; the batch must then be aborted
     */
    public void prepareCommit(ChangelogSink changelog) {
        if (context.time != null) {
            long now = context.clock.getAsLong();
            context.time.advance(now);
            sendWatermarkReports(now);
        }
        for (PlanNode p : plan.flushOrder()) {
            Node n = instances.get(p);
            if (n == null) {
                continue;
            }
            try {
                n.flush();
            } catch (OperatorException e) {
                throw completionFailed(e);
            }
        }
        for (Node n : List.copyOf(nodes)) {
            try {
                n.prepareCommit();
            } catch (OperatorException e) {
                throw completionFailed(e);
            }
        }
        if (context.state != null) {
            context.state.writeChangelog(changelog);
        }
    }

    /**
     * Low-latency mode, after each record: operators that hold output back until a commit (tables)
     * emit it now, so every update leaves at once. Stores, sinks and changelogs are left to
     * {@link #prepareCommit}.
     *
     * @throws ProcessingFailedException if an operator fails
     */
    public void emitHeldBack() {
        if (flushOrder == null || flushOrderSize != nodes.size()) {
            List<Node> order = new ArrayList<>();
            for (PlanNode p : plan.flushOrder()) {   // parents first, as at a commit
                Node n = instances.get(p);
                if (n != null) {
                    order.add(n);
                }
            }
            flushOrder = order.toArray(new Node[0]);
            flushOrderSize = nodes.size();
        }
        for (Node n : flushOrder) {
            try {
                n.flush();
            } catch (OperatorException e) {
                throw new ProcessingFailedException("operator '" + e.operator + "' of task " + id()
                        + " failed to emit its update: " + e.getCause(), e.getCause());
            }
        }
    }

    /** What to throw when an operator fails to complete the batch: a sink's backpressure is no failure. */
    private RuntimeException completionFailed(OperatorException e) {
        io.eddy.dsl.SinkBackpressureException slow = causeOfType(e.getCause(), io.eddy.dsl.SinkBackpressureException.class);
        if (slow != null) {
            return new SinkBackpressureSignal(id(), e.operator, slow);
        }
        return new ProcessingFailedException("operator '" + e.operator + "' of task " + id()
                + " failed to complete batch " + context.batchId + ": " + e.getCause(), e.getCause());
    }

    // ---- event time

    /**
     * Which repartition topics carry their upstream tasks' watermarks: those every feeding source
     * of which keeps event time (the same answer in every task, as it depends on the plan only).
     * Fills {@code feeds} with, per source, the propagated repartition topics its records reach.
     */
    private static java.util.Set<String> propagatedRepartitions(Plan plan, Map<SourceSpec, java.util.Set<String>> feeds) {
        Map<String, Boolean> allFeedersTimed = new HashMap<>();
        Map<SourceSpec, java.util.Set<String>> reached = new IdentityHashMap<>();
        for (SourceSpec s : plan.sources()) {
            java.util.Set<String> topics = new java.util.TreeSet<>();
            java.util.Deque<PlanNode> todo = new java.util.ArrayDeque<>(List.of(s.root()));
            java.util.Set<PlanNode> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            while (!todo.isEmpty()) {
                PlanNode n = todo.poll();
                if (!seen.add(n)) {
                    continue;
                }
                if (n.operator() instanceof io.eddy.internal.plan.OperatorSpec.RepartitionSink r) {
                    topics.add(r.topic());
                }
                todo.addAll(n.children());
            }
            reached.put(s, topics);
            boolean timed = plan.eventTimeDelay(s) != null && s.pattern() == null;
            topics.forEach(t -> allFeedersTimed.merge(t, timed, Boolean::logicalAnd));
        }
        java.util.Set<String> propagated = new java.util.TreeSet<>();
        allFeedersTimed.forEach((t, timed) -> {
            if (timed && plan.eventTimeDelay(plan.sourceFor(t).orElseThrow()) != null) {
                propagated.add(t);
            }
        });
        reached.forEach((s, topics) -> {
            java.util.Set<String> own = new java.util.TreeSet<>(topics);
            own.retainAll(propagated);
            feeds.put(s, java.util.Set.copyOf(own));
        });
        return java.util.Set.copyOf(propagated);
    }

    /** Sends this task's watermark to every downstream task of each repartition topic where it moved. */
    private void sendWatermarkReports(long now) {
        for (String topic : context.time.reportedTopics()) {
            long w = context.time.takeReport(topic, now);
            if (w == Long.MIN_VALUE) {
                continue;
            }
            int partitions = reportPartitions.computeIfAbsent(topic, context.sink::partitions);
            byte[] value = WatermarkReports.encode(id(), partitions, w, context.time.reportedQuiet(topic));
            for (int p = 0; p < partitions; p++) {
                context.sink.send(topic, p, null, value, now, WatermarkReports.headers());
            }
        }
    }

    /** Whether committing at {@code now} would report a watermark that moved to downstream tasks. */
    private boolean reportDue(long now) {
        return context.time != null && context.time.reportDue(now);
    }

    /** The partition of {@code topic}'s lag as its owner sees it at {@code now} (see {@link TaskTime#caughtUp}). */
    public void inputCaughtUp(String topic, long now, boolean caughtUp) {
        if (context.time != null) {
            context.time.caughtUp(topic, now, caughtUp);
        }
    }

    /** A rebalance happened: no input partition counts as caught up until its lag is looked at again. */
    public void inputsUnsettled() {
        if (context.time != null) {
            context.time.unsettled();
        }
    }

    /**
     * The largest event time seen on the task's partition of {@code topic} minus its allowed delay,
     * for an input read from outside; {@link Long#MIN_VALUE} before any, for a repartition topic
     * with propagated watermarks, or without event time. Cheap (a short scan of the task's inputs).
     */
    public long ownEventTime(String topic) {
        return context.time == null ? Long.MIN_VALUE : context.time.ownEventTime(topic);
    }

    /** Per input topic, the watermark of the task's partition of it (MIN if none yet); empty without event time. */
    public Map<String, Long> partitionWatermarks() {
        return context.time == null ? Map.of() : context.time.partitionWatermarks();
    }

    /** What held the task's watermark back at its last commit (a partition, an upstream task, the quiet rule). */
    public String watermarkHeldBy() {
        return context.time == null ? "" : context.time.heldBy();
    }

    /** Whether this task keeps a watermark. */
    public boolean tracksEventTime() {
        return context.time != null;
    }

    /** The task's watermark ({@link Long#MIN_VALUE} before any, or if it keeps none). */
    public long watermark() {
        return context.time == null ? Long.MIN_VALUE : context.time.watermark();
    }

    /** Resumes from the watermark the task's previous owner committed. */
    public void restoreWatermark(long watermark) {
        if (context.time != null) {
            context.time.restore(watermark);
            if (context.state != null) {
                context.state.startWindowStoresAt(watermark);
            }
        }
    }

    /**
     * The largest event time processed from this task's own partition of {@code topic}, including the
     * batch being committed ({@link Long#MIN_VALUE} if none): stored with the partition's offset.
     */
    public long partitionEventTime(String topic) {
        return context.time == null ? Long.MIN_VALUE : context.time.eventTime(topic);
    }

    /** Resumes this task's own partition of {@code topic} from the event time its previous owner committed. */
    public void restoreEventTime(String topic, long eventTime) {
        if (context.time != null) {
            context.time.restoreEventTime(topic, eventTime);
        }
    }

    /** The task's partition of {@code topic} delivered records in the poll at {@code now}. */
    public void inputActive(String topic, long now) {
        if (context.time != null) {
            context.time.active(topic, now);
        }
    }

    /**
     * Whether committing a batch at {@code now}, even one without records, would fire a timer:
     * the watermark would reach an event-time timer, or the clock has reached a processing-time
     * one. The worker then runs such a batch, so a quiet stream still closes its windows.
     */
    public boolean timersDue(long now) {
        if (reportDue(now)) {
            return true;
        }
        if (context.timerOwners.isEmpty()) {
            return false;
        }
        long candidate = context.time == null ? Long.MIN_VALUE : context.time.candidate(now);
        for (TaskContext.TimerOwner owner : context.timerOwners) {
            if (owner.nextEventTimer() <= candidate || owner.nextProcessingTimer() <= now) {
                return true;
            }
        }
        return false;
    }

    /** Late records dropped in the current batch, per operator (live view; cleared at commit and abort). */
    public Map<String, Long> lateInBatch() {
        return context.lateInBatch;
    }

    /** Operators' figures reported in the current batch (live view; cleared at commit and abort). */
    public Map<String, Double> metricsInBatch() {
        return context.metricsInBatch;
    }

    /** Bytes of uncommitted state changes held by the task's stores. */
    public long dirtyStateBytes() {
        return context.state == null ? 0 : context.state.dirtyBytes();
    }

    /** The batch committed: stores apply its changes; the next batch gets the next number. */
    public void committed() {
        if (context.state != null) {
            context.state.committed();
        }
        if (context.time != null) {
            context.time.committed();
        }
        context.lateInBatch.clear();
        context.metricsInBatch.clear();
        for (Node n : nodes) {
            try {
                n.committed(context.batchId);
            } catch (RuntimeException e) {
                log.warn("operator '{}' of task {} failed after batch {} committed: {}", n.name, id(),
                        context.batchId, e.toString());
            }
        }
        context.batchId++;
        skippedInBatch = 0;
    }

    /**
     * The task was created on this member and its batch number set from its checkpoint: operators
     * hear of it ({@link Node#started}) before its first record. A failing operator is logged;
     * the task runs on.
     */
    public void started() {
        for (Node n : nodes) {
            try {
                n.started(context.batchId);
            } catch (RuntimeException e) {
                log.warn("operator '{}' of task {} failed to start at batch {}: {}", n.name, id(),
                        context.batchId, e.toString());
            }
        }
    }

    /** Closes the task's stores (after its batch committed or aborted). */
    public void close() {
        for (Node n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                log.warn("operator '{}' of task {} failed to close: {}", n.name, id(), e.toString());
            }
        }
        if (context.state != null) {
            context.state.close();
        }
    }

    /** The batch was aborted; its records will be processed again under the same batch number. */
    public void aborted(Throwable cause) {
        for (Node n : nodes) {
            n.abort(cause);
        }
        if (context.state != null) {
            context.state.aborted();
        }
        if (context.time != null) {
            context.time.rollback();
        }
        context.timerOwners.forEach(TaskContext.TimerOwner::timersReset);
        context.lateInBatch.clear();
        context.metricsInBatch.clear();
        skippedInBatch = 0;
    }
}
