package io.eddy.serde.registry;

/**
 * A failure reported by, or talking to, a schema registry. Subclasses name the common cases;
 * this base class is thrown for any other error answer, with the registry's HTTP status, its
 * {@code error_code} and its message.
 *
 * <p>Only {@link SchemaRegistryUnavailableException} is {@linkplain #retriable() retriable}: every
 * other subclass is an answer from the registry that will not change by asking again.
 */
public class SchemaRegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    /**
     * Creates an exception for an error answer.
     *
     * @param message the registry's message, prefixed with what the client was doing
     * @param httpStatus the HTTP status, or -1 if no answer was received
     * @param errorCode the registry's {@code error_code}, or -1 if the answer carried none
     */
    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, null);
    }

    /** As {@link #SchemaRegistryException(String, int, int)}, with the underlying cause. */
    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the answer, or -1 if none was received. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The registry's {@code error_code} (for example 40401 for subject not found), or -1 if the
     * answer carried none. Note that some registries send 0 (Apicurio does for 409).
     */
    public int errorCode() {
        return errorCode;
    }

    /** Whether trying again later may succeed. False unless the registry could not be reached. */
    public boolean retriable() {
        return false;
    }
}
