package io.eddy.internal.runtime;

/**
 * Carries an exception thrown by user code out of the node graph, tagged with the operator it
 * came from. Created only on failure; no stack trace of its own.
 */
final class OperatorException extends RuntimeException {
    final String operator;

    OperatorException(String operator, Throwable cause) {
        super(operator, cause, false, false);
        this.operator = operator;
    }
}
