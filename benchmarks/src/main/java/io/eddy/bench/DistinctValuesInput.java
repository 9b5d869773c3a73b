package io.eddy.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The input of {@link Workload#W11}, the distinct count per key per window, and its true answers.
 * A pure function of its parameters, so the loader, the check and the report agree.
 *
 * <p>Keys, partitions and event times are those of {@link EventTimeInput} ({@code layout}): record
 * {@code i} has key {@code i mod keys} and event time {@link EventTimeInput#eventTime(long)}. Its
 * value is {@link #value(long)}: a hash of {@code i} reduced modulo {@code cardinality}, written as
 * its decimal digits ({@link #valueBytes(long)}). Values are therefore drawn (deterministically)
 * uniformly from a domain of {@code cardinality} values, so a (key, window) cell of {@code n}
 * records holds about {@link #expectedDistinct(long, long) cardinality × (1 − (1 − 1/cardinality)^n)}
 * distinct values: with a domain of 1,000,000, about 9,950 for 10,000 records and 48,770 for 50,000.
 * The exact number of every cell is computed by {@link #distinctCounts(EventTimeInput.Expected)}.
 *
 * @param layout keys, partitions and event times (the values of {@link EventTimeInput}'s own
 *     loader are not used)
 * @param cardinality how many different values there can be; at least 1
 */
record DistinctValuesInput(EventTimeInput layout, int cardinality) {
    /** Mixed into the record index so that the values are not those of another workload's hash. */
    private static final long SALT = 0x5DEECE66DL;

    DistinctValuesInput {
        if (cardinality < 1) {
            throw new IllegalArgumentException("cardinality must be positive: " + cardinality);
        }
    }

    /** The value of record {@code index}: a hash of it in {@code [0, cardinality)}. */
    long value(long index) {
        long z = (index ^ SALT) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return Math.floorMod(z, (long) cardinality);
    }

    /** The serialized value of record {@code index}: {@link #value(long)} in decimal, US-ASCII. */
    byte[] valueBytes(long index) {
        return Long.toString(value(index)).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The expected number of distinct values among {@code n} uniform draws from {@code cardinality}
     * values: {@code cardinality × (1 − (1 − 1/cardinality)^n)}. For the README's sizing; the check
     * uses the exact counts.
     */
    static double expectedDistinct(long n, long cardinality) {
        return cardinality * -Math.expm1(n * Math.log1p(-1.0 / cardinality));
    }

    /**
     * The true number of distinct values of every (key, window) cell of {@code expected} (which must
     * be {@code layout.expected()}), indexed like its counts. Sorts one long per record
     * ({@code cell × cardinality + value}), so it needs 8 bytes of heap per input record.
     *
     * @throws IllegalArgumentException if {@code expected} does not describe this input (a record
     *     falls outside its cells)
     */
    long[] distinctCounts(EventTimeInput.Expected expected) {
        long records = layout.records();
        if (records > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many records to count distinct values exactly: " + records);
        }
        long[] cellAndValue = new long[(int) records];
        for (long i = 0; i < records; i++) {
            int cell = expected.cell(layout.keyOf(i), EventTimeInput.windowStart(layout.eventTime(i)));
            if (cell < 0) {
                throw new IllegalArgumentException("record " + i + " falls outside the expected cells");
            }
            cellAndValue[(int) i] = (long) cell * cardinality + value(i);
        }
        Arrays.sort(cellAndValue);
        long[] distinct = new long[expected.counts().length];
        for (int i = 0; i < cellAndValue.length; i++) {
            if (i == 0 || cellAndValue[i] != cellAndValue[i - 1]) {
                distinct[(int) (cellAndValue[i] / cardinality)]++;
            }
        }
        return distinct;
    }
}
