package io.eddy.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, the only sanctioned way for a test to wait for an outcome.
 *
 * <p>Tests never sleep for a fixed time and hope: they state the condition they expect and how long
 * they are prepared to wait for it. {@code Await} polls the condition every
 * {@value #POLL_INTERVAL_MILLIS} ms and returns as soon as it holds, so a fast machine finishes fast
 * and a slow one gets the whole deadline.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(10),
 *     () -> sink.size() == 3,
 *     () -> "sink holds " + sink);
 * }</pre>
 *
 * <p>Thread-safety: stateless; call from any thread. The condition runs on the calling thread.
 */
public final class Await {

    /** How often the condition is evaluated. */
    static final long POLL_INTERVAL_MILLIS = 25;

    private Await() {}

    /**
     * Blocks until {@code condition} returns {@code true}, or fails when {@code deadline} has passed.
     *
     * <p>The condition is evaluated at once and then every {@value #POLL_INTERVAL_MILLIS} ms. A
     * condition that throws counts as not yet satisfied (a broker that is still starting may refuse
     * connections); the last such exception becomes the cause of the failure if the deadline passes.
     * The condition is evaluated one final time at the deadline, so a deadline of zero checks once.
     *
     * @param deadline how long to wait at most; not null, not negative
     * @param condition the condition to wait for; not null; must be cheap and free of side effects
     *     that break when repeated
     * @param describeFailure called once, only on failure, to describe the state that was observed
     *     (for example the records read so far); not null; may return null
     * @throws AssertionError if the condition does not hold within the deadline; its message names
     *     the deadline and the state described by {@code describeFailure}
     */
    public static void until(
            Duration deadline, BooleanSupplier condition, Supplier<String> describeFailure) {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(describeFailure, "describeFailure");
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative: " + deadline);
        }
        long start = System.nanoTime();
        long limit = deadline.toNanos();
        Throwable lastFailure = null;
        while (true) {
            boolean timeUp = System.nanoTime() - start >= limit;
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException | AssertionError e) {
                lastFailure = e;
            }
            if (timeUp) {
                break;
            }
            long remaining = limit - (System.nanoTime() - start);
            LockSupport.parkNanos(
                    Math.max(0, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL_MILLIS))));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for a condition; " + describe(describeFailure));
            }
        }
        AssertionError failure =
                new AssertionError(
                        "condition not met within "
                                + deadline.toMillis()
                                + " ms; "
                                + describe(describeFailure)
                                + (lastFailure == null ? "" : "; last evaluation threw " + lastFailure));
        if (lastFailure != null) {
            failure.initCause(lastFailure);
        }
        throw failure;
    }

    private static String describe(Supplier<String> describeFailure) {
        try {
            return "last state: " + describeFailure.get();
        } catch (RuntimeException e) {
            return "last state could not be described: " + e;
        }
    }
}
