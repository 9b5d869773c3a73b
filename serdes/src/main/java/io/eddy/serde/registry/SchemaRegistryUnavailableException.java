package io.eddy.serde.registry;

/**
 * No registry URL gave a usable answer within the retry budget: every URL refused the
 * connection, timed out, or kept answering 408, 429 or 5xx. {@linkplain #retriable() Retriable}:
 * the registry may come back, so a serde that sees this must not treat the record as bad.
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    /**
     * Creates the exception.
     *
     * @param message what was attempted, how many times and against which URLs
     * @param httpStatus the last HTTP status received, or -1 if none
     * @param cause the last underlying failure; may be null
     */
    public SchemaRegistryUnavailableException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, -1, cause);
    }

    /** Always true. */
    @Override
    public boolean retriable() {
        return true;
    }
}
