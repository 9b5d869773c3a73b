package io.eddy.processor;

import java.util.Objects;

/**
 * A named side output of a processor: emit to it with
 * {@link OutputContext#forward(SideOutput, Object, Object)} and read it as a stream with
 * {@link ProcessedStream#sideOutput}. Two tags with the same name are the same output. Records
 * emitted to a side output that no stream reads are discarded, as records of a stream with no
 * operator after it are.
 *
 * @param <K> key type of its records
 * @param <V> value type of its records
 */
public final class SideOutput<K, V> {
    private final String name;

    private SideOutput(String name) {
        this.name = name;
    }

    /** A side output named {@code name} (letters, digits, '.', '_' and '-'). */
    public static <K, V> SideOutput<K, V> named(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("a side output name has 1 to 100 letters, digits, '.', '_' or '-', was '"
                    + name + "'");
        }
        return new SideOutput<>(name);
    }

    /** The name. */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SideOutput<?, ?> s && s.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "side output '" + name + "'";
    }
}
