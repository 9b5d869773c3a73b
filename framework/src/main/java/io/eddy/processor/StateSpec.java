package io.eddy.processor;

import io.eddy.serde.Serde;
import java.time.Duration;
import java.util.Objects;

/**
 * The declaration of a named state variable of a {@link KeyedProcessor}: its kind, name, serdes
 * and optional time to live. Declarations are given to {@link io.eddy.dsl.GroupedStream#process}
 * when the pipeline is defined, so the state's store and changelog exist before any record, and
 * are then used as handles' keys ({@link KeyedContext#state(ValueStateSpec)}). Keep them in
 * constants.
 *
 * <p><b>Time to live</b> (processing time, as Spark's and Flink's): an entry written at {@code t}
 * expires at {@code t + ttl}; each write restarts its clock (for a list, each element has its
 * own). An expired entry is invisible at once and physically removed later, in a commit, by the
 * operator. Without a TTL entries live until cleared.
 *
 * <p><b>Evolution</b>: an entry is stored under the variable's name, so variables can be added,
 * removed (their entries stay until the key's state is cleared) or reordered between versions;
 * changing a variable's serde must stay compatible with what is stored, as for any store.
 */
public abstract sealed class StateSpec permits ValueStateSpec, ListStateSpec, MapStateSpec {
    private final String name;
    private final Duration ttl;

    StateSpec(String name, Duration ttl) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 100) {
            throw new IllegalArgumentException("a state name must have 1 to 100 characters, was '" + name + "'");
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IllegalArgumentException("the time to live of state '" + name + "' must be positive, was " + ttl);
        }
        this.name = name;
        this.ttl = ttl;
    }

    /** A value state: one value per key. */
    public static <T> ValueStateSpec<T> value(String name, Serde<T> serde) {
        return new ValueStateSpec<>(name, Objects.requireNonNull(serde, "serde"), null);
    }

    /** A list state: an ordered list of values per key, cheap to append to. */
    public static <T> ListStateSpec<T> list(String name, Serde<T> serde) {
        return new ListStateSpec<>(name, Objects.requireNonNull(serde, "serde"), null);
    }

    /** A map state: a map per key, iterated in the order of the serialized map keys. */
    public static <MK, MV> MapStateSpec<MK, MV> map(String name, Serde<MK> keySerde, Serde<MV> valueSerde) {
        return new MapStateSpec<>(name, Objects.requireNonNull(keySerde, "keySerde"),
                Objects.requireNonNull(valueSerde, "valueSerde"), null);
    }

    /** The variable's name, unique within its operator. */
    public final String name() {
        return name;
    }

    /** The time to live, or null if entries do not expire. */
    public final Duration ttl() {
        return ttl;
    }

    /** The kind, for descriptions: value, list or map. */
    public abstract String kind();

    @Override
    public String toString() {
        return kind() + " state '" + name + "'" + (ttl == null ? "" : " (ttl " + ttl + ")");
    }
}
