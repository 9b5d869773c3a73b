package io.eddy.kafka.internal;

/**
 * Told by {@link TaskAssignor} when its consumer starts joining the group, which the consumer's
 * rebalance listener cannot tell. Passed to the assignor through the consumer configuration under
 * {@link TaskAssignor#OBSERVER_CONFIG}. Called on the consumer's (worker's) thread.
 */
public interface RebalanceObserver {

    /** The member is (re)joining: a rebalance is in progress until partitions are assigned. */
    void onJoin();

    /**
     * What this member tells the assignor when it joins: its process, endpoint and the state its
     * process holds; null to send nothing. Called on the consumer's thread while joining.
     */
    default MembershipInfo.Subscription subscription() {
        return null;
    }

    /**
     * What the assignor told this member besides its partitions (task endpoints, standby tasks);
     * called on the consumer's thread before the rebalance listener hears of the new partitions.
     */
    default void onAssignment(MembershipInfo.Assignment assignment) {
    }
}
