package io.eddy.internal.runtime;

import io.eddy.dsl.ForeachWriter;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.SinkRecord;
import io.eddy.dsl.TaskBatch;
import io.eddy.dsl.TopicChooser;
import io.eddy.serde.SchemaIdHeaders;
import io.eddy.serde.Serde;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The stateless operators. Each is a small {@link Node}; user functions are stored with erased
 * types because the plan checked the types when the pipeline was defined.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
public final class Nodes {

    private Nodes() {
    }

    /** A named node factory: {@link Operators} picks one per operator of the plan and calls it once per task. */
    @FunctionalInterface
    interface Factory {
        Node create(String name, TaskContext task);
    }

    static Factory passThrough() {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                forward(key, value);
            }
        };
    }

    static Factory map(BiFunction fn) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                KeyValue kv;
                try {
                    kv = (KeyValue) fn.apply(key, value);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                if (kv == null) {
                    throw failed(new NullPointerException("map function returned null instead of a KeyValue"));
                }
                forward(kv.key(), kv.value());
            }
        };
    }

    static Factory mapValues(BiFunction fn) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                Object v;
                try {
                    v = fn.apply(key, value);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                forward(key, v);
            }
        };
    }

    static Factory selectKey(BiFunction fn) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                Object k;
                try {
                    k = fn.apply(key, value);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                forward(k, value);
            }
        };
    }

    static Factory flatMap(BiFunction fn) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                Iterable<KeyValue> out;
                try {
                    out = (Iterable<KeyValue>) fn.apply(key, value);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                if (out != null) {
                    for (KeyValue kv : out) {
                        forward(kv.key(), kv.value());
                    }
                }
            }
        };
    }

    static Factory flatMapValues(BiFunction fn) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                Iterable<Object> out;
                try {
                    out = (Iterable<Object>) fn.apply(key, value);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                if (out != null) {
                    for (Object v : out) {
                        forward(key, v);
                    }
                }
            }
        };
    }

    static Factory filter(BiPredicate predicate) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                boolean keep;
                try {
                    keep = predicate.test(key, value);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                if (keep) {
                    forward(key, value);
                }
            }
        };
    }

    static Factory peek(BiConsumer action) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                try {
                    action.accept(key, value);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                forward(key, value);
            }
        };
    }

    /**
     * Routes each record to the child of the first accepting predicate; children are in branch
     * order, with the default branch (if any) last.
     */
    static Factory split(BiPredicate[] predicates, boolean hasDefault) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                int target = hasDefault ? predicates.length : -1;
                try {
                    for (int i = 0; i < predicates.length; i++) {
                        if (predicates[i].test(key, value)) {
                            target = i;
                            break;
                        }
                    }
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                if (target >= 0) {
                    next[target].process(key, value);
                }
            }
        };
    }

    /** Writes to a fixed topic ({@code chooser == null}) or one chosen per record. */
    static Factory kafkaSink(String topic, TopicChooser chooser, Serde keySerde, Serde valueSerde) {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                RecordContext in = task.record;
                try {
                    String target = chooser == null ? topic : chooser.topicFor(key, value);
                    if (target == null) {
                        throw new NullPointerException("topic chooser returned null");
                    }
                    Headers headers = copy(in.headers);
                    // the copied schema-id headers describe the input's bytes: drop them before each side is written
                    SchemaIdHeaders.prepareForOutput(headers, true, keySerde);
                    SchemaIdHeaders.prepareForOutput(headers, false, valueSerde);
                    byte[] k = keySerde.serialize(target, headers, key);
                    byte[] v = valueSerde.serialize(target, headers, value);
                    task.sink.send(target, k, v, in.timestamp, headers);
                } catch (RuntimeException e) {
                    throw failed(e);
                }
            }
        };
    }

    private static Headers copy(Headers headers) {
        if (headers == null) {
            return new RecordHeaders();
        }
        Header[] all = headers.toArray();
        return all.length == 0 ? new RecordHeaders() : new RecordHeaders(all);
    }

    static Factory console() {
        return (name, task) -> new Node(name) {
            @Override
            void process(Object key, Object value) {
                task.console.println("[" + name + "] " + key + " -> " + value);
            }
        };
    }

    /** The {@link ForeachWriter} lifecycle, per task and batch. */
    static Factory foreach(Supplier<? extends ForeachWriter> writers) {
        return (name, task) -> new Node(name) {
            ForeachWriter writer;
            boolean opened;
            boolean accepting;
            /** Closed with null for the batch now committing: the writer hears if it commits. */
            boolean prepared;

            /** Whether the writer heard taskStarted; a node created after its task started hears it at its first record. */
            boolean started;

            @Override
            void started(long nextBatchId) {
                if (started) {
                    return;
                }
                started = true;
                try {
                    if (writer == null) {
                        writer = writers.get();
                    }
                    writer.taskStarted(new TaskBatch(task.taskId, nextBatchId));
                } catch (RuntimeException e) {
                    throw failed(e);
                }
            }

            @Override
            void process(Object key, Object value) {
                RecordContext in = task.record;
                if (!started) {
                    started(task.batchId);   // the batch now running is the task's next: none at or above it committed
                }
                try {
                    if (writer == null) {
                        writer = writers.get();
                    }
                    if (!opened) {
                        opened = true;
                        accepting = writer.open(new TaskBatch(task.taskId, task.batchId));
                    }
                    if (accepting) {
                        writer.process(new SinkRecord<>(key, value, in.topic, in.partition, in.offset, in.timestamp));
                    }
                } catch (RuntimeException e) {
                    throw failed(e);
                }
            }

            @Override
            void prepareCommit() {
                if (opened) {
                    opened = false;
                    try {
                        writer.close(null);
                        prepared = true;
                    } catch (RuntimeException e) {
                        throw failed(e);
                    }
                }
            }

            @Override
            void committed(long batchId) {
                if (prepared) {
                    prepared = false;
                    writer.committed(new TaskBatch(task.taskId, batchId));
                }
            }

            @Override
            void abort(Throwable cause) {
                prepared = false;
                if (opened) {
                    opened = false;
                    try {
                        writer.close(cause);
                    } catch (RuntimeException ignored) {
                        // the batch is already failing; the first cause is the one reported
                    }
                }
            }
        };
    }
}
