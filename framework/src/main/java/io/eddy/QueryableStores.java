package io.eddy;

import io.eddy.state.ReadOnlyKeyValueStore;
import io.eddy.state.ReadOnlySessionStore;
import io.eddy.state.ReadOnlyWindowStore;

/**
 * The store types {@link EddyApp#store(String, QueryableStoreType)} accepts. The key and value
 * types are those of the store's serdes (the ones given to the operator that made it); the
 * compiler cannot check them, so a wrong type fails with a {@code ClassCastException} where the
 * value is used.
 *
 * <pre>{@code
 * ReadOnlyKeyValueStore<String, Long> counts = app.store("orders-per-region", QueryableStores.keyValue());
 * Long europe = counts.get("europe");
 * }</pre>
 */
public final class QueryableStores {
    private QueryableStores() {
    }

    /** A key-value store (count, reduce, aggregate, table). */
    public static <K, V> QueryableStoreType<ReadOnlyKeyValueStore<K, V>> keyValue() {
        return new QueryableStoreType<>(QueryableStoreType.Kind.KEY_VALUE);
    }

    /** A window store (a windowed count, reduce or aggregate). */
    public static <K, V> QueryableStoreType<ReadOnlyWindowStore<K, V>> window() {
        return new QueryableStoreType<>(QueryableStoreType.Kind.WINDOW);
    }

    /** A session store (a session-windowed count, reduce or aggregate). */
    public static <K, V> QueryableStoreType<ReadOnlySessionStore<K, V>> session() {
        return new QueryableStoreType<>(QueryableStoreType.Kind.SESSION);
    }
}
