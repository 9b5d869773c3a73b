package io.eddy.internal.plan;

import io.eddy.dsl.OutputMode;
import java.util.Optional;

/**
 * What the low-latency trigger ({@code Trigger.lowLatency}) can run, decided on the plan before
 * the application starts. Records are processed one at a time, at-least-once, with offsets
 * committed in the background, so an operator qualifies only if it needs neither a batch boundary
 * to be correct (windows closing on a watermark, FINAL or COMPLETE output, timers) nor state the
 * record-at-a-time loop does not manage (join buffers, global tables, processor state).
 *
 * <p>Supported: sources, the stateless operators (map, mapValues, flatMap, flatMapValues,
 * filter, selectKey, peek, split and its branches, merge, emit(UPDATE)), Kafka sinks and
 * repartition topics, keyed aggregations to a table (count, aggregate, reduce), materialised
 * tables, and table mapValues / filter. Everything else is refused, naming the operator.
 */
public final class LowLatencySupport {

    private LowLatencySupport() {
    }

    /**
     * Why {@code plan} cannot run record at a time, naming every operator that prevents it; empty
     * if it can.
     *
     * @param plan a defined plan; not null
     */
    public static Optional<String> refusal(Plan plan) {
        java.util.List<String> reasons = new java.util.ArrayList<>();
        if (!plan.globalTables().isEmpty()) {
            reasons.add("global table '" + plan.globalTables().get(0).topic() + "' is not supported");
        }
        for (PlanNode n : plan.flushOrder()) {
            String unsupported = unsupported(n.operator());
            if (unsupported != null) {
                reasons.add("operator '" + n.name() + "' (" + n.kind() + ") is not supported: " + unsupported);
            }
            for (PlanNode child : n.children()) {
                OutputMode mode = n.modeOf(child);
                if (mode != OutputMode.UPDATE) {
                    reasons.add("operator '" + n.name() + "' emits " + mode + " output, which needs batch "
                            + "boundaries; only UPDATE output (every change at once) is supported");
                    break;
                }
            }
        }
        if (reasons.isEmpty() && plan.eventTime()) {
            reasons.add("event time (withEventTime) is not supported: watermarks advance at batch commits");
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    private static final java.util.Set<Class<?>> SUPPORTED = java.util.Set.of(
            OperatorSpec.Source.class, OperatorSpec.PassThrough.class, OperatorSpec.Map.class,
            OperatorSpec.MapValues.class, OperatorSpec.FlatMap.class, OperatorSpec.FlatMapValues.class,
            OperatorSpec.Filter.class, OperatorSpec.SelectKey.class, OperatorSpec.Peek.class, OperatorSpec.Split.class,
            OperatorSpec.KafkaSink.class, OperatorSpec.RepartitionSink.class, OperatorSpec.Aggregate.class,
            OperatorSpec.Reduce.class, OperatorSpec.Materialize.class, OperatorSpec.TableMapValues.class,
            OperatorSpec.TableFilter.class);

    /** Why {@code op} cannot run record at a time, or null if it can. */
    private static String unsupported(OperatorSpec op) {
        if (SUPPORTED.contains(op.getClass())) {
            return null;
        }
        if (op instanceof OperatorSpec.WindowAggregate || op instanceof OperatorSpec.InvertibleWindowReduce) {
            return "windows close on watermarks at batch commits";
        }
        if (op instanceof OperatorSpec.AssignEventTime) {
            return "watermarks advance at batch commits";
        }
        if (op instanceof OperatorSpec.StreamJoinSide || op instanceof OperatorSpec.StreamTableJoin
                || op instanceof OperatorSpec.GlobalJoin || op instanceof OperatorSpec.TableJoin) {
            return "joins are not supported";
        }
        if (op instanceof OperatorSpec.KeyedProcess || op instanceof OperatorSpec.RecordProcess
                || op instanceof OperatorSpec.UpdateState) {
            return "processors are not supported";
        }
        if (op instanceof OperatorSpec.Foreach) {
            return "foreach writers commit per batch";
        }
        return "only stateless operators, Kafka sinks and count/aggregate/reduce to a table are supported";
    }
}
