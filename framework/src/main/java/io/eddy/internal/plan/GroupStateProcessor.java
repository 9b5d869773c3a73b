package io.eddy.internal.plan;

import io.eddy.processor.GroupState;
import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.StateMapper;
import io.eddy.processor.StateTimeout;
import io.eddy.processor.Timer;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serdes;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * {@code mapWithState} and {@code flatMapWithState} as a {@link KeyedProcessor}: the key's state
 * is the value state {@link #STATE}; its timeout is one timer, whose time the value state
 * {@link #TIMEOUT} remembers so that a new timeout replaces the old timer. Every call (record or
 * timeout) clears the timeout unless the function sets one again, as Spark's GroupState does.
 */
final class GroupStateProcessor<K, V, S, R> implements KeyedProcessor<K, V, K, R>, GroupState<S> {
    static final ValueStateSpec<Long> TIMEOUT = io.eddy.processor.StateSpec.value("timeout", Serdes.longs());

    private final ValueStateSpec<S> stateSpec;
    private final StateMapper<? super K, ? super V, S, ?> function;
    private final StateTimeout timeout;
    private final boolean flat;
    private KeyedContext<K, K, R> context;
    private ValueState<S> state;
    private ValueState<Long> timeoutAt;
    private boolean timedOut;
    private long newTimeout;

    GroupStateProcessor(ValueStateSpec<S> stateSpec, StateMapper<? super K, ? super V, S, ?> function,
                        StateTimeout timeout, boolean flat) {
        this.stateSpec = stateSpec;
        this.function = function;
        this.timeout = timeout;
        this.flat = flat;
    }

    static <S> ValueStateSpec<S> stateSpec(io.eddy.serde.Serde<S> serde) {
        return io.eddy.processor.StateSpec.value("state", serde);
    }

    @Override
    public void init(KeyedContext<K, K, R> ctx) {
        this.context = ctx;
        this.state = ctx.state(stateSpec);
        this.timeoutAt = ctx.state(TIMEOUT);
    }

    @Override
    public void process(K key, V value, KeyedContext<K, K, R> ctx) {
        call(key, value, false);
    }

    @Override
    public void onTimer(K key, Timer timer, KeyedContext<K, K, R> ctx) {
        Long at = timeoutAt.get();
        if (at == null || at != timer.time()) {
            return;   // not the key's current timeout (it cannot be: a new one deletes the old timer)
        }
        timeoutAt.clear();
        call(key, null, true);
    }

    @SuppressWarnings("unchecked")
    private void call(K key, V value, boolean isTimeout) {
        Long previous = timeoutAt.get();
        timedOut = isTimeout;
        newTimeout = Long.MIN_VALUE;
        Object result = function.apply(key, value, this);
        if (previous != null) {   // every call ends the previous timeout; the function sets a new one
            deleteTimer(previous);
            timeoutAt.clear();
        }
        if (newTimeout != Long.MIN_VALUE && state.exists()) {
            if (timeout == StateTimeout.EVENT_TIME) {
                context.timers().registerEventTime(newTimeout);
            } else {
                context.timers().registerProcessingTime(newTimeout);
            }
            timeoutAt.update(newTimeout);
        }
        if (result == null) {
            return;
        }
        if (flat) {
            for (Object r : (Iterable<?>) result) {
                context.forward(key, (R) r);
            }
        } else {
            context.forward(key, (R) result);
        }
    }

    private void deleteTimer(long at) {
        if (timeout == StateTimeout.EVENT_TIME) {
            context.timers().deleteEventTime(at);
        } else {
            context.timers().deleteProcessingTime(at);
        }
    }

    // ---- GroupState

    @Override
    public boolean exists() {
        return state.exists();
    }

    @Override
    public S get() {
        S s = state.get();
        if (s == null) {
            throw new NoSuchElementException("the key has no state; check exists() first");
        }
        return s;
    }

    @Override
    public S getOrNull() {
        return state.get();
    }

    @Override
    public void update(S newState) {
        state.update(Objects.requireNonNull(newState, "state (use remove())"));
    }

    @Override
    public void remove() {
        state.clear();
        newTimeout = Long.MIN_VALUE;
    }

    @Override
    public boolean hasTimedOut() {
        return timedOut;
    }

    @Override
    public void setTimeoutDuration(Duration duration) {
        if (timeout != StateTimeout.PROCESSING_TIME) {
            throw new IllegalStateException("setTimeoutDuration needs StateTimeout.PROCESSING_TIME; this operator's "
                    + "timeout is " + timeout);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("the timeout duration must be positive, was " + duration);
        }
        newTimeout = context.currentProcessingTime() + duration.toMillis();
    }

    @Override
    public void setTimeoutTimestamp(long eventTime) {
        if (timeout != StateTimeout.EVENT_TIME) {
            throw new IllegalStateException("setTimeoutTimestamp needs StateTimeout.EVENT_TIME; this operator's "
                    + "timeout is " + timeout);
        }
        newTimeout = eventTime;
    }

    @Override
    public long watermark() {
        return context.watermark();
    }

    @Override
    public long timestamp() {
        return context.timestamp();
    }
}
