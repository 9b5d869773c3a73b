package io.eddy.bench;

import java.nio.ByteBuffer;

/**
 * Checks the output of {@link Workload#W10} against {@link SessionInput.Expected}: each output
 * record is a key of the input with an 8-byte total; the {@code n}-th total emitted for a key must
 * be the total of that key's {@code n}-th session; every session that must have fired (see
 * {@link SessionInput}) must be there, and no key may have more totals than sessions. Later
 * sessions may be present, with their true totals. So the number of required totals emitted and
 * their sum are exactly what the input implies. Feed it each partition's records in offset order
 * (a key's totals are in one partition, in the order they were emitted); not thread-safe.
 */
final class SessionTotalsCheck {
    private static final int EXAMPLES = 3;

    private final SessionInput.Expected expected;
    private final long lagMillis;
    private final int[] emitted;
    private long records;
    private long sum;
    private long unknown;
    private long extra;
    private long wrong;
    private final StringBuilder wrongExamples = new StringBuilder();

    /**
     * @param expected the input's sessions
     * @param lagMillis how far behind its partition's event time an engine may still be in firing
     *     timers ({@link #firingLagMillis})
     */
    SessionTotalsCheck(SessionInput.Expected expected, long lagMillis) {
        if (lagMillis < 0) {
            throw new IllegalArgumentException("lagMillis must not be negative: " + lagMillis);
        }
        this.expected = expected;
        this.lagMillis = lagMillis;
        this.emitted = new int[expected.keys()];
    }

    /**
     * How far behind its partition's largest event time {@code engine} may be in firing timers once
     * all input is processed: Eddy fires every timer the watermark reached in the commit that
     * advanced it (0); Kafka Streams' punctuator runs each time stream time passes its next
     * scheduled time, so it may lag by up to one interval ({@code punctuateMillis}).
     */
    static long firingLagMillis(Engine engine, long punctuateMillis) {
        return engine == Engine.EDDY ? 0 : punctuateMillis;
    }

    /** Checks one output record; {@code key} and {@code value} as read, either may be null. */
    void accept(byte[] key, byte[] value) {
        records++;
        int k = Workload.keyIndex(key);
        if (k < 0 || k >= expected.keys() || value == null || value.length != Long.BYTES) {
            unknown++;
            return;
        }
        long total = ByteBuffer.wrap(value).getLong();
        sum += total;
        int n = emitted[k]++;
        if (n >= expected.sessions()[k]) {
            extra++;
            return;
        }
        long want = expected.totals()[k * expected.capacity() + n];
        if (total != want) {
            if (wrong < EXAMPLES) {
                wrongExamples.append(wrongExamples.length() == 0 ? "" : ", ").append(Workload.keyName(k))
                        .append(" #").append(n + 1).append(" has ").append(total).append(" instead of ").append(want);
            }
            wrong++;
        }
    }

    /** Output records checked so far. */
    long records() {
        return records;
    }

    /** The sum of the totals checked so far. */
    long sum() {
        return sum;
    }

    /** Null if the output seen is right and complete, otherwise what is wrong. */
    String error() {
        long missing = 0;
        StringBuilder missingExamples = new StringBuilder();
        for (int k = 0; k < expected.keys(); k++) {
            for (int s = emitted[k]; s < expected.sessions()[k] && expected.mustFire(k, s, lagMillis); s++) {
                if (missing < EXAMPLES) {
                    missingExamples.append(missingExamples.length() == 0 ? "" : ", ").append(Workload.keyName(k))
                            .append(" #").append(s + 1);
                }
                missing++;
            }
        }
        StringBuilder b = new StringBuilder();
        if (missing > 0) {
            b.append(missing).append(" of ").append(expected.required(lagMillis)[0])
                    .append(" totals that must have fired are missing (").append(missingExamples)
                    .append(missing > EXAMPLES ? ", ...)" : ")");
        }
        if (wrong > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(wrong).append(" totals are wrong (").append(wrongExamples)
                    .append(wrong > EXAMPLES ? ", ...)" : ")");
        }
        if (extra > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(extra).append(" totals are more than their key's sessions");
        }
        if (unknown > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(unknown)
                    .append(" output records are not a key of the input with an 8-byte total");
        }
        return b.length() == 0 ? null : b.toString();
    }
}
