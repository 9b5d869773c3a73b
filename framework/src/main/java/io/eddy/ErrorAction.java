package io.eddy;

/** The decision of an {@link ErrorHandler}. */
public enum ErrorAction {
    /** Stop the application with an error; the open batch is not committed. */
    FAIL,
    /** Count and log the record, then continue with the next one. */
    SKIP
}
