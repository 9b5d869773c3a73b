package io.eddy.serde.registry;

/** The schema (by id, GUID or under a subject) or the subject version does not exist: error codes 40403 and 40402. Not retriable. */
public class SchemaNotFoundException extends SchemaRegistryException {

    /**
     * Creates the exception from the registry's answer.
     *
     * @param message the registry's message, prefixed with what the client was doing
     * @param httpStatus the HTTP status of the answer
     * @param errorCode the registry's {@code error_code}, or -1 if the answer carried none
     */
    public SchemaNotFoundException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
