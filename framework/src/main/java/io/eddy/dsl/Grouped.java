package io.eddy.dsl;

import io.eddy.serde.Serde;
import java.util.Objects;

/**
 * How records are grouped for an aggregation: the serdes of the grouping key and of the values
 * (used for the state store and, when records must move to the task that owns their key, for the
 * repartition topic). The repartition topic is named by the {@link Named} argument of
 * {@link RecordStream#groupBy(java.util.function.BiFunction, Grouped, Named)}. Immutable.
 *
 * <pre>{@code
 * stream.groupBy((k, order) -> order.region(), Grouped.with(Serdes.string(), orderSerde), Named.as("by-region"))
 * }</pre>
 */
public final class Grouped<K, V> {
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final Named name;

    private Grouped(Serde<K> keySerde, Serde<V> valueSerde, Named name) {
        this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
        this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
        this.name = name;
    }

    /** Groups with these serdes; the repartition topic, if one is needed, gets a derived name. */
    public static <K, V> Grouped<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Grouped<>(keySerde, valueSerde, null);
    }

    /**
     * A copy whose repartition topic is {@code <application id>-<name>-repartition}.
     *
     * @deprecated name the repartition topic like every stateful operator, with the last argument
     *     of {@link RecordStream#groupBy(java.util.function.BiFunction, Grouped, Named)} or
     *     {@link RecordStream#groupByKey(Grouped, Named)}, which win over this name
     */
    @Deprecated
    public Grouped<K, V> named(String name) {
        return new Grouped<>(keySerde, valueSerde, Named.as(name));
    }

    /** The key serde. */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** The value serde. */
    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /**
     * The name given with {@link #named}, or null.
     *
     * @deprecated see {@link #named}
     */
    @Deprecated
    public Named name() {
        return name;
    }
}
