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
    /** Per child, how a table node emits to it; null when every child takes plain updates. */
    io.eddy.dsl.OutputMode[] childModes;

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

    /** Emits to the children that take {@code mode} output (all children take UPDATE by default). */
    final void emit(io.eddy.dsl.OutputMode mode, Object key, Object value) {
        if (childModes == null) {
            if (mode == io.eddy.dsl.OutputMode.UPDATE) {
                forward(key, value);
            }
            return;
        }
        for (int i = 0; i < next.length; i++) {
            if (childModes[i] == mode) {
                next[i].process(key, value);
            }
        }
    }

    /** Whether some child takes {@code mode} output. */
    final boolean emits(io.eddy.dsl.OutputMode mode) {
        if (childModes == null) {
            return mode == io.eddy.dsl.OutputMode.UPDATE && next.length > 0;
        }
        for (io.eddy.dsl.OutputMode m : childModes) {
            if (m == mode) {
                return true;
            }
        }
        return false;
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

    /**
     * The batch committed (its output, offsets and checkpoint are in Kafka): publish what was
     * staged for it outside Kafka, e.g. a file sink's manifest entry. Called after the task's
     * stores applied the batch, with the number of the batch that committed. A failure here cannot
     * undo the commit: a node must be able to finish the publication after a restart (the task's
     * checkpoint names the last committed batch). Default: nothing.
     */
    void committed(long batchId) {
    }

    /**
     * The task has just been created on this member (assigned, and its checkpoint read):
     * {@code nextBatchId} is the number of the batch it will run next, so every batch below it has
     * committed and none at or above it has. A node that publishes outside Kafka finishes or
     * discards here what a previous owner left. Called once, before the task's first record.
     * Default: nothing.
     */
    void started(long nextBatchId) {
    }

    /** The batch was aborted. Default: nothing. */
    void abort(Throwable cause) {
    }

    /** The task is being dropped; release user resources. Default: nothing. */
    void close() {
    }
}
