package io.eddy.learning;

import io.eddy.serde.Serde;
import java.util.List;

/**
 * How to create, train, apply and merge one kind of model. The models are mutable values that the
 * operators of {@link OnlineLearning} keep in changelogged state (through {@link #modelSerde()}),
 * so a learner itself holds only configuration and is shared by every task: its methods must be
 * thread-safe, which they are when they touch nothing but their arguments.
 *
 * <p>The learners shipped are {@link MultinomialNaiveBayes#learner}, {@link GaussianNaiveBayes#learner},
 * {@link StreamingKMeans#learner} and {@link HoeffdingTree#learner}.
 *
 * @param <F> the feature type of one example (for instance {@code double[]} or a list of tokens)
 * @param <M> the model type
 */
public interface Learner<F, M> {

    /** A new, untrained model. */
    M newModel();

    /**
     * Folds one example into {@code model} (mutating it).
     *
     * @param label the true label; ignored by unsupervised learners (k-means), which accept null
     * @throws IllegalArgumentException if the features do not fit the model (wrong dimension, an
     *         undeclared label), naming what is wrong
     */
    void learn(M model, F features, String label);

    /**
     * Scores {@code features} with {@code model}; never mutates it. An untrained model predicts
     * {@link Scored#NONE}.
     */
    Scored predict(M model, F features);

    /** The number of examples {@code model} has learned (summed over merged models); its version. */
    long examples(M model);

    /**
     * Whether {@link #merge} is supported: true for models whose sufficient statistics add up
     * (naive Bayes counts, k-means sums and weights).
     */
    boolean mergeable();

    /**
     * The model that combines the statistics of {@code models} (which it does not mutate): for
     * count-based models, exactly the model one learner would have built from all their examples.
     *
     * @throws UnsupportedOperationException if {@link #mergeable()} is false
     */
    M merge(List<M> models);

    /**
     * Whether the learner ignores labels (k-means): {@code predictThenTrain} then reports a running
     * loss (the mean {@link Scored#score()}, the squared distance to the nearest centre) instead of
     * an accuracy. False by default.
     */
    default boolean unsupervised() {
        return false;
    }

    /** The serde of the models, for state stores and model topics. */
    Serde<M> modelSerde();

    /** A label and a score (the label's posterior probability, or for k-means the squared distance). */
    record Scored(String label, double score) {
        /** What an untrained model predicts: no label, score NaN. */
        public static final Scored NONE = new Scored(null, Double.NaN);
    }
}
