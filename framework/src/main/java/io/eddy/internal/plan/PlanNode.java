package io.eddy.internal.plan;

import java.util.ArrayList;
import java.util.List;

/** One operator of the logical plan: its name and kind, the description of what it does, and its children. */
public final class PlanNode {
    String name;
    final String kind;
    /** What the operator does; replaced only while the pipeline is defined (a FINAL output adds a timer store). */
    OperatorSpec operator;
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

    /** Whether the operator owns state or an internal topic, so only its {@code Named} argument may name it. */
    boolean namedByArgument;

    PlanNode(String name, String kind, OperatorSpec operator, boolean sink) {
        this.name = name;
        this.kind = kind;
        this.operator = java.util.Objects.requireNonNull(operator, "operator");
        this.sink = sink;
    }

    public String name() {
        return name;
    }

    /** What the operator does. */
    public OperatorSpec operator() {
        return operator;
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
