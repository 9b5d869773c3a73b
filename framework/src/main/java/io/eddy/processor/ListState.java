package io.eddy.processor;

import java.util.List;

/**
 * An ordered list per key; see {@link KeyedContext#state(ListStateSpec)}. Each element is stored
 * as its own entry, so appending costs one write whatever the list's length; reading scans the
 * key's elements.
 */
public interface ListState<T> {

    /** The current key's live elements in insertion order (a copy); empty if none. */
    List<T> get();

    /** Whether the current key has at least one live element. */
    boolean exists();

    /** Appends an element. @throws NullPointerException if {@code value} is null */
    void append(T value);

    /** Appends elements in order. @throws NullPointerException if an element is null */
    void appendAll(List<? extends T> values);

    /** Replaces the current key's list. @throws NullPointerException if an element is null */
    void update(List<? extends T> values);

    /** Removes the current key's list. */
    void clear();
}
