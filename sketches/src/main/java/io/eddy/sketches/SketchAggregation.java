package io.eddy.sketches;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.Merger;
import io.eddy.serde.Serde;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * Everything an aggregation needs to keep a sketch per key (or per key and window): a new empty
 * sketch, how a record updates it, how two sketches merge (sessions, partitions) and the serde
 * that stores its compact bytes. Made by {@link Sketches}; run by {@link Approx#aggregate}, or
 * passed piecewise to the core's {@code aggregate}:
 *
 * <pre>{@code
 * SketchAggregation<Click, DistinctCount> users = Sketches.distinctCount(Click::userId);
 * clicks.groupByKey(grouped).window(TumblingWindows.of(Duration.ofMinutes(1)))
 *       .aggregate(users.initializer(), users.aggregator(), users.merger(), users.serde(), Named.as("users"));
 * }</pre>
 *
 * <p>Immutable and safe to share; the functions it returns are called on task threads, each call
 * with its own sketch instance.
 *
 * @param <V> the record values it reads
 * @param <A> the sketch type (the aggregate)
 */
public final class SketchAggregation<V, A> {

    private final String kind;
    private final Supplier<A> initializer;
    private final Aggregator<Object, V, A> aggregator;
    private final BinaryOperator<A> combiner;
    private final Serde<A> serde;

    SketchAggregation(String kind, Supplier<A> initializer, Aggregator<Object, V, A> aggregator,
                      BinaryOperator<A> combiner, Serde<A> serde) {
        this.kind = kind;
        this.initializer = initializer;
        this.aggregator = aggregator;
        this.combiner = combiner;
        this.serde = serde;
        Objects.requireNonNull(initializer.get(), "initializer");   // validates the parameters now
    }

    /** A new empty sketch, with the parameters this aggregation was made with. */
    public Supplier<A> initializer() {
        return initializer;
    }

    /** Adds one record's item to the sketch and returns the same sketch. */
    public Aggregator<Object, V, A> aggregator() {
        return aggregator;
    }

    /** Merges two sketches into a new one (the union of what they saw). */
    public BinaryOperator<A> combiner() {
        return combiner;
    }

    /** {@link #combiner()} as a session-window merger. */
    public Merger<Object, A> merger() {
        return (key, older, newer) -> combiner.apply(older, newer);
    }

    /** Stores the sketch as its bytes. */
    public Serde<A> serde() {
        return serde;
    }

    @Override
    public String toString() {
        return "SketchAggregation[" + kind + "]";
    }
}
