package io.eddy.serde.registry;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a compatibility check.
 *
 * @param compatible whether the schema is compatible
 * @param messages why not, as the registry said it (Confluent's {@code messages}, Apicurio's
 *     {@code reason}); empty when compatible or when the registry gave no reason; never null
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    /** Copies the messages. */
    public CompatibilityResult {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    }
}
