package io.eddy.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TaskAssignorTest {

    @Test
    void firstMemberGetsEverything() {
        var target = TaskAssignor.assignTasks(4, Map.of("a", Set.of()));
        assertThat(target.get("a")).containsExactly(0, 1, 2, 3);
    }

    @Test
    void newMemberGetsNothingUntilTheOwnerRevokes() {
        // round 1: b joins; a still owns everything, so the two tasks moving to b are withheld
        var round1 = TaskAssignor.assignTasks(4, Map.of("a", Set.of(0, 1, 2, 3), "b", Set.of()));
        assertThat(round1.get("a")).hasSize(2);
        assertThat(round1.get("b")).isEmpty();
        // round 2: a has revoked; b now receives the rest
        var round2 = TaskAssignor.assignTasks(4, Map.of("a", round1.get("a"), "b", Set.of()));
        assertThat(round2.get("a")).isEqualTo(round1.get("a"));
        assertThat(round2.get("b")).hasSize(2).doesNotContainAnyElementsOf(round1.get("a"));
    }

    @Test
    void leavingMembersTasksGoToTheSurvivorsAtOnce() {
        var target = TaskAssignor.assignTasks(5, Map.of("a", Set.of(0, 1), "c", Set.of(2)));
        assertThat(target.get("a")).contains(0, 1);
        assertThat(target.get("c")).contains(2);
        Set<Integer> all = new HashSet<>(target.get("a"));
        all.addAll(target.get("c"));
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThat(Math.abs(target.get("a").size() - target.get("c").size())).isLessThanOrEqualTo(1);
    }

    @Test
    void balancedAndCompleteOnceStable() {
        Map<String, Set<Integer>> owned = new TreeMap<>(Map.of("a", Set.of(), "b", Set.of(), "c", Set.of()));
        var target = TaskAssignor.assignTasks(8, owned);
        int total = target.values().stream().mapToInt(Set::size).sum();
        assertThat(total).isEqualTo(8);
        assertThat(target.values()).allSatisfy(s -> assertThat(s.size()).isBetween(2, 3));
        // stable: feeding the result back changes nothing
        assertThat(TaskAssignor.assignTasks(8, target)).isEqualTo(target);
    }

    @Test
    void coPartitioningRuleNamesEveryTopic() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TopicAdmin.requireCoPartitioned(new TreeMap<>(Map.of("a", 4, "b", 8))))
                .hasMessageContaining("a=4").hasMessageContaining("b=8");
    }
}
