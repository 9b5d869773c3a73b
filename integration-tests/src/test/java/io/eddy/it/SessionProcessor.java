package io.eddy.it;

import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.StateSpec;
import io.eddy.processor.Timer;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serdes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The processor of the broker tests: per key, a session of records no more than {@link #GAP_MS}
 * apart in event time, emitted as {@code first=<t> last=<t> total=<sum> n=<count>} when its
 * event-time timer fires (the watermark passed the last record + gap) or when a record arrives at
 * or after that deadline (so the output does not depend on where batches end). Values are longs.
 */
final class SessionProcessor implements KeyedProcessor<String, Long, String, String> {
    static final long GAP_MS = 30_000;
    static final ValueStateSpec<String> SESSION = StateSpec.value("session", Serdes.string());
    static final List<StateSpec> STATES = List.of(SESSION);

    @Override
    public void process(String key, Long value, KeyedContext<String, String, String> ctx) {
        ValueState<String> session = ctx.state(SESSION);
        long[] s = session.exists() ? parse(session.get()) : null;
        long ts = ctx.timestamp();
        if (s != null && ts >= s[1] + GAP_MS) {
            ctx.timers().deleteEventTime(s[1] + GAP_MS);
            ctx.forward(key, format(s));
            s = null;
        }
        if (s == null) {
            s = new long[] {ts, ts, value, 1};
        } else {
            ctx.timers().deleteEventTime(s[1] + GAP_MS);
            s = new long[] {s[0], Math.max(s[1], ts), s[2] + value, s[3] + 1};
        }
        ctx.timers().registerEventTime(s[1] + GAP_MS);
        session.update(format(s));
    }

    @Override
    public void onTimer(String key, Timer timer, KeyedContext<String, String, String> ctx) {
        ValueState<String> session = ctx.state(SESSION);
        if (session.exists()) {
            ctx.forward(key, session.get());
            session.clear();
        }
    }

    static String format(long[] s) {
        return "first=" + s[0] + " last=" + s[1] + " total=" + s[2] + " n=" + s[3];
    }

    private static long[] parse(String s) {
        String[] parts = s.split(" ");
        long[] v = new long[4];
        for (int i = 0; i < 4; i++) {
            v[i] = Long.parseLong(parts[i].substring(parts[i].indexOf('=') + 1));
        }
        return v;
    }

    /** One input record: key, event time, value. */
    record Event(String key, long time, long value) {
    }

    /** The sessions {@code events} (in event-time order per key) imply, per key, closed ones only. */
    static Map<String, List<String>> expectedSessions(List<Event> events, long watermark) {
        Map<String, List<long[]>> open = new TreeMap<>();
        Map<String, List<String>> closed = new TreeMap<>();
        for (Event e : events) {
            List<long[]> list = open.computeIfAbsent(e.key(), k -> new ArrayList<>());
            long[] s = list.isEmpty() ? null : list.get(0);
            if (s != null && e.time() >= s[1] + GAP_MS) {
                closed.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(format(s));
                s = null;
            }
            list.clear();
            list.add(s == null ? new long[] {e.time(), e.time(), e.value(), 1}
                    : new long[] {s[0], Math.max(s[1], e.time()), s[2] + e.value(), s[3] + 1});
        }
        open.forEach((k, list) -> {
            long[] s = list.get(0);
            if (s[1] + GAP_MS <= watermark) {
                closed.computeIfAbsent(k, x -> new ArrayList<>()).add(format(s));
            }
        });
        return closed;
    }
}
