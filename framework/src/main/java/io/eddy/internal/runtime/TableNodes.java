package io.eddy.internal.runtime;

import io.eddy.dsl.Aggregator;
import io.eddy.dsl.KeyValue;
import io.eddy.internal.plan.PlanNode;
import io.eddy.internal.plan.StoreSpec;
import io.eddy.internal.plan.TableChanges;
import io.eddy.internal.plan.TableChanges.Change;
import io.eddy.internal.plan.TableChanges.Counted;
import io.eddy.state.KeyValueStore;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Operators on tables: {@code mapValues} and {@code filter} (tables computed from their parent,
 * with no store), and the two halves of a regrouping, {@code groupBy} (a change of a row becomes
 * a subtract of the old row and an add of the new one, see {@link TableChanges}) and its
 * aggregation (adds and subtracts per group, deleting a group whose last row left).
 *
 * <p>The stateless table nodes act while their parent emits at commit: each change goes on at
 * once, with both rows transformed, in the parent's order; their {@link TableNode#lookup} is the
 * parent's row transformed, so joins and lookups see the same rows.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class TableNodes {

    private TableNodes() {
    }

    /** A stateless table: each change of the parent goes on transformed; rows are computed on lookup. */
    private abstract static class DerivedTable extends TableNode implements TableChangeConsumer {
        private final TaskContext task;
        private final PlanNode parentPlan;
        private TableNode parent;   // resolved at first use: the parent may be instantiated after this node

        DerivedTable(String name, TaskContext task, PlanNode parent) {
            super(name, task);
            this.task = task;
            this.parentPlan = parent;
        }

        /** The row this table has for {@code key} when the parent's row is {@code row} (non-null); null if none. */
        abstract Object derive(Object key, Object row);

        @Override
        final void process(Object key, Object value) {
            throw failed(new IllegalStateException("a table operator got a record instead of a table change"));
        }

        @Override
        final Object lookup(Object key) {
            if (parent == null) {
                parent = (TableNode) task.node(parentPlan);
            }
            Object row = parent.lookup(key);
            if (row == null) {
                return null;
            }
            try {
                return derive(key, row);
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }

        @Override
        public final void change(Object key, Object old, Object row) {
            Object oldOut;
            Object newOut;
            try {
                oldOut = old == null || old == UNKNOWN_OLD ? old : derive(key, old);
                newOut = row == null ? null : derive(key, row);
            } catch (RuntimeException e) {
                throw failed(e);
            }
            if (oldOut == null && newOut == null) {
                return;   // the row was not in this table and is not now
            }
            emitChange(key, oldOut, newOut);
        }
    }

    /** {@code mapper(key, row)} of every row. */
    static Nodes.Factory mapValues(PlanNode parent, BiFunction mapper) {
        return (name, task) -> new DerivedTable(name, task, parent) {
            @Override
            Object derive(Object key, Object row) {
                return mapper.apply(key, row);
            }
        };
    }

    /** The rows {@code predicate} accepts ({@code not}: rejects); a row that stops passing is deleted. */
    static Nodes.Factory filter(PlanNode parent, BiPredicate predicate, boolean not) {
        return (name, task) -> new DerivedTable(name, task, parent) {
            @Override
            Object derive(Object key, Object row) {
                return predicate.test(key, row) != not ? row : null;
            }
        };
    }

    /**
     * Forwards each change of a row as a subtract of the old row under its group, then an add of
     * the new row under its group; the child writes them to the repartition topic. A parent that
     * cannot tell the old row is refused when the pipeline is defined.
     */
    static Nodes.Factory groupBy(BiFunction selector) {
        return (name, task) -> new GroupBy(name, selector);
    }

    private static final class GroupBy extends Node implements TableChangeConsumer {
        private final BiFunction selector;

        GroupBy(String name, BiFunction selector) {
            super(name);
            this.selector = selector;
        }

        @Override
        void process(Object key, Object value) {
            throw failed(new IllegalStateException("a table regrouping got a record instead of a table change"));
        }

        @Override
        public void change(Object key, Object old, Object row) {
            if (old == TableNode.UNKNOWN_OLD) {
                throw failed(new IllegalStateException("the regrouped table cannot tell a row's old value, so it "
                        + "cannot retract it from its old group"));
            }
            KeyValue<?, ?> subtract = old == null ? null : select(key, old);
            KeyValue<?, ?> add = row == null ? null : select(key, row);
            if (subtract != null) {
                forward(subtract.key(), new Change(true, subtract.value()));
            }
            if (add != null) {
                forward(add.key(), new Change(false, add.value()));
            }
        }

        private KeyValue<?, ?> select(Object key, Object row) {
            KeyValue<?, ?> kv;
            try {
                kv = (KeyValue<?, ?>) selector.apply(key, row);
            } catch (RuntimeException e) {
                throw failed(e);
            }
            if (kv == null || kv.key() == null || kv.value() == null) {
                throw failed(new NullPointerException("the groupBy selector returned " + kv + " for key " + key
                        + ": a regrouped row needs a non-null key and value"));
            }
            return kv;
        }
    }

    /**
     * Adds and subtracts regrouped rows per group, in a store of {@link Counted} aggregates; a
     * group whose row count drops to zero is deleted. A subtract for a group the store does not
     * have (possible only if the selector changed between deployments) is ignored.
     */
    static Nodes.Factory aggregate(StoreSpec spec, Supplier initializer, Aggregator adder, Aggregator subtractor,
                                   long maxKeys) {
        return (name, task) -> new TableNode(name, task) {
            private final KeyValueStore store = task.state().keyValue(spec);
            private final long bound = maxKeys <= 0 ? Long.MAX_VALUE : maxKeys;

            @Override
            void process(Object key, Object value) {
                if (key == null) {
                    throw failed(new NullPointerException("a regrouped row has a null key"));
                }
                Change change = (Change) value;
                Counted current = (Counted) store.get(key);
                Object old = current == null ? null : current.aggregate();
                Counted next;
                try {
                    if (change.subtract()) {
                        if (current == null) {
                            return;
                        }
                        if (current.count() <= 1) {
                            next = null;
                        } else {
                            Object a = subtractor.apply(key, change.value(), current.aggregate());
                            if (a == null) {
                                throw new NullPointerException("the subtractor returned null");
                            }
                            next = new Counted(current.count() - 1, a);
                        }
                    } else {
                        Object a;
                        if (current == null) {
                            a = initializer == null ? change.value()
                                    : adder.apply(key, change.value(), initializer.get());
                        } else {
                            a = adder.apply(key, change.value(), current.aggregate());
                        }
                        if (a == null) {
                            throw new NullPointerException("the adder returned null");
                        }
                        next = new Counted(current == null ? 1 : current.count() + 1, a);
                    }
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                if (next == null) {
                    store.delete(key);
                } else {
                    store.put(key, next);
                }
                changed(key, old, next == null ? null : next.aggregate());
            }

            @Override
            Object lookup(Object key) {
                Counted c = (Counted) store.get(key);
                return c == null ? null : c.aggregate();
            }

            @Override
            void forEachRow(BiConsumer<Object, Object> row) {
                try (io.eddy.state.StoreIterator<java.util.Map.Entry<Object, Object>> it = store.all()) {
                    while (it.hasNext()) {
                        java.util.Map.Entry<Object, Object> e = it.next();
                        row.accept(e.getKey(), ((Counted) e.getValue()).aggregate());
                    }
                }
            }

            @Override
            long maxKeys() {
                return bound;
            }
        };
    }
}
