package io.eddy;

/**
 * Why an application stopped with {@link AppState#ERROR}: a record failed under the
 * {@link ErrorHandler#fail()} policy, output could not be written, or the runtime met an error it
 * cannot recover from. The message names the operator, topic, partition and offset when a record
 * was involved.
 */
public class ProcessingFailedException extends RuntimeException {

    private final transient ErrorContext context;

    /** A failure caused by the record described by {@code context}. */
    public ProcessingFailedException(ErrorContext context) {
        super(context.describe(), context.error());
        this.context = context;
    }

    /** A failure not tied to one record. */
    public ProcessingFailedException(String message, Throwable cause) {
        super(message, cause);
        this.context = null;
    }

    /** The failed record, or null when the failure is not tied to one record. */
    public ErrorContext context() {
        return context;
    }
}
