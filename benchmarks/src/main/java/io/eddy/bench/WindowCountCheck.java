package io.eddy.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Checks the output of {@link Workload#W3} against {@link EventTimeInput.Expected}: every output
 * record must be a (key, window) of the input with its true count, no window may be emitted twice,
 * and every window that is closed at the end of the input must be there. Windows that are not yet
 * closed by then may be present (an engine may close them later, for instance on a quiet input),
 * but with their true count. Not thread-safe: feed it from one reader.
 *
 * <p>Output keys are each engine's windowed serialization of the string key:
 * {@link #windowSuffixBytes(Engine)} says how many bytes follow the key's.
 */
final class WindowCountCheck {
    private static final int EXAMPLES = 3;

    private final EventTimeInput.Expected expected;
    private final int suffixBytes;
    private final boolean[] seen;
    private long records;
    private long unknown;
    private long duplicates;
    private long wrong;
    private final StringBuilder wrongExamples = new StringBuilder();

    /**
     * @param expected the true output
     * @param suffixBytes bytes after the key's in each output key: 8 (window start) or 16 (start, end)
     */
    WindowCountCheck(EventTimeInput.Expected expected, int suffixBytes) {
        if (suffixBytes != Long.BYTES && suffixBytes != 2 * Long.BYTES) {
            throw new IllegalArgumentException("suffixBytes must be 8 or 16, was " + suffixBytes);
        }
        this.expected = expected;
        this.suffixBytes = suffixBytes;
        this.seen = new boolean[expected.counts().length];
    }

    /**
     * How the engine writes a windowed key: Eddy's {@code WindowedSerde} appends the window's start
     * and end (16 bytes), Kafka Streams' {@code TimeWindowedSerializer} the start (8 bytes), and the
     * plain clients do as Kafka Streams.
     */
    static int windowSuffixBytes(Engine engine) {
        return engine == Engine.EDDY ? 2 * Long.BYTES : Long.BYTES;
    }

    /** Checks one output record; {@code key} and {@code value} as read, either may be null. */
    void accept(byte[] key, byte[] value) {
        records++;
        if (key == null || key.length <= suffixBytes || value == null || value.length != Long.BYTES) {
            unknown++;
            return;
        }
        int keyLength = key.length - suffixBytes;
        ByteBuffer window = ByteBuffer.wrap(key, keyLength, suffixBytes);
        long start = window.getLong();
        if (suffixBytes == 2 * Long.BYTES && window.getLong() != start + EventTimeInput.WINDOW_MILLIS) {
            unknown++;
            return;
        }
        int k = Workload.keyIndex(Arrays.copyOf(key, keyLength));
        int cell = expected.cell(k, start);
        if (cell < 0) {
            unknown++;
            return;
        }
        if (seen[cell]) {
            duplicates++;
            return;
        }
        seen[cell] = true;
        long count = ByteBuffer.wrap(value).getLong();
        if (count != expected.counts()[cell]) {
            if (wrong < EXAMPLES) {
                wrongExamples.append(wrongExamples.length() == 0 ? "" : ", ").append(Workload.keyName(k))
                        .append(" @").append(start).append(" has ").append(count).append(" instead of ")
                        .append(expected.counts()[cell]);
            }
            wrong++;
        }
    }

    /** Output records checked so far. */
    long records() {
        return records;
    }

    /** Distinct windows seen so far, right or wrong. */
    long windowsSeen() {
        long n = 0;
        for (boolean s : seen) {
            n += s ? 1 : 0;
        }
        return n;
    }

    /** Null if the output seen is right and complete, otherwise what is wrong. */
    String error() {
        StringBuilder missingExamples = new StringBuilder();
        long missing = 0;
        boolean[] mustClose = expected.mustClose();
        for (int cell = 0; cell < mustClose.length; cell++) {
            if (mustClose[cell] && !seen[cell]) {
                if (missing < EXAMPLES) {
                    missingExamples.append(missingExamples.length() == 0 ? "" : ", ")
                            .append(Workload.keyName(cell % expected.keys())).append(" @")
                            .append(expected.firstWindowStart() + (long) (cell / expected.keys())
                                    * EventTimeInput.WINDOW_MILLIS);
                }
                missing++;
            }
        }
        StringBuilder b = new StringBuilder();
        if (missing > 0) {
            b.append(missing).append(" of ").append(expected.required()).append(" closed windows are missing (")
                    .append(missingExamples).append(missing > EXAMPLES ? ", ...)" : ")");
        }
        if (wrong > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(wrong).append(" windows have a wrong count (")
                    .append(wrongExamples).append(wrong > EXAMPLES ? ", ...)" : ")");
        }
        if (duplicates > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(duplicates).append(" output records repeat a window");
        }
        if (unknown > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(unknown)
                    .append(" output records are not a window of the input with an 8-byte count");
        }
        return b.length() == 0 ? null : b.toString();
    }
}
