package io.eddy.serde.registry;

/** The registry rejected the schema as unparsable or invalid: error code 42201 (or HTTP 422 otherwise). Not retriable. */
public class InvalidSchemaException extends SchemaRegistryException {

    /**
     * Creates the exception from the registry's answer.
     *
     * @param message the registry's message, prefixed with what the client was doing
     * @param httpStatus the HTTP status of the answer
     * @param errorCode the registry's {@code error_code}, or -1 if the answer carried none
     */
    public InvalidSchemaException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
