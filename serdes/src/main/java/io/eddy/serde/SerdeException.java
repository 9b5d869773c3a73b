package io.eddy.serde;

/**
 * Thrown by a {@link Serde} that cannot encode a value or decode bytes. The message says what
 * was wrong with the input (for example its length), never the full payload.
 *
 * <p>A serde failure is either about the record (bad bytes, unknown schema id, a value that does
 * not fit the schema), which no retry will fix, or about the environment (the schema registry
 * cannot be reached), which a later attempt may fix. The second kind is marked
 * {@linkplain #retriable() retriable}: the runtime never skips or dead-letters a retriable failure,
 * because doing so would drop records during an outage of a dependency.
 */
public class SerdeException extends RuntimeException {

    private final boolean retriable;

    /** Creates a non-retriable exception with a message describing the bad input. */
    public SerdeException(String message) {
        this(message, null, false);
    }

    /** Creates a non-retriable exception with a message and the underlying cause. */
    public SerdeException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * Creates an exception that says whether retrying the same operation later may succeed.
     *
     * @param message what failed; never the full payload
     * @param cause the underlying cause; may be null
     * @param retriable true if the failure comes from the environment (for example an unreachable
     *     schema registry) rather than from the record itself
     */
    public SerdeException(String message, Throwable cause, boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    /**
     * Whether the same operation may succeed if tried again later. False for failures caused by
     * the record itself (bad magic byte, truncated payload, unknown schema id).
     */
    public boolean retriable() {
        return retriable;
    }
}
