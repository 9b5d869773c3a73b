package io.eddy.processor;

import io.eddy.serde.Serde;
import java.time.Duration;
import java.util.Objects;

/** The declaration of a {@link ValueState}; see {@link StateSpec}. */
public final class ValueStateSpec<T> extends StateSpec {
    private final Serde<T> serde;

    ValueStateSpec(String name, Serde<T> serde, Duration ttl) {
        super(name, ttl);
        this.serde = serde;
    }

    /** The same declaration with a time to live. */
    public ValueStateSpec<T> withTtl(Duration ttl) {
        return new ValueStateSpec<>(name(), serde, Objects.requireNonNull(ttl, "ttl"));
    }

    /** The serde of the values. */
    public Serde<T> serde() {
        return serde;
    }

    @Override
    public String kind() {
        return "value";
    }
}
