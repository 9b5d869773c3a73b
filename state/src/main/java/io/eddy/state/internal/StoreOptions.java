package io.eddy.state.internal;

/**
 * Per-store options.
 *
 * @param cacheMaxBytes the byte budget of the store's read cache of committed point reads (keys,
 *                      values and a fixed per-entry overhead), or 0 for no cache; never negative
 */
public record StoreOptions(long cacheMaxBytes, boolean streamTimeFromWrites) {

    /** No read cache. */
    public static final StoreOptions DEFAULT = new StoreOptions(0);

    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if {@code cacheMaxBytes} is negative
     */
    public StoreOptions {
        if (cacheMaxBytes < 0) {
            throw new IllegalArgumentException("cacheMaxBytes must be >= 0, was " + cacheMaxBytes);
        }
    }

    /** Options with a read cache of {@code cacheMaxBytes} (0 = none); stream time follows the writes. */
    public StoreOptions(long cacheMaxBytes) {
        this(cacheMaxBytes, true);
    }

    /**
     * The same options, but a window or session store's stream time advances only through
     * {@link BytesStore#advanceStreamTime} (an operator's watermark), never by writes or restore.
     */
    public StoreOptions withExplicitStreamTime() {
        return new StoreOptions(cacheMaxBytes, false);
    }

    /** Returns options with a read cache of {@code bytes} bytes (0 = none). */
    public static StoreOptions withCache(long bytes) {
        return new StoreOptions(bytes);
    }
}
