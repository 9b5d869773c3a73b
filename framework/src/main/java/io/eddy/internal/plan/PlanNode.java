package io.eddy.internal.plan;

import io.eddy.internal.runtime.Nodes;
import java.util.ArrayList;
import java.util.List;

/** One operator of the logical plan: its name, how to build it per task, and its children. */
public final class PlanNode {
    String name;
    final String kind;
    final Nodes.Factory factory;
    final List<PlanNode> children = new ArrayList<>();
    final boolean sink;
    /**
     * For an operator that assigns or needs event time, the allowed delay (ms) of the event time
     * it sees; null for other operators. The first such node on a source's paths decides the
     * source's watermark delay.
     */
    Long eventTimeDelayMs;
    /** The output mode of children that are not plain {@code UPDATE} consumers of this table node. */
    final java.util.Map<PlanNode, io.eddy.dsl.OutputMode> childModes = new java.util.IdentityHashMap<>();

    PlanNode(String name, String kind, Nodes.Factory factory, boolean sink) {
        this.name = name;
        this.kind = kind;
        this.factory = factory;
        this.sink = sink;
    }

    public String name() {
        return name;
    }

    public Nodes.Factory factory() {
        return factory;
    }

    public List<PlanNode> children() {
        return children;
    }

    public String kind() {
        return kind;
    }

    public boolean isSink() {
        return sink;
    }

    /** How this (table) node emits to {@code child}: UPDATE unless declared otherwise. */
    public io.eddy.dsl.OutputMode modeOf(PlanNode child) {
        return childModes.getOrDefault(child, io.eddy.dsl.OutputMode.UPDATE);
    }
}
