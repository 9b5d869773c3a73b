package io.eddy.state;

/**
 * A state store failed: it could not be opened, read or written, or it was used after it was
 * closed. The message names the store and, for persistent stores, its directory. Not retriable by
 * itself: the runtime treats it as a task failure and recovers the task from its changelog.
 */
public class StateStoreException extends RuntimeException {

    /**
     * Creates an exception.
     *
     * @param message what failed, naming the store and its directory
     */
    public StateStoreException(String message) {
        super(message);
    }

    /**
     * Creates an exception with an underlying cause.
     *
     * @param message what failed, naming the store and its directory
     * @param cause   the underlying failure; may be null
     */
    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
