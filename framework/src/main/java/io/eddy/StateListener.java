package io.eddy;

/**
 * Told of every change of an application's {@link AppState}. Called on the thread that caused the
 * change (a worker, or the caller of {@code start}/{@code close}); must be quick and must not call
 * back into the application's {@code close}. Exceptions it throws are logged and ignored.
 */
@FunctionalInterface
public interface StateListener {

    /** The state changed from {@code previous} to {@code current}. */
    void onChange(AppState previous, AppState current);
}
