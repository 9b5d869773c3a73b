package io.eddy.internal.runtime;

import io.eddy.ErrorContext;

/**
 * A record failed for a reason that will pass (a retriable serde failure: the schema registry is
 * unreachable): the worker aborts the batch and retries it after a backoff, whatever the error
 * handler would say, so no record is skipped or dead-lettered because of an outage.
 */
public final class RetriableProcessingException extends RuntimeException {
    RetriableProcessingException(ErrorContext context) {
        super(context.describe(), context.error());
    }
}
