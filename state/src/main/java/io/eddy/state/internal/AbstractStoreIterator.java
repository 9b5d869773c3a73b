package io.eddy.state.internal;

import io.eddy.state.StoreIterator;
import java.util.NoSuchElementException;

/**
 * Base of the store iterators: subclasses compute the next element (or null at the end) and
 * release their resources in {@link #release()}, which runs exactly once, at the end of data or
 * on {@link #close()}, whichever comes first.
 */
abstract class AbstractStoreIterator<T> implements StoreIterator<T> {

    private T next;
    private boolean done;

    /** Returns the next element, or null when there is none. */
    protected abstract T computeNext();

    /** Releases resources; called once. */
    protected void release() {
    }

    @Override
    public final boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        next = computeNext();
        if (next == null) {
            close();
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T out = next;
        next = null;
        return out;
    }

    @Override
    public final void close() {
        if (!done) {
            done = true;
            next = null;
            release();
        }
    }
}
