package io.eddy.processor;

/** One value per key; see {@link KeyedContext#state(ValueStateSpec)}. */
public interface ValueState<T> {

    /** The current key's value, or null if absent or expired. */
    T get();

    /** Whether the current key has a (live) value. */
    boolean exists();

    /**
     * Sets the current key's value (restarting its time to live).
     *
     * @throws NullPointerException if {@code value} is null (use {@link #clear()})
     */
    void update(T value);

    /** Removes the current key's value. */
    void clear();
}
