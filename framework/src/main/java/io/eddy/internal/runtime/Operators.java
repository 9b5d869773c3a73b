package io.eddy.internal.runtime;

import io.eddy.internal.plan.OperatorSpec;
import io.eddy.internal.plan.PlanNode;
import java.util.function.BiPredicate;

/**
 * The one place that turns a plan's description of an operator ({@link OperatorSpec}) into the
 * node that runs it in a task. The plan knows nothing of nodes; a task calls
 * {@link #instantiate} once per operator it meets.
 */
final class Operators {

    private Operators() {
    }

    /** A new node for {@code planNode} in {@code task}, named as the plan names it. */
    @SuppressWarnings("rawtypes")
    static Node instantiate(PlanNode planNode, TaskContext task) {
        String name = planNode.name();
        OperatorSpec op = planNode.operator();
        Nodes.Factory factory;
        if (op instanceof OperatorSpec.Source s) {
            return new SourceNode(name, s.keySerde(), s.valueSerde());
        } else if (op instanceof OperatorSpec.PassThrough) {
            factory = Nodes.passThrough();
        } else if (op instanceof OperatorSpec.Map m) {
            factory = Nodes.map(m.mapper());
        } else if (op instanceof OperatorSpec.MapValues m) {
            factory = Nodes.mapValues(m.mapper());
        } else if (op instanceof OperatorSpec.FlatMap m) {
            factory = Nodes.flatMap(m.mapper());
        } else if (op instanceof OperatorSpec.FlatMapValues m) {
            factory = Nodes.flatMapValues(m.mapper());
        } else if (op instanceof OperatorSpec.Filter f) {
            factory = Nodes.filter(f.predicate());
        } else if (op instanceof OperatorSpec.SelectKey k) {
            factory = Nodes.selectKey(k.selector());
        } else if (op instanceof OperatorSpec.Peek p) {
            factory = Nodes.peek(p.action());
        } else if (op instanceof OperatorSpec.Split s) {
            factory = Nodes.split(s.predicates().toArray(BiPredicate[]::new), s.hasDefault());
        } else if (op instanceof OperatorSpec.KafkaSink k) {
            factory = Nodes.kafkaSink(k.topic(), k.chooser(), k.keySerde(), k.valueSerde());
        } else if (op instanceof OperatorSpec.Foreach f) {
            factory = Nodes.foreach(f.writers());
        } else if (op instanceof OperatorSpec.ForeachBatch f) {
            factory = SinkNodes.foreachBatch(f.writers());
        } else if (op instanceof OperatorSpec.ToMemory m) {
            factory = SinkNodes.toMemory(m.table());
        } else if (op instanceof OperatorSpec.Console) {
            factory = Nodes.console();
        } else if (op instanceof OperatorSpec.Aggregate a) {
            factory = StatefulNodes.aggregate(a.store(), a.initializer(), a.aggregator(), a.maxKeys());
        } else if (op instanceof OperatorSpec.Reduce r) {
            factory = StatefulNodes.reduce(r.store(), r.reducer(), r.maxKeys());
        } else if (op instanceof OperatorSpec.Materialize m) {
            factory = StatefulNodes.materialize(m.store());
        } else if (op instanceof OperatorSpec.StreamTableJoin j) {
            factory = StatefulNodes.streamTableJoin(j.table(), j.joiner(), j.left());
        } else if (op instanceof OperatorSpec.GlobalJoin j) {
            factory = StatefulNodes.globalJoin(j.topic(), j.keyMapper(), j.joiner(), j.left());
        } else if (op instanceof OperatorSpec.TableJoin j) {
            factory = StatefulNodes.tableJoin(j.leftTable(), j.rightTable(), j.joiner(), j.type());
        } else if (op instanceof OperatorSpec.RepartitionSink r) {
            factory = StatefulNodes.repartitionSink(r.topic(), r.keySerde(), r.valueSerde());
        } else if (op instanceof OperatorSpec.AssignEventTime a) {
            factory = EventTimeNodes.assign(a.eventTime());
        } else if (op instanceof OperatorSpec.DropDuplicates d) {
            factory = EventTimeNodes.dedup(d.store(), d.id(), d.idSerde());
        } else if (op instanceof OperatorSpec.WindowAggregate w) {
            factory = w.paneMs() > 0 ? PaneWindowNodes.aggregate(w.window(), w.paneMs()) : WindowNodes.aggregate(w.window());
        } else if (op instanceof OperatorSpec.StreamJoinSide j) {
            factory = EventTimeNodes.joinSide(j.join(), j.leftSide());
        } else if (op instanceof OperatorSpec.KeyedProcess k) {
            factory = ProcessorNodes.keyed(k);
        } else if (op instanceof OperatorSpec.RecordProcess r) {
            factory = ProcessorNodes.record(r);
        } else if (op instanceof OperatorSpec.UpdateState u) {
            factory = StatefulNodes.updateState(u.store(), u.updater());
        } else if (op instanceof OperatorSpec.TableMapValues t) {
            factory = TableNodes.mapValues(t.parent(), t.mapper());
        } else if (op instanceof OperatorSpec.TableFilter t) {
            factory = TableNodes.filter(t.parent(), t.predicate(), t.not());
        } else if (op instanceof OperatorSpec.TableGroupBy t) {
            factory = TableNodes.groupBy(t.selector());
        } else if (op instanceof OperatorSpec.TableAggregate t) {
            factory = TableNodes.aggregate(t.store(), t.initializer(), t.adder(), t.subtractor(), t.maxKeys());
        } else if (op instanceof OperatorSpec.InvertibleWindowReduce w) {
            factory = InvertibleWindowNodes.reduce(w.window(), w.reducer(), w.inverse(), w.running(), w.paneMs());
        } else {
            throw new IllegalStateException("operator '" + name + "' is a " + op.getClass().getSimpleName()
                    + ", which the runtime cannot run yet (io.eddy.internal.runtime.Operators)");
        }
        return factory.create(name, task);
    }
}
