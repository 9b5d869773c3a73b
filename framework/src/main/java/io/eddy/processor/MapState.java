package io.eddy.processor;

import java.util.List;
import java.util.Map;

/**
 * A map per key; see {@link KeyedContext#state(MapStateSpec)}. Each entry is stored on its own,
 * so a put or a lookup costs one store access whatever the map's size.
 */
public interface MapState<MK, MV> {

    /** The value under {@code key} in the current key's map, or null if absent or expired. */
    MV get(MK key);

    /** Whether the current key's map has a live entry under {@code key}. */
    boolean containsKey(MK key);

    /** Puts an entry (restarting its time to live). @throws NullPointerException if an argument is null */
    void put(MK key, MV value);

    /** Removes an entry if present. */
    void remove(MK key);

    /** The current key's live entries in serialized-key order (a copy). */
    List<Map.Entry<MK, MV>> entries();

    /** Whether the current key's map has at least one live entry. */
    boolean exists();

    /** Removes the current key's map. */
    void clear();
}
