package io.eddy.serde.registry;

/** The registry's compatibility levels, as in its {@code compatibility} / {@code compatibilityLevel} fields. */
public enum CompatibilityLevel {
    /** No check. */
    NONE,
    /** A new schema can read data written with the previous version. */
    BACKWARD,
    /** A new schema can read data written with every earlier version. */
    BACKWARD_TRANSITIVE,
    /** The previous version can read data written with a new schema. */
    FORWARD,
    /** Every earlier version can read data written with a new schema. */
    FORWARD_TRANSITIVE,
    /** Both {@link #BACKWARD} and {@link #FORWARD}. */
    FULL,
    /** Both {@link #BACKWARD_TRANSITIVE} and {@link #FORWARD_TRANSITIVE}. */
    FULL_TRANSITIVE
}
