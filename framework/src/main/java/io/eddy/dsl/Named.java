package io.eddy.dsl;

import java.util.regex.Pattern;

/**
 * A stable, user-given name for a stateful operator. The name becomes the name of the operator's
 * state store and of the internal topics derived from it ({@code <application id>-<name>-changelog},
 * {@code <application id>-<name>-repartition}), so renaming it, or adding an unnamed stateful
 * operator before it, changes which state the operator uses. Name every stateful operator of an
 * application that will evolve.
 *
 * @param name letters, digits, '.', '_' and '-'; not blank
 */
public record Named(String name) {
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]+");

    /** Validates the name. */
    public Named {
        if (name == null || !LEGAL.matcher(name).matches()) {
            throw new IllegalArgumentException("a state name must be letters, digits, '.', '_' or '-', got '"
                    + name + "'");
        }
    }

    /** The name {@code name}. */
    public static Named as(String name) {
        return new Named(name);
    }
}
