package io.eddy.bench;

import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.StateSpec;
import io.eddy.processor.Timer;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serdes;
import java.util.List;

/**
 * {@link Workload#W10} on Eddy: a keyed processor that emits a key's total once the key has been
 * silent for {@value SessionInput#SILENCE_MILLIS} ms of event time. Two value states per key, the
 * running total and the pending deadline, and one event-time timer per key: each record adds to
 * the total, deletes the key's previous timer and registers one at its timestamp plus the silence;
 * the timer emits the total (with the deadline as timestamp) and clears both states.
 *
 * <p>A record whose timestamp is already at or past its key's deadline, before the timer fired
 * (the watermark moves only at batch boundaries, so a batch may hold both), first emits the
 * finished session's total. The output then depends on the input alone, not on how records fall
 * into batches; in W10's input this never happens (a key's sessions are far apart).
 */
final class EddySessionTotals implements KeyedProcessor<String, Long, String, Long> {
    /** The key's running total. */
    static final ValueStateSpec<Long> TOTAL = StateSpec.value("total", Serdes.longs());
    /** The key's pending timer: its last record's timestamp plus the silence. */
    static final ValueStateSpec<Long> DEADLINE = StateSpec.value("deadline", Serdes.longs());
    /** The state variables to declare with {@code process}. */
    static final List<ValueStateSpec<Long>> STATES = List.of(TOTAL, DEADLINE);

    @Override
    public void process(String key, Long value, KeyedContext<String, String, Long> ctx) {
        ValueState<Long> total = ctx.state(TOTAL);
        ValueState<Long> deadline = ctx.state(DEADLINE);
        long sum = value;
        if (deadline.exists()) {
            long due = deadline.get();
            ctx.timers().deleteEventTime(due);
            if (ctx.timestamp() >= due) {
                ctx.forward(key, total.get(), due);
            } else {
                sum += total.get();
            }
        }
        long at = ctx.timestamp() + SessionInput.SILENCE_MILLIS;
        total.update(sum);
        deadline.update(at);
        ctx.timers().registerEventTime(at);
    }

    @Override
    public void onTimer(String key, Timer timer, KeyedContext<String, String, Long> ctx) {
        ValueState<Long> total = ctx.state(TOTAL);
        ctx.forward(key, total.get());
        total.clear();
        ctx.state(DEADLINE).clear();
    }
}
