package io.eddy;

import java.util.Objects;

/**
 * The kind of store a query reads, and the read-only view it gets: pass one of
 * {@link QueryableStores}' values to {@link EddyApp#store(String, QueryableStoreType)}.
 *
 * <p>An immutable value; instances come from {@link QueryableStores} only.
 *
 * @param <T> the read-only view, for example {@code ReadOnlyKeyValueStore<String, Long>}
 */
public final class QueryableStoreType<T> {

    /** The kinds of queryable store. Later versions may add kinds. */
    public enum Kind {
        /** A key-value store (counts, reductions, aggregations, tables). */
        KEY_VALUE,
        /** A window store (windowed aggregations). */
        WINDOW,
        /** A session store (session-windowed aggregations). */
        SESSION
    }

    private final Kind kind;

    QueryableStoreType(Kind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** The kind of store this type reads. */
    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return "QueryableStoreType[" + kind + "]";
    }
}
