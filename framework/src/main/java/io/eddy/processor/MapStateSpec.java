package io.eddy.processor;

import io.eddy.serde.Serde;
import java.time.Duration;
import java.util.Objects;

/** The declaration of a {@link MapState}; see {@link StateSpec}. */
public final class MapStateSpec<MK, MV> extends StateSpec {
    private final Serde<MK> keySerde;
    private final Serde<MV> valueSerde;

    MapStateSpec(String name, Serde<MK> keySerde, Serde<MV> valueSerde, Duration ttl) {
        super(name, ttl);
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    /** The same declaration with a time to live, per map entry. */
    public MapStateSpec<MK, MV> withTtl(Duration ttl) {
        return new MapStateSpec<>(name(), keySerde, valueSerde, Objects.requireNonNull(ttl, "ttl"));
    }

    /** The serde of the map keys; their serialized order is the iteration order. */
    public Serde<MK> keySerde() {
        return keySerde;
    }

    /** The serde of the map values. */
    public Serde<MV> valueSerde() {
        return valueSerde;
    }

    @Override
    public String kind() {
        return "map";
    }
}
