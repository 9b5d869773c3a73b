package io.eddy.internal.runtime;

/**
 * A physical operator of one task: receives a key and value, forwards zero or more to its
 * children. Nodes run on the task's worker thread only. A node calls user code inside
 * {@code try} and wraps what it throws with {@link #failed}, so the error names the operator;
 * forwarding happens outside that {@code try}, so a child's failure is not blamed on the parent.
 */
public abstract class Node {
    private static final Node[] NONE = {};

    final String name;
    Node[] next = NONE;

    protected Node(String name) {
        this.name = name;
    }

    /** Processes one record. */
    abstract void process(Object key, Object value);

    final void forward(Object key, Object value) {
        for (Node n : next) {
            n.process(key, value);
        }
    }

    final OperatorException failed(Throwable t) {
        return new OperatorException(name, t);
    }

    /**
     * The batch is about to commit: emit what the node held back during the batch (tables emit
     * their changed rows). Called in plan order, parents first, before {@link #prepareCommit}.
     * Default: nothing.
     */
    void flush() {
    }

    /** The batch is about to commit; flush anything external. Default: nothing. */
    void prepareCommit() {
    }

    /** The batch was aborted. Default: nothing. */
    void abort(Throwable cause) {
    }
}
