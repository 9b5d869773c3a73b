package io.eddy.it.badinput;

import io.eddy.testkit.kafka.TopicRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The committed updates of a count (string keys, 8-byte long values) and the exactly-once check
 * on them: per key the updates strictly increase (a batch applied twice, an update emitted twice or
 * a store that lost committed changes would repeat a value or go back) and the last one is the true
 * count.
 */
final class CountUpdates {

    private CountUpdates() {
    }

    /** Per key, the values of {@code records} in the order read (per partition, offset order). */
    static Map<String, List<Long>> of(List<TopicRecord> records) {
        Map<String, List<Long>> updates = new HashMap<>();
        for (TopicRecord r : records) {
            updates.computeIfAbsent(r.keyString(), k -> new ArrayList<>()).add(ByteBuffer.wrap(r.value()).getLong());
        }
        return updates;
    }

    /** Per key, the last update. */
    static Map<String, Long> last(Map<String, List<Long>> updates) {
        Map<String, Long> last = new HashMap<>();
        updates.forEach((k, v) -> last.put(k, v.get(v.size() - 1)));
        return last;
    }

    /**
     * The first problem found: a key whose updates do not strictly increase, or final counts that
     * differ from {@code expected}; null when there is none.
     */
    static String problem(Map<String, Long> expected, Map<String, List<Long>> updates) {
        String partial = partialProblem(expected, updates);
        if (partial != null) {
            return partial;
        }
        Map<String, Long> last = last(updates);
        if (last.equals(expected)) {
            return null;
        }
        List<String> diffs = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(last.keySet());
        for (String k : keys) {
            if (!Objects.equals(expected.get(k), last.get(k))) {
                diffs.add(k + ": expected " + expected.get(k) + ", got " + last.get(k));
            }
        }
        return diffs.size() + " final counts differ, e.g. " + diffs.stream().limit(10).toList();
    }

    /**
     * The first problem of a count that may not have seen all of its input yet: a key whose
     * updates do not strictly increase, or a count above the true one; null when there is none.
     */
    static String partialProblem(Map<String, Long> expected, Map<String, List<Long>> updates) {
        for (Map.Entry<String, List<Long>> e : updates.entrySet()) {
            List<Long> values = e.getValue();
            for (int i = 1; i < values.size(); i++) {
                if (values.get(i) <= values.get(i - 1)) {
                    return "key " + e.getKey() + ": update " + values.get(i) + " after " + values.get(i - 1)
                            + " (a duplicated or replayed update, or a store that lost committed changes)";
                }
            }
            long last = values.get(values.size() - 1);
            if (last > expected.getOrDefault(e.getKey(), 0L)) {
                return "key " + e.getKey() + ": count " + last + " above the true count " + expected.get(e.getKey());
            }
        }
        return null;
    }

    /** Fails with {@link #problem}'s description, if there is a problem. */
    static void assertExact(Map<String, Long> expected, Map<String, List<Long>> updates, String context) {
        String problem = problem(expected, updates);
        if (problem != null) {
            throw new AssertionError(problem + "; " + context);
        }
    }
}
