package io.eddy;

/**
 * Told how restoring state stores from their changelogs progresses: when a store's restore
 * starts, every few seconds while it runs, and when it is done. Called on the worker thread that
 * restores; must return quickly. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface RestoreListener {

    /** One step of one store's restore. */
    void onRestore(RestoreProgress progress);
}
