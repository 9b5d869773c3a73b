/**
 * The byte-level state layer used by the Eddy runtime: {@link io.eddy.state.internal.BytesStore}
 * (the unit that is changelogged and restored), the engines behind it (RocksDB and in-memory),
 * the dirty buffer and read cache, and the typed views of {@link io.eddy.state.internal.Stores}.
 *
 * <p>Not API: the classes here may change in any release. Only the public types are meant for the
 * runtime; everything else is package-private.
 */
package io.eddy.state.internal;
