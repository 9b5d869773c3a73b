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
}
