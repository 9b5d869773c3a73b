/**
 * Typed state stores as seen by user code: key-value, window and session stores and their
 * read-only views.
 *
 * <p>A store belongs to one task and is used by that task's worker thread only; none of these
 * interfaces is thread-safe. Writes made during a micro-batch are visible to reads of the same
 * store at once (read-your-writes) and become durable when the batch commits. Every iterator a
 * store returns is a {@link io.eddy.state.StoreIterator} and must be closed, preferably with
 * try-with-resources.
 */
package io.eddy.state;
