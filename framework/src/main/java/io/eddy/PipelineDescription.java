package io.eddy;

import java.util.List;
import java.util.Objects;

/**
 * A readable, stable description of an application's pipeline, as {@link EddyApp#describe()}
 * gives it: its sources (topics and serdes), its operators in processing order with their names
 * and kinds, its state stores and their changelog topics, its repartition and other internal
 * topics, and its sinks. {@link #toString()} is the text; it depends only on the pipeline's
 * definition, so two builds of the same pipeline describe it identically, and a test can pin it.
 *
 * <p>Serdes are shown by class name ({@code StringSerde}); a serde without a stable class name (a
 * lambda) shows as {@code custom}. Immutable and thread-safe.
 *
 * <pre>{@code
 * System.out.println(app.describe());
 * assertEquals(List.of(), app.describe().unnamedStatefulOperators());
 * }</pre>
 */
public final class PipelineDescription {
    private final String text;
    private final List<String> unnamedStatefulOperators;

    private PipelineDescription(String text, List<String> unnamedStatefulOperators) {
        this.text = Objects.requireNonNull(text, "text");
        this.unnamedStatefulOperators = List.copyOf(unnamedStatefulOperators);
    }

    /**
     * A description with the given text and unnamed stateful operators; Eddy builds these, tests
     * may build one to compare with.
     *
     * @param text the description, as {@link #toString()} returns it; not null
     * @param unnamedStatefulOperators the derived names of stateful operators defined without a
     *        name; not null, copied
     */
    public static PipelineDescription of(String text, List<String> unnamedStatefulOperators) {
        return new PipelineDescription(text, unnamedStatefulOperators);
    }

    /**
     * The derived names of the stateful operators defined without a {@link io.eddy.dsl.Named}
     * argument (see {@link io.eddy.dsl.Named}), in definition order; empty when every stateful
     * operator is named. Never null; unmodifiable.
     */
    public List<String> unnamedStatefulOperators() {
        return unnamedStatefulOperators;
    }

    /** The description: several lines, each ending with a newline. */
    @Override
    public String toString() {
        return text;
    }

    /** Whether {@code o} is a description with the same text and unnamed operators. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PipelineDescription d && d.text.equals(text)
                && d.unnamedStatefulOperators.equals(unnamedStatefulOperators);
    }

    /** A hash of the text, consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
