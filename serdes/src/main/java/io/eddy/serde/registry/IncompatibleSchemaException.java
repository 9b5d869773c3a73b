package io.eddy.serde.registry;

/** The schema is incompatible with earlier versions under the subject's compatibility level: HTTP 409. Not retriable. */
public class IncompatibleSchemaException extends SchemaRegistryException {

    /**
     * Creates the exception from the registry's answer.
     *
     * @param message the registry's message, prefixed with what the client was doing
     * @param httpStatus the HTTP status of the answer
     * @param errorCode the registry's {@code error_code}, or -1 if the answer carried none
     */
    public IncompatibleSchemaException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
