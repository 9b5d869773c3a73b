package io.eddy.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A benchmark workload: what every engine computes from the shared input topic. Each engine
 * implements each workload with its own API but calls the same functions defined here, so they do
 * the same work per record.
 *
 * <p>The input (see {@link InputLoader}): string keys {@code key-000000 … }, string values whose
 * first character is a digit and whose remaining characters are lowercase letters.
 */
enum Workload {
    /**
     * Stateless map and filter: upper-case the value, keep the record unless the value starts with
     * {@code '0'} (about 90 % are kept), write it with the same key. Exactly-once.
     */
    W1("stateless map + filter, exactly-once");

    private final String description;

    Workload(String description) {
        this.description = description;
    }

    /** One line for tables and charts. */
    String description() {
        return description;
    }

    /** W1's map: the value in upper case. */
    static String w1Map(String value) {
        return value.toUpperCase(Locale.ROOT);
    }

    /** W1's filter, applied to the mapped value. */
    static boolean w1Keep(String key, String value) {
        return value.charAt(0) != '0';
    }

    /** Whether W1 keeps an input value whose first byte is {@code firstByte}; used to count the expected output. */
    static boolean w1KeepsFirstByte(byte firstByte) {
        return firstByte != '0';
    }

    /**
     * The workload with this name, ignoring case.
     *
     * @throws IllegalArgumentException listing the known names
     */
    static Workload parse(String name) {
        for (Workload w : values()) {
            if (w.name().equals(name.toUpperCase(Locale.ROOT))) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'; known: "
                + Arrays.stream(values()).map(Workload::name).collect(Collectors.joining(", ")));
    }
}
