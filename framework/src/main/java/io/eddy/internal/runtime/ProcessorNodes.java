package io.eddy.internal.runtime;

import io.eddy.internal.plan.OperatorSpec;
import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.ListState;
import io.eddy.processor.ListStateSpec;
import io.eddy.processor.MapState;
import io.eddy.processor.MapStateSpec;
import io.eddy.processor.OutputContext;
import io.eddy.processor.RecordProcessor;
import io.eddy.processor.SideOutput;
import io.eddy.processor.TimeDomain;
import io.eddy.processor.Timer;
import io.eddy.processor.TimerService;
import io.eddy.processor.ValueProcessor;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serde;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The processor API's operators: a keyed processor with state variables and timers
 * ({@link KeyedProcessor}) and the stateless per-record processors ({@link RecordProcessor},
 * {@link ValueProcessor}).
 *
 * <p>A processor's node is its own context: the user calls {@code forward} from inside
 * {@code process}, so forwarding happens inside the node's {@code try}; a child's failure arrives
 * as an {@link OperatorException} naming the child and passes through unchanged, anything else
 * is the processor's. Children: the main output first, then the side outputs in declaration
 * order (see {@code OperatorSpec.KeyedProcess}).
 *
 * <p>Timers fire in the keyed node's {@link Node#flush()}, while the batch commits: first the
 * event-time timers the new watermark reached, then the processing-time timers the clock reached,
 * each one at a time in time order, so a timer a callback registers at a time already due fires
 * in the same commit, in order.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class ProcessorNodes {
    private static final Headers NO_HEADERS = readOnlyEmpty();
    /** Bounds one commit's timer callbacks: only a callback re-registering due timers forever reaches it. */
    static final long MAX_TIMERS_PER_COMMIT = 1_000_000;

    private ProcessorNodes() {
    }

    private static Headers readOnlyEmpty() {
        RecordHeaders h = new RecordHeaders();
        h.setReadOnly();
        return h;
    }

    static Nodes.Factory keyed(OperatorSpec.KeyedProcess spec) {
        return (name, task) -> new KeyedNode(name, task, spec);
    }

    static Nodes.Factory record(OperatorSpec.RecordProcess spec) {
        return (name, task) -> new RecordNode(name, task, spec);
    }

    /** What both node kinds share: the outputs and the current record's metadata. */
    private abstract static class OutputNode extends Node {
        final TaskContext task;
        final List<String> sideOutputs;
        /** Whether a timer callback is running (no input record then). */
        boolean inTimer;

        OutputNode(String name, TaskContext task, List<String> sideOutputs) {
            super(name);
            this.task = task;
            this.sideOutputs = sideOutputs;
        }

        final void emit(int child, Object key, Object value) {
            if (child < next.length) {
                next[child].process(key, value);
            }
        }

        /** The context user code gets: the outputs and the current record's metadata. */
        class BaseContext implements OutputContext<Object, Object> {
            @Override
            public void forward(Object key, Object value) {
                emit(0, key, value);
            }

            @Override
            public void forward(Object key, Object value, long timestamp) {
                RecordContext r = task.record;
                long saved = r.timestamp;
                r.timestamp = timestamp;
                try {
                    emit(0, key, value);
                } finally {
                    r.timestamp = saved;
                }
            }

            @Override
            public void forward(Object key, Object value, long timestamp, Headers headers) {
                RecordContext r = task.record;
                long saved = r.timestamp;
                Headers savedHeaders = r.headers;
                r.timestamp = timestamp;
                r.headers = headers;
                try {
                    emit(0, key, value);
                } finally {
                    r.timestamp = saved;
                    r.headers = savedHeaders;
                }
            }

            @Override
            public <KS, VS> void forward(SideOutput<KS, VS> output, KS key, VS value) {
                int at = sideOutputs.indexOf(output.name());
                if (at >= 0) {
                    emit(at + 1, key, value);
                }   // else: no stream reads it (documented on SideOutput)
            }

            @Override
            public long timestamp() {
                return task.record.timestamp;
            }

            @Override
            public Headers headers() {
                Headers h = inTimer ? null : task.record.headers;
                return h == null ? NO_HEADERS : h;
            }

            @Override
            public String topic() {
                return inTimer ? null : task.record.topic;
            }

            @Override
            public int partition() {
                return task.taskId;
            }

            @Override
            public long offset() {
                return inTimer ? -1 : task.record.offset;
            }

            @Override
            public long currentProcessingTime() {
                return task.clock.getAsLong();
            }

            @Override
            public void reportMetric(String metric, double value) {
                task.metric(name + "." + java.util.Objects.requireNonNull(metric, "name"), value);
            }
        }

        /** Runs user code: its failures are this operator's, a child's pass through. */
        final void call(Runnable userCode) {
            try {
                userCode.run();
            } catch (OperatorException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failed(e);
            }
        }
    }

    /** A keyed processor: state per key, timers, outputs. */
    private static final class KeyedNode extends OutputNode implements TaskContext.TimerOwner {
        private final OperatorSpec.KeyedProcess spec;
        private final Serde keySerde;
        private final Timers timers;
        private final ProcessorState state;
        private final String storeName;
        private KeyedProcessor processor;
        private Object currentKey;
        private final Ctx ctx = new Ctx();

        KeyedNode(String name, TaskContext task, OperatorSpec.KeyedProcess spec) {
            super(name, task, spec.sideOutputs());
            this.spec = spec;
            this.keySerde = spec.keySerde();
            this.storeName = spec.state().name();
            this.timers = new Timers(task.state().bytesStore(spec.timers().name()));
            this.state = new ProcessorState(name, task.state().bytesStore(storeName), timers, task.clock, spec.states());
            task.timerOwners.add(this);
        }

        /** Creates and initializes the processor at first use: after the task's stores are restored. */
        private KeyedProcessor processor() {
            if (processor == null) {
                KeyedProcessor p;
                try {
                    p = (KeyedProcessor) spec.processor().get();
                    if (p == null) {
                        throw new NullPointerException("the processor supplier returned null");
                    }
                } catch (RuntimeException e) {
                    throw failed(e);
                }
                currentKey = null;
                call(() -> p.init(ctx));
                processor = p;
            }
            return processor;
        }

        @Override
        void process(Object key, Object value) {
            KeyedProcessor p = processor();
            if (key == null) {
                throw failed(new NullPointerException("a keyed processor needs a key; got a record with a null key"));
            }
            if (task.time != null) {
                task.time.observe(task.record.topic, task.record.timestamp);
            }
            byte[] serialized;
            try {
                serialized = keySerde.serialize(storeName, key);
            } catch (RuntimeException e) {
                throw failed(e);
            }
            state.setKey(serialized);
            currentKey = key;
            inTimer = false;
            call(() -> p.process(key, value, ctx));
        }

        @Override
        void flush() {
            try {
                if (timers.next(Timers.Domain.EVENT_TIME) != Long.MAX_VALUE && task.time != null) {
                    fire(Timers.Domain.EVENT_TIME, task.time.watermark());
                }
                if (timers.next(Timers.Domain.PROCESSING_TIME) != Long.MAX_VALUE) {
                    fire(Timers.Domain.PROCESSING_TIME, task.clock.getAsLong());
                }
            } finally {
                timers.endPolling();
            }
        }

        /**
         * Fires the due timers of {@code domain} one at a time, earliest first, so a timer that a
         * callback registers at a time already due fires in this commit and in time order (as
         * Flink fires timers within one watermark advance). A callback that keeps registering due
         * timers would never end: past a bound the batch fails, naming the operator.
         */
        private void fire(Timers.Domain domain, long upTo) {
            if (timers.next(domain) > upTo) {
                return;
            }
            KeyedProcessor p = processor();
            RecordContext r = task.record;
            long savedTimestamp = r.timestamp;
            long fired = 0;
            try {
                inTimer = true;
                for (Timers.Due d = timers.pollDue(domain, upTo); d != null; d = timers.pollDue(domain, upTo)) {
                    if (++fired > MAX_TIMERS_PER_COMMIT) {
                        throw failed(new IllegalStateException("more than " + MAX_TIMERS_PER_COMMIT + " timers fired in "
                                + "one commit; does onTimer register a timer that is already due each time?"));
                    }
                    byte[] payload = d.payload();
                    byte[] rest = Arrays.copyOfRange(payload, 1, payload.length);
                    if (payload[0] == ProcessorState.CLEANUP_TIMER) {
                        state.cleanup(rest, task.clock.getAsLong());
                        continue;
                    }
                    Object key;
                    try {
                        key = keySerde.deserialize(storeName, rest);
                    } catch (RuntimeException e) {
                        throw failed(e);
                    }
                    TimeDomain userDomain = domain == Timers.Domain.EVENT_TIME ? TimeDomain.EVENT_TIME
                            : TimeDomain.PROCESSING_TIME;
                    state.setKey(rest);
                    state.userTimerFired(userDomain, d.time());
                    currentKey = key;
                    r.emitting(d.time());
                    Timer timer = new Timer(userDomain, d.time());
                    call(() -> p.onTimer(key, timer, ctx));
                }
            } finally {
                inTimer = false;
                r.timestamp = savedTimestamp;
            }
        }

        @Override
        void close() {
            if (processor != null) {
                processor.close();
            }
        }

        // ---- TimerOwner

        @Override
        public long nextEventTimer() {
            return timers.next(Timers.Domain.EVENT_TIME);
        }

        @Override
        public long nextProcessingTimer() {
            return timers.next(Timers.Domain.PROCESSING_TIME);
        }

        @Override
        public void timersReset() {
            timers.reset();
        }

        /** The context the processor gets: the current key's state and timers, and the outputs. */
        private final class Ctx extends BaseContext implements KeyedContext<Object, Object, Object>, TimerService {
            // ---- KeyedContext

            @Override
            public Object key() {
                return currentKey;
            }

            @Override
            public <T> ValueState<T> state(ValueStateSpec<T> s) {
                return state.handle(s, ValueState.class);
            }

            @Override
            public <T> ListState<T> state(ListStateSpec<T> s) {
                return state.handle(s, ListState.class);
            }

            @Override
            public <MK, MV> MapState<MK, MV> state(MapStateSpec<MK, MV> s) {
                return state.handle(s, MapState.class);
            }

            @Override
            public TimerService timers() {
                return this;
            }

            @Override
            public long watermark() {
                if (task.time == null) {
                    return Long.MIN_VALUE;
                }
                return inTimer ? task.time.watermark() : task.time.batchStartWatermark();
            }

            // ---- TimerService (of the current key)

            @Override
            public void registerEventTime(long time) {
                state.registerTimer(TimeDomain.EVENT_TIME, time);
            }

            @Override
            public void registerProcessingTime(long time) {
                state.registerTimer(TimeDomain.PROCESSING_TIME, time);
            }

            @Override
            public void deleteEventTime(long time) {
                state.deleteTimer(TimeDomain.EVENT_TIME, time);
            }

            @Override
            public void deleteProcessingTime(long time) {
                state.deleteTimer(TimeDomain.PROCESSING_TIME, time);
            }

            @Override
            public void deleteAll() {
                state.deleteAllTimers();
            }

            @Override
            public List<Timer> list() {
                return state.listTimers();
            }
    
        }
    }

    /** A stateless per-record processor; for a value processor, main outputs keep the input key. */
    private static final class RecordNode extends OutputNode {
        private final OperatorSpec.RecordProcess spec;
        private Object processor;
        private Object currentKey;
        private final Ctx ctx = new Ctx();

        RecordNode(String name, TaskContext task, OperatorSpec.RecordProcess spec) {
            super(name, task, spec.sideOutputs());
            this.spec = spec;
        }

        @Override
        void process(Object key, Object value) {
            if (processor == null) {
                try {
                    processor = spec.processor().get();
                    if (processor == null) {
                        throw new NullPointerException("the processor supplier returned null");
                    }
                } catch (RuntimeException e) {
                    throw failed(e);
                }
            }
            currentKey = key;
            if (spec.fixedKey()) {
                call(() -> ((ValueProcessor) processor).process(key, value, ctx));
            } else {
                call(() -> ((RecordProcessor) processor).process(key, value, ctx));
            }
        }

        /** The context both processor kinds get; a value processor's main outputs keep the input key. */
        private final class Ctx extends BaseContext implements ValueProcessor.ValueContext<Object> {
            @Override
            public void forward(Object value) {
                forward(currentKey, value);
            }

            @Override
            public void forward(Object value, long timestamp, Headers headers) {
                forward(currentKey, value, timestamp, headers);
            }

            @Override
            public void forward(Object value, long timestamp) {
                forward(currentKey, value, timestamp);
            }
        }
    }
}
