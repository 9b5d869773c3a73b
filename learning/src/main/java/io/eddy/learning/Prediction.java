package io.eddy.learning;

/**
 * What the prediction operators emit for one record.
 *
 * @param label         the predicted label (for k-means the cluster index), or null if the model
 *                      was not trained yet (or, for {@code predict}, none was published yet)
 * @param score         the label's posterior probability (classifiers) or the squared distance to
 *                      the cluster centre (k-means); NaN without a label
 * @param modelVersion  the number of examples the model had learned when it predicted (0 if none)
 * @param actual        the true label, for {@code predictThenTrain}; null for {@code predict}
 * @param accuracy      for {@code predictThenTrain}, the running prequential accuracy of the
 *                      model that predicted (correct predictions over predictions with a label so
 *                      far, this one included); NaN for {@code predict}
 */
public record Prediction(String label, double score, long modelVersion, String actual, double accuracy) {

    /** A prediction of {@code predict}: no true label, no accuracy. */
    public static Prediction of(Learner.Scored scored, long modelVersion) {
        return new Prediction(scored.label(), scored.score(), modelVersion, null, Double.NaN);
    }

    /** Whether the predicted label equals the true one (false without either). */
    public boolean correct() {
        return label != null && label.equals(actual);
    }
}
