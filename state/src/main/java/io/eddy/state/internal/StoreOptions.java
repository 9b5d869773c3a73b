package io.eddy.state.internal;

/**
 * Per-store options.
 *
 * @param cacheMaxBytes the byte budget of the store's read cache of committed point reads (keys,
 *                      values and a fixed per-entry overhead), or 0 for no cache; never negative
 */
public record StoreOptions(long cacheMaxBytes) {

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

    /** Returns options with a read cache of {@code bytes} bytes (0 = none). */
    public static StoreOptions withCache(long bytes) {
        return new StoreOptions(bytes);
    }
}
