package io.eddy.state;

/**
 * A persistent store's directory cannot be opened because its contents are corrupt, unreadable
 * or not a store of the expected kind; or an open store found a corrupt block while reading. When
 * opening, the runtime reacts by moving the directory aside and restoring the store from its
 * changelog. A read that finds corruption first leaves a marker in the directory, so the next
 * open refuses it the same way; the runtime then aborts the batch and rejoins the group, and the
 * store is moved aside and restored when its task is assigned again. The data in the directory
 * is not touched by the code that throws this.
 *
 * <p>Not thrown for transient conditions such as a directory locked by another process: those are
 * plain {@link StateStoreException}s, because moving such a directory aside would be wrong.
 */
public class CorruptStoreException extends StateStoreException {

    /**
     * Creates an exception.
     *
     * @param message what is wrong, naming the store and its directory
     * @param cause   the underlying failure; may be null
     */
    public CorruptStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
