package io.eddy.internal.plan;

import io.eddy.serde.Serde;

/**
 * A state store the plan needs in every task: its name (unique in the application), its kind and
 * serdes, and the changelog topic that makes it durable.
 *
 * @param retentionMs for window and session stores, how long windows are kept; 0 for key-value
 * @param windowSizeMs for window stores, the window size; 0 otherwise
 */
public record StoreSpec(String name, Kind kind, Serde<?> keySerde, Serde<?> valueSerde, String changelogTopic,
                        long retentionMs, long windowSizeMs, String operator) {

    /** The kinds of store. */
    public enum Kind { KEY_VALUE, WINDOW, SESSION }

    /** A one-line description used to detect a changed pipeline: kind and shape, not serdes. */
    public String descriptor() {
        return kind == Kind.KEY_VALUE ? "key-value store of " + operator
                : kind.name().toLowerCase(java.util.Locale.ROOT) + " store of " + operator + " (size " + windowSizeMs
                  + " ms, retention " + retentionMs + " ms)";
    }
}
