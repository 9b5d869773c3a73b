package io.eddy.kafka.internal;

/**
 * Told by {@link TaskAssignor} when its consumer starts joining the group, which the consumer's
 * rebalance listener cannot tell. Passed to the assignor through the consumer configuration under
 * {@link TaskAssignor#OBSERVER_CONFIG}. Called on the consumer's (worker's) thread.
 */
public interface RebalanceObserver {

    /** The member is (re)joining: a rebalance is in progress until partitions are assigned. */
    void onJoin();
}
