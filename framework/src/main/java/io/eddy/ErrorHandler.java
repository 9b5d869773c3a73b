package io.eddy;

/**
 * Decides what happens to a record whose deserialization or processing threw. Chosen once with
 * {@link EddyApp.Builder#errorHandler}; the default is {@link #fail()}.
 *
 * <p>Whatever the handler decides, a failure that is only temporary (a
 * {@link io.eddy.serde.SerdeException#retriable() retriable} serde error, such as a schema
 * registry that cannot be reached) never skips or dead-letters a record: the batch is aborted and
 * retried after a backoff until it succeeds, so an outage delays records but loses none.
 *
 * <p>Called on the worker thread, once per failed record. A handler that itself throws is
 * treated as if it returned {@link ErrorAction#FAIL}. Whatever it returns, records after the
 * failed one are processed normally: a skipped record never takes others with it.
 *
 * <pre>{@code
 * .errorHandler(ErrorHandler.skipAndCount())
 * .errorHandler(ctx -> ctx.error() instanceof SerdeException ? ErrorAction.SKIP : ErrorAction.FAIL)
 * }</pre>
 */
@FunctionalInterface
public interface ErrorHandler {

    /** Returns what to do with the failed record described by {@code context}. */
    ErrorAction handle(ErrorContext context);

    /**
     * Stops the application: the open batch is aborted (nothing of it is committed), the state
     * becomes {@link AppState#ERROR}, and {@link EddyApp#failure()} holds a
     * {@link ProcessingFailedException} naming operator, topic, partition and offset.
     */
    static ErrorHandler fail() {
        return context -> ErrorAction.FAIL;
    }

    /**
     * Skips the record, counts it ({@link AppMetrics#skippedRecords()} and
     * {@link BatchProgress#skipped()}) and logs a warning naming operator, topic, partition and
     * offset. Output the record produced before the failure (for example an earlier branch) stays.
     */
    static ErrorHandler skipAndCount() {
        return context -> ErrorAction.SKIP;
    }

    /**
     * Sends every failed record to the dead-letter topic {@code topic} (see
     * {@link ErrorAction#deadLetter}). The topic must exist.
     */
    static ErrorHandler deadLetter(String topic) {
        ErrorAction action = ErrorAction.deadLetter(topic);
        return context -> action;
    }
}
