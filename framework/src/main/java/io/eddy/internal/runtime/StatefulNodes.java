package io.eddy.internal.runtime;

import io.eddy.dsl.Aggregator;
import io.eddy.internal.plan.JoinType;
import io.eddy.internal.plan.PlanNode;
import io.eddy.internal.plan.StoreSpec;
import io.eddy.serde.Serde;
import io.eddy.state.KeyValueStore;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The stateful operators: aggregations and materialized tables (each backed by a key-value store
 * of its task), joins with tables and global tables, and the sink that feeds a repartition topic.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class StatefulNodes {

    private StatefulNodes() {
    }

    /** Folds each record into the aggregate of its key; a table of the aggregates. */
    static Nodes.Factory aggregate(StoreSpec spec, Supplier initializer, Aggregator aggregator, long maxKeys) {
        return (name, task) -> new StoreTableNode(name, task, spec, maxKeys) {
            @Override
            void process(Object key, Object value) {
                Object current = store.get(key);
                Object next;
                try {
                    next = aggregator.apply(key, value, current != null ? current : initializer.get());
                    if (next == null) {
                        throw new NullPointerException("the aggregator returned null");
                    }
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                store.put(key, next);
                changed(key, current, next);
            }
        };
    }

    /** Combines the values of each key; the first value is the initial aggregate. */
    static Nodes.Factory reduce(StoreSpec spec, BinaryOperator reducer, long maxKeys) {
        return (name, task) -> new StoreTableNode(name, task, spec, maxKeys) {
            @Override
            void process(Object key, Object value) {
                if (value == null) {
                    return;   // nothing to combine; a null value does not delete an aggregate
                }
                Object current = store.get(key);
                Object next;
                try {
                    next = current == null ? value : reducer.apply(current, value);
                    if (next == null) {
                        throw new NullPointerException("the reducer returned null");
                    }
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                store.put(key, next);
                changed(key, current, next);
            }
        };
    }

    /** Folds each record into its key's state; a null result removes the key (updateStateByKey). */
    static Nodes.Factory updateState(StoreSpec spec, io.eddy.processor.StateUpdater updater) {
        return (name, task) -> new StoreTableNode(name, task, spec, 0) {
            @Override
            void process(Object key, Object value) {
                if (key == null) {
                    throw failed(new NullPointerException("updateStateByKey needs a key; got a record with a null key"));
                }
                Object current = store.get(key);
                Object next;
                try {
                    next = updater.update(key, value, current);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                store.put(key, next);
                changed(key, current, next);
            }
        };
    }

    /** The latest value per key; a null value deletes the key. */
    static Nodes.Factory materialize(StoreSpec spec) {
        return (name, task) -> new StoreTableNode(name, task, spec, 0) {
            @Override
            void process(Object key, Object value) {
                if (key == null) {
                    throw failed(new NullPointerException("a table row needs a key; got a record with a null key"));
                }
                Object old = tracksOld() ? store.get(key) : UNKNOWN_OLD;
                store.put(key, value);
                changed(key, old, value);
            }
        };
    }

    /** A table node backed by the task's store {@code spec}. */
    private abstract static class StoreTableNode extends TableNode {
        final KeyValueStore store;

        final long maxKeys;

        StoreTableNode(String name, TaskContext task, StoreSpec spec, long maxKeys) {
            super(name, task);
            this.maxKeys = maxKeys <= 0 ? Long.MAX_VALUE : maxKeys;
            this.store = task.state().keyValue(spec);
        }

        @Override
        Object lookup(Object key) {
            return store.get(key);
        }

        @Override
        void forEachRow(java.util.function.BiConsumer<Object, Object> row) {
            try (io.eddy.state.StoreIterator<java.util.Map.Entry<Object, Object>> it = store.all()) {
                while (it.hasNext()) {
                    java.util.Map.Entry<Object, Object> e = it.next();
                    row.accept(e.getKey(), e.getValue());
                }
            }
        }

        @Override
        long maxKeys() {
            return maxKeys;
        }
    }

    /** Joins each record with the row of the table under its key. */
    static Nodes.Factory streamTableJoin(PlanNode table, BiFunction joiner, boolean left) {
        return (name, task) -> {
            return new Node(name) {
                TableNode rows;   // resolved at first use: the table may be instantiated after this node

                @Override
                void process(Object key, Object value) {
                    if (rows == null) {
                        rows = (TableNode) task.node(table);
                    }
                    Object joined;
                    try {
                        Object row = key == null ? null : rows.lookup(key);
                        if (row == null && !left) {
                            return;
                        }
                        joined = joiner.apply(value, row);
                    } catch (RuntimeException e) {
                        throw failed(e);
                    }
                    forward(key, joined);
                }
            };
        };
    }

    /** Joins each record with the row of a global table under the key {@code keyMapper} computes. */
    static Nodes.Factory globalJoin(String topic, BiFunction keyMapper, BiFunction joiner, boolean left) {
        return (name, task) -> {
            GlobalTables.Lookup rows = task.globals().lookup(topic);
            return new Node(name) {
                @Override
                void process(Object key, Object value) {
                    Object joined;
                    try {
                        Object tableKey = keyMapper.apply(key, value);
                        Object row = tableKey == null ? null : rows.get(tableKey);
                        if (row == null && !left) {
                            return;
                        }
                        joined = joiner.apply(value, row);
                    } catch (RuntimeException e) {
                        throw failed(e);
                    }
                    forward(key, joined);
                }
            };
        };
    }

    /**
     * Joins two tables: a row changes whenever either side's row of that key changes; the joined
     * row is computed from both sides' current rows, so it needs no store of its own.
     */
    static Nodes.Factory tableJoin(PlanNode leftTable, PlanNode rightTable, BiFunction joiner, JoinType type) {
        return (name, task) -> {
            return new TableNode(name, task) {
                @Override
                void process(Object key, Object value) {
                    changed(key);   // a row of one side changed: recompute at flush
                }

                @Override
                Object lookup(Object key) {
                    // resolved per call (a map lookup): the sides may be instantiated after this node
                    Object l = ((TableNode) task.node(leftTable)).lookup(key);
                    Object r = ((TableNode) task.node(rightTable)).lookup(key);
                    boolean present = switch (type) {
                        case INNER -> l != null && r != null;
                        case LEFT -> l != null;
                        case OUTER -> l != null || r != null;
                    };
                    return present ? joiner.apply(l, r) : null;
                }
            };
        };
    }

    /**
     * Writes each record to a repartition topic, partitioned by its serialized key, so that the
     * task owning the key reads it. A null key is an error: it has no owner.
     */
    static Nodes.Factory repartitionSink(String topic, Serde keySerde, Serde valueSerde) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                RecordContext in = task.record;
                try {
                    if (key == null) {
                        throw new NullPointerException("the grouping key is null; records need a key to be grouped");
                    }
                    RecordHeaders headers = new RecordHeaders();
                    byte[] k = keySerde.serialize(topic, headers, key);
                    byte[] v = valueSerde.serialize(topic, headers, value);
                    task.sink.send(topic, k, v, in.timestamp, headers);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
            }
        };
    }
}
