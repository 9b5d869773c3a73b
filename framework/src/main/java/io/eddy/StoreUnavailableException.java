package io.eddy;

import java.util.Objects;

/**
 * A query of a state store could not be answered here now. Never thrown in place of an answer
 * that would be stale or partial: a query either sees the committed state of the tasks it reads,
 * or fails with this exception.
 *
 * <p>{@link #isRetriable()} tells whether asking again (after a short pause, or another instance
 * for {@link Reason#NOT_HOSTED_HERE}) can succeed.
 */
public class StoreUnavailableException extends RuntimeException {

    /** Why a store cannot answer. Later versions may add reasons. */
    public enum Reason {
        /** The group is rebalancing: which instance owns which task is changing. Retriable. */
        REBALANCING(true),
        /** The task holding the key is restoring its stores from the changelog. Retriable. */
        RESTORING(true),
        /**
         * The key's task is not owned by this instance; ask the instance
         * {@link EddyApp#metadataForKey} names. Retriable there (or here after a rebalance).
         */
        NOT_HOSTED_HERE(true),
        /** The worker owning the task did not run the query in time (a long batch). Retriable. */
        BUSY(true),
        /** The application has not started, has stopped or failed. Not retriable. */
        NOT_RUNNING(false);

        private final boolean retriable;

        Reason(boolean retriable) {
            this.retriable = retriable;
        }

        /** Whether a query failing for this reason may succeed when asked again. */
        public boolean retriable() {
            return retriable;
        }
    }

    private final String store;
    private final Reason reason;

    /**
     * @param store the store's name; not null
     * @param reason why; not null
     * @param detail what happened, for the message; not null
     */
    public StoreUnavailableException(String store, Reason reason, String detail) {
        super("store '" + store + "' is unavailable (" + reason + (reason.retriable() ? ", retriable" : "")
                + "): " + detail);
        this.store = Objects.requireNonNull(store, "store");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The store queried. */
    public String store() {
        return store;
    }

    /** Why it is unavailable. */
    public Reason reason() {
        return reason;
    }

    /** Whether asking again may succeed ({@link Reason#retriable()}). */
    public boolean isRetriable() {
        return reason.retriable();
    }
}
