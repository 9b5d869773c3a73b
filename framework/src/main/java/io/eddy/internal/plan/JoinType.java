package io.eddy.internal.plan;

/** Which rows of a join are kept when one side has no partner: table-table and stream-stream joins share it. */
public enum JoinType {
    /** Only keys (or records) present on both sides. */
    INNER,
    /** Every key (or record) of the left side; the right side may be null. */
    LEFT,
    /** Every key (or record) of either side; the missing side is null. */
    OUTER
}
