package io.eddy.internal.plan;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.TopicChooser;
import io.eddy.serde.Serde;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * What one operator of the plan does: a pure description (user functions, serdes, stores,
 * topics) with no runtime behind it. The runtime maps each kind to the node that runs it, once
 * per task; the plan never knows how. User functions and serdes are held with erased types
 * because the DSL checked the types when the pipeline was defined.
 *
 * <p>Adding a kind here makes the runtime's mapping fail at the first task that meets it, with
 * a message naming the kind, until the mapping handles it.
 */
@SuppressWarnings("rawtypes")
public sealed interface OperatorSpec {

    /** The root of a source: deserializes with these serdes (the task does) and forwards. */
    record Source(Serde keySerde, Serde valueSerde) implements OperatorSpec {
    }

    /** Forwards every record unchanged (merges, branches, emit modes, late-record streams). */
    record PassThrough() implements OperatorSpec {
    }

    /** {@code mapper(key, value)} returns the record's new key and value. */
    record Map(BiFunction mapper) implements OperatorSpec {
    }

    /** {@code mapper(key, value)} returns the new value; the key is unchanged. */
    record MapValues(BiFunction mapper) implements OperatorSpec {
    }

    /** {@code mapper(key, value)} returns zero or more key-value pairs. */
    record FlatMap(BiFunction mapper) implements OperatorSpec {
    }

    /** {@code mapper(key, value)} returns zero or more values under the same key. */
    record FlatMapValues(BiFunction mapper) implements OperatorSpec {
    }

    /** Keeps the records {@code predicate} accepts. */
    record Filter(BiPredicate predicate) implements OperatorSpec {
    }

    /** {@code selector(key, value)} returns the new key. */
    record SelectKey(BiFunction selector) implements OperatorSpec {
    }

    /** Calls {@code action} and forwards the record unchanged. */
    record Peek(BiConsumer action) implements OperatorSpec {
    }

    /**
     * Routes each record to the child of the first accepting predicate; children are in branch
     * order, with the default branch (if any) last.
     */
    record Split(List<BiPredicate> predicates, boolean hasDefault) implements OperatorSpec {
        /** Copies the predicates. */
        public Split {
            predicates = List.copyOf(predicates);
        }
    }

    /** Writes to {@code topic}, or to the topic {@code chooser} picks when topic is null. */
    record KafkaSink(String topic, TopicChooser chooser, Serde keySerde, Serde valueSerde) implements OperatorSpec {
    }

    /** Hands records to a writer created per task. */
    record Foreach(Supplier<? extends ForeachWriter> writers) implements OperatorSpec {
    }

    /** Hands each task's records of a batch to a writer created per task, before the commit. */
    record ForeachBatch(Supplier<? extends io.eddy.dsl.BatchWriter> writers) implements OperatorSpec {
    }

    /** Publishes committed records into an in-process table. */
    record ToMemory(MemoryTable table) implements OperatorSpec {
    }

    /** Prints records. */
    record Console() implements OperatorSpec {
    }

    /** Folds each record into the aggregate of its key, kept in {@code store}; a table. */
    record Aggregate(StoreSpec store, Supplier initializer, Aggregator aggregator, long maxKeys)
            implements OperatorSpec {
    }

    /** Combines the values of each key, kept in {@code store}; a table. */
    record Reduce(StoreSpec store, BinaryOperator reducer, long maxKeys) implements OperatorSpec {
    }

    /** The latest value per key, kept in {@code store}; a null value deletes the key. A table. */
    record Materialize(StoreSpec store) implements OperatorSpec {
    }

    /** Joins each record with the row of the table {@code table} under its key. */
    record StreamTableJoin(PlanNode table, BiFunction joiner, boolean left) implements OperatorSpec {
    }

    /** Joins each record with the row of the global table read from {@code topic}. */
    record GlobalJoin(String topic, BiFunction keyMapper, BiFunction joiner, boolean left) implements OperatorSpec {
    }

    /** Joins two tables; the result is a table computed from both sides' rows, with no store. */
    record TableJoin(PlanNode leftTable, PlanNode rightTable, BiFunction joiner, JoinType type)
            implements OperatorSpec {
    }

    /** Writes records to a repartition topic, partitioned by their serialized key. */
    record RepartitionSink(String topic, Serde keySerde, Serde valueSerde) implements OperatorSpec {
    }

    /** Sets the record's event time: {@code eventTime(value)}, or the record timestamp when null. */
    record AssignEventTime(ToLongFunction eventTime) implements OperatorSpec {
    }

    /** Drops records whose id was seen within the watermark horizon, remembered in {@code store}. */
    record DropDuplicates(StoreSpec store, BiFunction id, Serde idSerde) implements OperatorSpec {
    }

    /**
     * A windowed aggregation; with {@code paneMs > 0} (hopping windows of a mergeable aggregation,
     * opted in with {@code WindowedStream.mergePanes()}) its store holds panes of {@code paneMs}.
     */
    record WindowAggregate(WindowSpec window, long paneMs) implements OperatorSpec {
        WindowAggregate(WindowSpec window) {
            this(window, 0);
        }
    }

    /** One side of a windowed stream-stream join. */
    record StreamJoinSide(StreamJoinSpec join, boolean leftSide) implements OperatorSpec {
    }

    /**
     * A keyed processor: state variables {@code states} in the store {@code state}, timers in the
     * store {@code timers}. Children: the main output first, then one per side output, in
     * {@code sideOutputs} order.
     */
    record KeyedProcess(StoreSpec state, StoreSpec timers, Supplier processor, List<io.eddy.processor.StateSpec> states,
                        Serde keySerde, List<String> sideOutputs) implements OperatorSpec {
        /** Copies the lists. */
        public KeyedProcess {
            states = List.copyOf(states);
            sideOutputs = List.copyOf(sideOutputs);
        }
    }

    /**
     * A per-record processor; {@code fixedKey} for a {@link io.eddy.processor.ValueProcessor}.
     * Children: the main output first, then one per side output, in {@code sideOutputs} order.
     */
    record RecordProcess(Supplier processor, boolean fixedKey, List<String> sideOutputs) implements OperatorSpec {
        /** Copies the list. */
        public RecordProcess {
            sideOutputs = List.copyOf(sideOutputs);
        }
    }

    /** Folds each record into its key's state in {@code store}; a null result removes the key. A table. */
    record UpdateState(StoreSpec store, io.eddy.processor.StateUpdater updater) implements OperatorSpec {
    }

    /** A table whose rows are {@code mapper(key, row)} of the table {@code parent}'s rows; no store. */
    record TableMapValues(PlanNode parent, BiFunction mapper) implements OperatorSpec {
    }

    /** The rows of the table {@code parent} that {@code predicate} accepts (rejects, if {@code not}); no store. */
    record TableFilter(PlanNode parent, BiPredicate predicate, boolean not) implements OperatorSpec {
    }

    /**
     * Regroups a table: each change of a row becomes a subtract of the old row and an add of the
     * new one ({@link TableChanges.Change}), keyed and valued by {@code selector(key, row)}, which
     * returns a {@code KeyValue}.
     */
    record TableGroupBy(BiFunction selector) implements OperatorSpec {
    }

    /**
     * Aggregates regrouped table rows, kept in {@code store} as {@link TableChanges.Counted}: adds
     * with {@code adder}, subtracts with {@code subtractor}; a null {@code initializer} means the
     * first value is the aggregate (reduce). A table.
     */
    record TableAggregate(StoreSpec store, Supplier initializer, Aggregator adder, Aggregator subtractor, long maxKeys)
            implements OperatorSpec {
    }

    /**
     * Tumbling or hopping windows reduced incrementally: {@code window.store()} holds panes of
     * {@code paneMs}; with FINAL output, {@code running} holds each key's running window, slid with
     * {@code inverse}. A windowed table.
     */
    record InvertibleWindowReduce(WindowSpec window, BinaryOperator reducer, BinaryOperator inverse, StoreSpec running,
                                  long paneMs) implements OperatorSpec {
    }
}
