package io.eddy;

/**
 * Receives a {@link BatchProgress} after every committed batch. Called on the worker thread that
 * committed the batch, so it must be quick (hand heavy work to another thread). Exceptions it
 * throws are logged and ignored; they never fail a batch.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A batch committed. */
    void onBatch(BatchProgress progress);
}
