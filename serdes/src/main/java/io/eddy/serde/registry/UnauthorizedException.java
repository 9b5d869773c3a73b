package io.eddy.serde.registry;

/** The registry refused the credentials or the operation: HTTP 401 or 403. Not retriable. */
public class UnauthorizedException extends SchemaRegistryException {

    /**
     * Creates the exception from the registry's answer.
     *
     * @param message the registry's message, prefixed with what the client was doing
     * @param httpStatus the HTTP status of the answer
     * @param errorCode the registry's {@code error_code}, or -1 if the answer carried none
     */
    public UnauthorizedException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
