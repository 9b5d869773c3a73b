package io.eddy.state;

import java.util.Iterator;

/**
 * An iterator over store contents that may hold native resources (a RocksDB iterator and its
 * read options), so it must be closed. Use it with try-with-resources:
 *
 * <pre>{@code
 * try (StoreIterator<Map.Entry<String, Long>> it = store.all()) {
 *     while (it.hasNext()) {
 *         Map.Entry<String, Long> e = it.next();
 *     }
 * }
 * }</pre>
 *
 * <p>The iterator reflects the store as it was when the iterator was created (a snapshot), so
 * writing to the store while iterating is allowed and does not change what the iterator returns.
 * Not thread-safe. {@link #remove()} is not supported.
 *
 * @param <T> the element type
 */
public interface StoreIterator<T> extends Iterator<T>, AutoCloseable {

    /**
     * Releases the resources held by this iterator. Idempotent; after closing, {@link #hasNext()}
     * returns false. Never throws a checked exception.
     */
    @Override
    void close();
}
