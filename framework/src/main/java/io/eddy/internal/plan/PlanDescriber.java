package io.eddy.internal.plan;

import io.eddy.PipelineDescription;
import io.eddy.dsl.OutputMode;
import io.eddy.serde.Serde;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the text of {@link PipelineDescription} from a plan. The text depends only on the
 * pipeline's definition (names, kinds, topics, serde classes, in definition order), never on
 * identities or hash order, so it is stable across builds.
 */
final class PlanDescriber {

    private PlanDescriber() {
    }

    static PipelineDescription describe(Plan plan) {
        StringBuilder out = new StringBuilder();
        out.append("Pipeline ").append(plan.applicationId()).append('\n');
        out.append("Sources\n");
        for (SourceSpec s : plan.sources()) {
            out.append("  ").append(s.name()).append(": ");
            if (s.internal()) {
                out.append("repartition topic ").append(String.join(", ", s.topics()));
            } else if (s.pattern() != null) {
                out.append("topics matching /").append(s.pattern().pattern()).append('/');
            } else {
                out.append(s.topics().size() == 1 ? "topic " : "topics ").append(String.join(", ", s.topics()));
            }
            out.append(", key ").append(serde(s.consumed().keySerde()))
                    .append(", value ").append(serde(s.consumed().valueSerde())).append('\n');
        }
        if (!plan.globalTables().isEmpty()) {
            out.append("Global tables\n");
            for (GlobalTableSpec g : plan.globalTables()) {
                out.append("  topic ").append(g.topic()).append(", key ").append(serde(g.consumed().keySerde()))
                        .append(", value ").append(serde(g.consumed().valueSerde())).append('\n');
            }
        }
        out.append("Operators, in processing order\n");
        List<PlanNode> sinks = new ArrayList<>();
        for (PlanNode n : readingOrder(plan.flushOrder())) {
            out.append("  ").append(n.name).append(": ").append(n.kind);
            String details = details(n);
            if (!details.isEmpty()) {
                out.append(", ").append(details);
            }
            if (!n.children.isEmpty()) {
                out.append(" -> ").append(n.children.stream()
                        .map(c -> n.modeOf(c) == OutputMode.UPDATE ? c.name : c.name + " (" + n.modeOf(c) + ")")
                        .collect(Collectors.joining(", ")));
            }
            out.append('\n');
            if (n.sink) {
                sinks.add(n);
            }
        }
        if (!plan.stores().isEmpty()) {
            out.append("State stores\n");
            for (StoreSpec s : plan.stores()) {
                out.append("  ").append(s.name()).append(": ").append(s.descriptor())
                        .append(", changelog ").append(s.changelogTopic()).append('\n');
            }
        }
        if (!plan.repartitionTopics().isEmpty() || plan.stateful()) {
            out.append("Internal topics\n");
            plan.repartitionTopics().forEach(t -> out.append("  ").append(t).append(": repartition\n"));
            plan.stores().forEach(s -> out.append("  ").append(s.changelogTopic()).append(": changelog of ")
                    .append(s.name()).append('\n'));
        }
        out.append("Sinks\n");
        for (PlanNode n : sinks) {
            out.append("  ").append(n.name).append(": ").append(sinkTarget(n.operator)).append('\n');
        }
        List<String> unnamed = plan.unnamedState().stream().map(UnnamedState::derivedName).toList();
        if (!unnamed.isEmpty()) {
            out.append("Unnamed stateful operators (name them with Named)\n");
            plan.unnamedState().forEach(u -> out.append("  ").append(u.derivedName()).append(": ")
                    .append(u.operator()).append('\n'));
        }
        return PipelineDescription.of(out.toString(), unnamed);
    }

    /**
     * The operators parents before children, following each flow as far as it goes before the
     * next (a depth-first topological order): a source, then its operators, then the next source.
     */
    private static List<PlanNode> readingOrder(List<PlanNode> nodes) {
        java.util.Map<PlanNode, Integer> waitingFor = new java.util.IdentityHashMap<>();
        nodes.forEach(n -> waitingFor.putIfAbsent(n, 0));
        nodes.forEach(n -> n.children.forEach(c -> waitingFor.merge(c, 1, Integer::sum)));
        java.util.Deque<PlanNode> ready = new java.util.ArrayDeque<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (waitingFor.get(nodes.get(i)) == 0) {
                ready.push(nodes.get(i));
            }
        }
        List<PlanNode> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            PlanNode n = ready.pop();
            order.add(n);
            for (int i = n.children.size() - 1; i >= 0; i--) {
                PlanNode c = n.children.get(i);
                if (waitingFor.merge(c, -1, Integer::sum) == 0) {
                    ready.push(c);
                }
            }
        }
        return order;
    }

    /** What the operator line says besides name and kind: its store, topic or table. */
    private static String details(PlanNode n) {
        OperatorSpec op = n.operator;
        if (op instanceof OperatorSpec.Aggregate a) {
            return "store " + a.store().name();
        } else if (op instanceof OperatorSpec.Reduce r) {
            return "store " + r.store().name();
        } else if (op instanceof OperatorSpec.Materialize m) {
            return "store " + m.store().name();
        } else if (op instanceof OperatorSpec.InvertibleWindowReduce w) {
            return "panes " + w.window().store().name() + " (" + w.paneMs() + " ms), running windows "
                    + w.running().name() + (w.window().timerStore() != null ? ", timers " + w.window().timerStore().name() : "");
        } else if (op instanceof OperatorSpec.TableAggregate t) {
            return "store " + t.store().name() + " (adds and subtracts regrouped rows)";
        } else if (op instanceof OperatorSpec.TableMapValues t) {
            return "of table " + t.parent().name;
        } else if (op instanceof OperatorSpec.TableFilter t) {
            return "of table " + t.parent().name;
        } else if (op instanceof OperatorSpec.DropDuplicates d) {
            return "store " + d.store().name();
        } else if (op instanceof OperatorSpec.WindowAggregate w) {
            WindowSpec spec = w.window();
            StringBuilder stores = new StringBuilder("store ").append(spec.store().name());
            if (w.paneMs() > 0) {
                stores.append(" (panes of ").append(w.paneMs()).append(" ms)");
            }
            if (spec.recordStore() != null) {
                stores.append(", records ").append(spec.recordStore().name());
            }
            if (spec.timerStore() != null) {
                stores.append(", timers ").append(spec.timerStore().name());
            }
            if (spec.lateNode() != null) {
                stores.append(", late records to ").append(spec.lateNode().name);
            }
            return stores.toString();
        } else if (op instanceof OperatorSpec.StreamJoinSide j) {
            StoreSpec own = j.leftSide() ? j.join().leftStore() : j.join().rightStore();
            StoreSpec other = j.leftSide() ? j.join().rightStore() : j.join().leftStore();
            return "store " + own.name() + ", looks up " + other.name();
        } else if (op instanceof OperatorSpec.StreamTableJoin j) {
            return "with table " + j.table().name;
        } else if (op instanceof OperatorSpec.TableJoin j) {
            return "of tables " + j.leftTable().name + " and " + j.rightTable().name;
        } else if (op instanceof OperatorSpec.GlobalJoin j) {
            return "with global table of topic " + j.topic();
        } else if (op instanceof OperatorSpec.RepartitionSink r) {
            return "to topic " + r.topic();
        } else if (op instanceof OperatorSpec.KafkaSink k) {
            return k.topic() != null ? "to topic " + k.topic() : "to a topic chosen per record";
        } else if (op instanceof OperatorSpec.AssignEventTime a) {
            return (a.eventTime() == null ? "record timestamp" : "extracted from the value")
                    + ", allowed delay " + n.eventTimeDelayMs + " ms";
        }
        return "";
    }

    private static String sinkTarget(OperatorSpec op) {
        if (op instanceof OperatorSpec.KafkaSink k) {
            return (k.topic() != null ? "topic " + k.topic() : "topic chosen per record")
                    + ", key " + serde(k.keySerde()) + ", value " + serde(k.valueSerde());
        } else if (op instanceof OperatorSpec.Foreach) {
            return "foreach writer";
        } else if (op instanceof OperatorSpec.ForeachBatch) {
            return "foreachBatch writer";
        } else if (op instanceof OperatorSpec.ToMemory m) {
            return "memory table " + m.table().name() + " (" + m.table().mode() + ")";
        } else if (op instanceof OperatorSpec.Console) {
            return "console";
        }
        return op.getClass().getSimpleName();
    }

    /**
     * A stable name for a serde: its class's simple name (an enum constant's enum; an anonymous
     * class's enclosing class), or {@code custom} for a lambda, whose class name is not stable.
     */
    static String serde(Serde<?> serde) {
        if (serde == null) {
            return "none";
        }
        Class<?> c = serde.getClass();
        if (c.isEnum() || (c.getSuperclass() != null && c.getSuperclass().isEnum())) {
            return c.isEnum() ? c.getSimpleName() : c.getSuperclass().getSimpleName();
        }
        if (c.isHidden() || c.isSynthetic()) {
            return "custom";
        }
        if (c.isAnonymousClass()) {
            Class<?> enclosing = c.getEnclosingClass();
            return enclosing == null ? "custom" : enclosing.getSimpleName();
        }
        return c.getSimpleName();
    }
}
