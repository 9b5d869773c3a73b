package io.eddy.dsl;

import java.util.regex.Pattern;

/**
 * A stable, user-given name for a stateful operator. The name becomes the name of the operator's
 * state store and of the internal topics derived from it ({@code <application id>-<name>-changelog},
 * {@code <application id>-<name>-repartition}), so renaming it, or adding an unnamed stateful
 * operator before it, changes which state the operator uses. Name every stateful operator of an
 * application that will evolve.
 *
 * <h2>One idiom</h2>
 * Every DSL method that creates state or an internal topic takes a {@code Named} as its
 * <em>last</em> argument: aggregations ({@code count}, {@code reduce}, {@code aggregate}, windowed
 * or not), tables ({@link Pipeline#table(String, Consumed, Named)},
 * {@link RecordStream#toTable(io.eddy.serde.Serde, io.eddy.serde.Serde, Named)}), joins with tables
 * and windowed stream-stream joins, {@code dropDuplicates}, and repartitioning ({@code groupBy}).
 * Each has an overload without it, which derives a name from the operator's kind and position
 * ({@code count-1}) and logs a warning when the pipeline is built; with
 * {@link io.eddy.EddyApp.Builder#requireNamedState(boolean)} such an operator is refused. Serdes
 * stay in the arguments and option objects before the name ({@link Grouped}, {@link StreamJoined}).
 * Stateless operators are named with {@link RecordStream#named(String)}.
 *
 * <pre>{@code
 * orders.groupBy((k, o) -> o.region(), Grouped.with(Serdes.string(), orderSerde), Named.as("by-region"))
 *       .count(Named.as("orders-per-region"));
 * }</pre>
 *
 * @param name letters, digits, '.', '_' and '-'; not blank
 */
public record Named(String name) {
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]+");

    /** Validates the name. */
    public Named {
        if (name == null || !LEGAL.matcher(name).matches()) {
            throw new IllegalArgumentException("a state name must be letters, digits, '.', '_' or '-', got '"
                    + name + "'");
        }
    }

    /** The name {@code name}. */
    public static Named as(String name) {
        return new Named(name);
    }
}
