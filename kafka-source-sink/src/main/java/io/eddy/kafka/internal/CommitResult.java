package io.eddy.kafka.internal;

/**
 * How a commit went, when it did not fail outright.
 *
 * @param outcome what happened
 * @param cause the client's exception; null when committed
 */
public record CommitResult(Outcome outcome, RuntimeException cause) {

    /** The batch is committed. */
    public static final CommitResult COMMITTED = new CommitResult(Outcome.COMMITTED, null);

    /** What happened to a commit. */
    public enum Outcome {
        /** The output and offsets are committed. */
        COMMITTED,
        /**
         * The group moved on while the batch was open (a member joined or left): the offsets carry
         * an old generation. The clients are fine; the batch is aborted and processed again once
         * the member has rejoined.
         */
        REFUSED_REBALANCE,
        /** Another producer with the same transactional id (or a static member with the same id) took over. */
        FENCED,
        /** The clients cannot go on (producer epoch gone, commit timed out): replace them and rejoin. */
        CLIENTS_UNUSABLE
    }
}
