package io.eddy.internal.plan;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.HoppingWindows;
import io.eddy.dsl.Merger;
import io.eddy.dsl.Named;
import io.eddy.dsl.RecordStream;
import io.eddy.dsl.SessionWindows;
import io.eddy.dsl.SlidingWindows;
import io.eddy.dsl.Table;
import io.eddy.dsl.TumblingWindows;
import io.eddy.dsl.WindowedStream;
import io.eddy.dsl.Windows;
import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import io.eddy.state.Windowed;
import java.util.List;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The {@link WindowedStream} the DSL hands out: the grouped node, the windows, and the options chosen so far. */
final class WindowedStreamImpl<K, V> implements WindowedStream<K, V> {
    private final PipelineBuilder builder;
    private final PlanNode node;
    private final Grouped<K, V> grouped;
    private final Windows windows;
    private final Long eventTimeDelayMs;
    private final long maxKeys;
    private final Consumer<? super RecordStream<K, V>> lateStream;
    /** Whether hopping windows of a mergeable aggregation keep panes ({@link #mergePanes()}). */
    private final boolean panes;

    WindowedStreamImpl(PipelineBuilder builder, PlanNode node, Grouped<K, V> grouped, Windows windows,
                       Long eventTimeDelayMs, long maxKeys, Consumer<? super RecordStream<K, V>> lateStream) {
        this(builder, node, grouped, windows, eventTimeDelayMs, maxKeys, lateStream, false);
    }

    private WindowedStreamImpl(PipelineBuilder builder, PlanNode node, Grouped<K, V> grouped, Windows windows,
                               Long eventTimeDelayMs, long maxKeys, Consumer<? super RecordStream<K, V>> lateStream,
                               boolean panes) {
        this.panes = panes;
        this.builder = builder;
        this.node = node;
        this.grouped = grouped;
        this.windows = windows;
        this.eventTimeDelayMs = eventTimeDelayMs;
        this.maxKeys = maxKeys;
        this.lateStream = lateStream;
    }

    @Override
    public WindowedStream<K, V> onLateRecords(Consumer<? super RecordStream<K, V>> lateStream) {
        Objects.requireNonNull(lateStream, "lateStream");
        return new WindowedStreamImpl<>(builder, node, grouped, windows, eventTimeDelayMs, maxKeys, lateStream, panes);
    }

    @Override
    public WindowedStream<K, V> mergePanes() {
        return new WindowedStreamImpl<>(builder, node, grouped, windows, eventTimeDelayMs, maxKeys, lateStream, true);
    }

    @Override
    public Table<Windowed<K>, Long> count(Named name) {
        Objects.requireNonNull(name, "name");
        Aggregator<K, V, Long> counter = (k, v, n) -> n + 1;
        Merger<K, Long> sum = (k, a, b) -> a + b;
        return add(name, "windowCount", () -> 0L, counter, sum, Serdes.longs());
    }

    @Override
    public Table<Windowed<K>, Long> count() {
        return count(builder.nameOf(null, "window-count", null, "window(windows).count(Named.as(\"...\"))"));
    }

    @Override
    public Table<Windowed<K>, V> reduce(BinaryOperator<V> reducer) {
        return reduce(reducer, builder.nameOf(null, "window-reduce", null,
                "window(windows).reduce(reducer, Named.as(\"...\"))"));
    }

    @Override
    public <A> Table<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                               Serde<A> aggregateSerde) {
        return aggregate(initializer, aggregator, aggregateSerde, builder.nameOf(null, "window-aggregate", null,
                "window(windows).aggregate(initializer, aggregator, serde, Named.as(\"...\"))"));
    }

    @Override
    public <A> Table<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                               Merger<? super K, A> merger, Serde<A> aggregateSerde) {
        return aggregate(initializer, aggregator, merger, aggregateSerde, builder.nameOf(null, "window-aggregate", null,
                "window(windows).aggregate(initializer, aggregator, merger, serde, Named.as(\"...\"))"));
    }

    @Override
    public Table<Windowed<K>, V> reduce(BinaryOperator<V> reducer, Named name) {
        Objects.requireNonNull(reducer, "reducer");
        if (grouped.valueSerde() == null) {
            throw new IllegalArgumentException("reduce needs the value serde: group with Grouped.with(keySerde, valueSerde)");
        }
        Aggregator<K, V, V> fold = (k, v, a) -> a == null ? v : reducer.apply(a, v);
        Merger<K, V> merge = (k, a, b) -> reducer.apply(a, b);
        return add(name, "windowReduce", () -> null, fold, merge, grouped.valueSerde());
    }

    @Override
    public Table<Windowed<K>, V> reduce(BinaryOperator<V> reducer, BinaryOperator<V> inverseReducer, Named name) {
        Objects.requireNonNull(reducer, "reducer");
        Objects.requireNonNull(inverseReducer, "inverseReducer");
        Objects.requireNonNull(name, "name");
        long sizeMs;
        long advanceMs;
        if (windows instanceof TumblingWindows w) {
            sizeMs = w.size().toMillis();
            advanceMs = sizeMs;
        } else if (windows instanceof HoppingWindows w) {
            sizeMs = w.size().toMillis();
            advanceMs = w.advance().toMillis();
        } else {
            throw new IllegalArgumentException("reduce with an inverse reducer needs tumbling or hopping windows, not "
                    + windows + ": use reduce(reducer, name)");
        }
        if (grouped.keySerde() == null || grouped.valueSerde() == null) {
            throw new IllegalArgumentException("reduce needs the key and value serdes: group with "
                    + "Grouped.with(keySerde, valueSerde)");
        }
        long graceMs = windows.grace().toMillis();
        long paneMs = java.math.BigInteger.valueOf(sizeMs).gcd(java.math.BigInteger.valueOf(advanceMs)).longValueExact();
        String n = name.name();
        String what = "windowReduceInvertible over " + windows;
        StoreSpec panes = builder.addStore(n, StoreSpec.Kind.WINDOW, grouped.keySerde(), Serdes.bytes(),
                sizeMs + graceMs + advanceMs, paneMs, what + " (panes)");
        StoreSpec running = builder.addStore(n + "-running", StoreSpec.Kind.KEY_VALUE, Serdes.bytes(), Serdes.bytes(),
                0, 0, "running windows of " + what);
        PlanNode late = lateNode(n);
        WindowSpec spec = new WindowSpec(WindowSpec.Kind.FIXED, sizeMs, advanceMs, graceMs, panes, null, null,
                grouped.keySerde(), grouped.valueSerde(), grouped.valueSerde(), () -> null, null, null, late, maxKeys);
        PlanNode aggregate = builder.addNamed(List.of(node), "windowReduceInvertible", n,
                new OperatorSpec.InvertibleWindowReduce(spec, reducer, inverseReducer, running, paneMs), false);
        aggregate.namedByArgument = true;
        aggregate.eventTimeDelayMs = eventTimeDelayMs == null ? 0L : eventTimeDelayMs;
        return new TableImpl<>(builder, aggregate, true, maxKeys);
    }

    /** The first operator of the late-records stream, or null if late records are only counted. */
    private PlanNode lateNode(String name) {
        if (lateStream == null) {
            return null;
        }
        PlanNode late = builder.addNamed(List.of(), "late", name + "-late", new OperatorSpec.PassThrough(), false);
        lateStream.accept(new StreamImpl<>(builder, late, false, eventTimeDelayMs));
        return late;
    }

    @Override
    public <A> Table<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                               Serde<A> aggregateSerde, Named name) {
        if (windows instanceof SessionWindows) {
            throw new IllegalArgumentException("aggregate over session windows needs a Merger, which combines the "
                    + "aggregates of sessions a record joins: use aggregate(initializer, aggregator, merger, serde, name)");
        }
        if (panes && windows instanceof HoppingWindows) {
            throw new IllegalArgumentException("mergePanes() on hopping windows needs a Merger, which combines the "
                    + "aggregates of a window's panes: use aggregate(initializer, aggregator, merger, serde, name)");
        }
        return add(name, "windowAggregate", Objects.requireNonNull(initializer, "initializer"),
                Objects.requireNonNull(aggregator, "aggregator"), null, Objects.requireNonNull(aggregateSerde, "aggregateSerde"));
    }

    @Override
    public <A> Table<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                               Merger<? super K, A> merger, Serde<A> aggregateSerde, Named name) {
        return add(name, "windowAggregate", Objects.requireNonNull(initializer, "initializer"),
                Objects.requireNonNull(aggregator, "aggregator"), Objects.requireNonNull(merger, "merger"),
                Objects.requireNonNull(aggregateSerde, "aggregateSerde"));
    }

    private <A> Table<Windowed<K>, A> add(Named name, String kind, Supplier<?> initializer, Aggregator<?, ?, ?> aggregator,
                                          Merger<?, ?> merger, Serde<?> aggregateSerde) {
        Objects.requireNonNull(name, "name");
        if (grouped.keySerde() == null) {
            throw new IllegalArgumentException(kind + " needs the key serde: group with Grouped.with(keySerde, valueSerde)");
        }
        long graceMs = windows.grace().toMillis();
        String n = name.name();
        String what = kind + " over " + windows;
        WindowSpec.Kind windowKind;
        long sizeMs;
        long advanceMs = 0;
        long paneMs = 0;
        StoreSpec store;
        StoreSpec recordStore = null;
        if (windows instanceof TumblingWindows w) {
            windowKind = WindowSpec.Kind.FIXED;
            sizeMs = w.size().toMillis();
            advanceMs = sizeMs;
            store = builder.addStore(n, StoreSpec.Kind.WINDOW, grouped.keySerde(), aggregateSerde, sizeMs + graceMs,
                    sizeMs, what);
        } else if (windows instanceof HoppingWindows w) {
            windowKind = WindowSpec.Kind.FIXED;
            sizeMs = w.size().toMillis();
            advanceMs = w.advance().toMillis();
            if (panes && merger != null && advanceMs < sizeMs) {
                paneMs = java.math.BigInteger.valueOf(sizeMs).gcd(java.math.BigInteger.valueOf(advanceMs)).longValueExact();
                store = builder.addStore(n, StoreSpec.Kind.WINDOW, grouped.keySerde(), aggregateSerde,
                        sizeMs + graceMs + advanceMs, paneMs, what + " (panes of " + paneMs + " ms)");
            } else {
                store = builder.addStore(n, StoreSpec.Kind.WINDOW, grouped.keySerde(), aggregateSerde, sizeMs + graceMs,
                        sizeMs, what);
            }
        } else if (windows instanceof SlidingWindows w) {
            if (grouped.valueSerde() == null) {
                throw new IllegalArgumentException("sliding windows keep each key's records, so they need the value "
                        + "serde: group with Grouped.with(keySerde, valueSerde)");
            }
            windowKind = WindowSpec.Kind.SLIDING;
            sizeMs = w.maxDifference().toMillis();
            long retention = sizeMs + 1 + graceMs;
            store = builder.addStore(n, StoreSpec.Kind.WINDOW, grouped.keySerde(), aggregateSerde, retention,
                    sizeMs + 1, what);
            recordStore = builder.addStore(n + "-records", StoreSpec.Kind.WINDOW, grouped.keySerde(), Serdes.bytes(),
                    retention, 1, "records of " + what);
        } else if (windows instanceof SessionWindows w) {
            windowKind = WindowSpec.Kind.SESSION;
            sizeMs = w.gap().toMillis();
            store = builder.addStore(n, StoreSpec.Kind.SESSION, grouped.keySerde(), aggregateSerde, sizeMs + graceMs,
                    sizeMs, what);
        } else {
            throw new IllegalArgumentException("unknown windows " + windows);
        }
        PlanNode late = null;
        if (lateStream != null) {
            late = builder.addNamed(List.of(), "late", n + "-late", new OperatorSpec.PassThrough(), false);
            lateStream.accept(new StreamImpl<>(builder, late, false, eventTimeDelayMs));
        }
        WindowSpec spec = new WindowSpec(windowKind, sizeMs, advanceMs, graceMs, store, recordStore, null,
                grouped.keySerde(), grouped.valueSerde(), aggregateSerde, initializer, aggregator, merger, late, maxKeys);
        PlanNode aggregate = builder.addNamed(List.of(node), kind, n, new OperatorSpec.WindowAggregate(spec, paneMs), false);
        aggregate.namedByArgument = true;
        aggregate.eventTimeDelayMs = eventTimeDelayMs == null ? 0L : eventTimeDelayMs;
        return new TableImpl<>(builder, aggregate, true, maxKeys);
    }
}
