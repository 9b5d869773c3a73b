package io.eddy.serde;

/**
 * Thrown by a {@link Serde} that cannot encode a value or decode bytes. The message says what
 * was wrong with the input (for example its length), never the full payload.
 */
public class SerdeException extends RuntimeException {

    /** Creates an exception with a message describing the bad input. */
    public SerdeException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public SerdeException(String message, Throwable cause) {
        super(message, cause);
    }
}
