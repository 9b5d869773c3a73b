package io.eddy.internal.plan;

import io.eddy.dsl.Consumed;

/** A global table of the plan: the topic every instance reads in full, and its serdes. */
public record GlobalTableSpec(String topic, Consumed<?, ?> consumed) {
}
