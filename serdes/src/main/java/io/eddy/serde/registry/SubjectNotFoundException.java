package io.eddy.serde.registry;

/** The subject (or, for a lookup on Apicurio, the schema under it) does not exist: error code 40401. Not retriable. */
public class SubjectNotFoundException extends SchemaRegistryException {

    /**
     * Creates the exception from the registry's answer.
     *
     * @param message the registry's message, prefixed with what the client was doing
     * @param httpStatus the HTTP status of the answer
     * @param errorCode the registry's {@code error_code}, or -1 if the answer carried none
     */
    public SubjectNotFoundException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
