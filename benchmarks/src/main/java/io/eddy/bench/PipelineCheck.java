package io.eddy.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Checks the output of {@link Workload#W9} against {@link PipelineInput.Expected}: every output
 * record must be a (region, window) of the input with its true count and sum, no window may be
 * emitted twice, and every window that is closed once all input is processed must be there.
 * Windows not yet closed by then may be present, with their true totals. Not thread-safe.
 *
 * <p>Output keys are the engine's windowed serialization of the region name:
 * {@link WindowCountCheck#windowSuffixBytes(Engine)} bytes of window follow it.
 */
final class PipelineCheck {
    private static final int EXAMPLES = 3;

    private final PipelineInput.Expected expected;
    private final int suffixBytes;
    private final boolean[] seen;
    private long records;
    private long requiredSeen;
    private long unknown;
    private long duplicates;
    private long wrong;
    private final StringBuilder wrongExamples = new StringBuilder();

    /**
     * @param expected the true output
     * @param suffixBytes bytes after the region's in each output key: 8 (window start) or 16 (start, end)
     */
    PipelineCheck(PipelineInput.Expected expected, int suffixBytes) {
        if (suffixBytes != Long.BYTES && suffixBytes != 2 * Long.BYTES) {
            throw new IllegalArgumentException("suffixBytes must be 8 or 16, was " + suffixBytes);
        }
        this.expected = expected;
        this.suffixBytes = suffixBytes;
        this.seen = new boolean[expected.counts().length];
    }

    /** Checks one output record; {@code key} and {@code value} as read, either may be null. */
    void accept(byte[] key, byte[] value) {
        records++;
        PipelineInput.Totals totals = PipelineInput.Totals.fromBytes(value);
        if (key == null || key.length <= suffixBytes || totals == null) {
            unknown++;
            return;
        }
        int regionLength = key.length - suffixBytes;
        ByteBuffer window = ByteBuffer.wrap(key, regionLength, suffixBytes);
        long start = window.getLong();
        if (suffixBytes == 2 * Long.BYTES && window.getLong() != start + PipelineInput.WINDOW_MILLIS) {
            unknown++;
            return;
        }
        String region = new String(key, 0, regionLength, StandardCharsets.UTF_8);
        int cell = expected.cell(region, start);
        if (cell < 0) {
            unknown++;
            return;
        }
        if (seen[cell]) {
            duplicates++;
            return;
        }
        seen[cell] = true;
        if (expected.mustClose()[cell]) {
            requiredSeen++;
        }
        if (totals.count() != expected.counts()[cell] || totals.sum() != expected.sums()[cell]) {
            if (wrong < EXAMPLES) {
                wrongExamples.append(wrongExamples.length() == 0 ? "" : ", ").append(region).append(" @")
                        .append(start).append(" has ").append(totals.count()).append(" orders summing to ")
                        .append(totals.sum()).append(" instead of ").append(expected.counts()[cell]).append(" summing to ")
                        .append(expected.sums()[cell]);
            }
            wrong++;
        }
    }

    /** Output records checked so far. */
    long records() {
        return records;
    }

    /** Whether every window that must be closed has been seen (right or wrong). */
    boolean complete() {
        return requiredSeen == expected.required();
    }

    /** Null if the output seen is right and complete, otherwise what is wrong. */
    String error() {
        long missing = expected.required() - requiredSeen;
        StringBuilder b = new StringBuilder();
        if (missing > 0) {
            b.append(missing).append(" of ").append(expected.required()).append(" closed windows are missing");
        }
        if (wrong > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(wrong).append(" windows have wrong totals (")
                    .append(wrongExamples).append(wrong > EXAMPLES ? ", ...)" : ")");
        }
        if (duplicates > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(duplicates).append(" output records repeat a window");
        }
        if (unknown > 0) {
            b.append(b.length() == 0 ? "" : "; ").append(unknown)
                    .append(" output records are not a (region, window) of the input with 16-byte totals");
        }
        return b.length() == 0 ? null : b.toString();
    }
}
