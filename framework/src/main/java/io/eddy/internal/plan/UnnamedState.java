package io.eddy.internal.plan;

/**
 * A stateful operator defined without a {@code Named} argument.
 *
 * @param operator the DSL method that created it ({@code "count"})
 * @param derivedName the name it was given instead, which names its state and internal topics
 * @param howToName a call that names it, for messages
 */
public record UnnamedState(String operator, String derivedName, String howToName) {
}
