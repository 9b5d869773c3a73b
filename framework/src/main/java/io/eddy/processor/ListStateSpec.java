package io.eddy.processor;

import io.eddy.serde.Serde;
import java.time.Duration;
import java.util.Objects;

/** The declaration of a {@link ListState}; see {@link StateSpec}. */
public final class ListStateSpec<T> extends StateSpec {
    private final Serde<T> serde;

    ListStateSpec(String name, Serde<T> serde, Duration ttl) {
        super(name, ttl);
        this.serde = serde;
    }

    /** The same declaration with a time to live, per element. */
    public ListStateSpec<T> withTtl(Duration ttl) {
        return new ListStateSpec<>(name(), serde, Objects.requireNonNull(ttl, "ttl"));
    }

    /** The serde of the elements. */
    public Serde<T> serde() {
        return serde;
    }

    @Override
    public String kind() {
        return "list";
    }
}
