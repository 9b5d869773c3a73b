package io.eddy.learning;

import java.util.Objects;

/**
 * One labelled example: features and the true label (null for unsupervised learners).
 *
 * @param features the features, never null
 * @param label    the true label, or null
 * @param <F>      the feature type
 */
public record Example<F>(F features, String label) {
    public Example {
        Objects.requireNonNull(features, "features");
    }

    /** A labelled example. */
    public static <F> Example<F> of(F features, String label) {
        return new Example<>(features, label);
    }
}
