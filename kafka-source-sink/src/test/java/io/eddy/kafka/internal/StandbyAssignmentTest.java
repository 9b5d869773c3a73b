package io.eddy.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The assignor's standby and state-aware rules, and the user data formats they travel in. */
class StandbyAssignmentTest {

    @Test
    void aTaskWithoutOwnerGoesToTheMemberHoldingItsState() {
        // b died; its tasks 2 and 3 are free; c holds task 3's state (a standby), a holds none
        Map<String, Set<Integer>> owned = Map.of("a", Set.of(0, 1), "c", Set.of());
        Map<String, Map<Integer, Long>> held = Map.of("a", Map.of(0, 10L, 1, 10L), "c", Map.of(3, 500L, 2, 7L));
        var intended = TaskAssignor.intendedTasks(4, owned, held);
        assertThat(intended.get("a")).containsExactlyInAnyOrder(0, 1);
        assertThat(intended.get("c")).containsExactlyInAnyOrder(2, 3);
    }

    @Test
    void amongMembersWithRoomTheOneWithTheMostChangelogWins() {
        Map<String, Set<Integer>> owned = Map.of("a", Set.of(), "b", Set.of());
        Map<String, Map<Integer, Long>> held = Map.of("a", Map.of(0, 5L), "b", Map.of(0, 900L));
        var intended = TaskAssignor.intendedTasks(2, owned, held);
        assertThat(intended.get("b")).contains(0);
        assertThat(intended.get("a")).containsExactly(1);
    }

    @Test
    void standbysNeverShareAProcessWithTheOwnerAndPreferHeldState() {
        Map<String, Set<Integer>> intended = Map.of("a0", Set.of(0), "a1", Set.of(1), "b0", Set.of(2), "c0", Set.of(3));
        Map<String, String> processOf = Map.of("a0", "A", "a1", "A", "b0", "B", "c0", "C");
        Map<String, Map<Integer, Long>> held = Map.of("a0", Map.of(), "a1", Map.of(), "b0", Map.of(), "c0", Map.of(0, 3L));
        var standbys = TaskAssignor.assignStandbys(4, 1, intended, intended, processOf, held);
        // task 0 (owner in A) goes to C, which holds its state
        assertThat(standbys.get("c0")).contains(0);
        for (int t = 0; t < 4; t++) {
            int task = t;
            long copies = standbys.values().stream().filter(s -> s.contains(task)).count();
            assertThat(copies).as("standbys of task %d", t).isEqualTo(1);
            String owner = intended.entrySet().stream().filter(e -> e.getValue().contains(task)).findFirst()
                    .orElseThrow().getKey();
            standbys.forEach((m, s) -> {
                if (s.contains(task)) {
                    assertThat(processOf.get(m)).isNotEqualTo(processOf.get(owner));
                }
            });
        }
    }

    @Test
    void noStandbyWhenEveryOtherProcessIsTaken() {
        Map<String, Set<Integer>> intended = Map.of("a", Set.of(0, 1));
        var standbys = TaskAssignor.assignStandbys(2, 2, intended, intended, Map.of("a", "A"), Map.of());
        assertThat(standbys.get("a")).isEmpty();
    }

    @Test
    void userDataRoundTrips() {
        var sub = new MembershipInfo.Subscription("proc-1", "host-a:8080", "app-proc-1-0", Map.of(3, 42L, 1, -1L));
        assertThat(MembershipInfo.Subscription.decode(sub.encode(), "m")).isEqualTo(sub);
        var asg = new MembershipInfo.Assignment(4, Map.of(0, "a:1", 1, "b:2", 2, "a:1"), Set.of(3), Set.of("app-a-0", "app-b-0"));
        assertThat(MembershipInfo.Assignment.decode(asg.encode())).isEqualTo(asg);
        assertThat(MembershipInfo.Subscription.decode(null, "member-7"))
                .isEqualTo(new MembershipInfo.Subscription("member-7", "", "", Map.of()));
        assertThat(MembershipInfo.Assignment.decode(ByteBuffer.allocate(0))).isEqualTo(MembershipInfo.Assignment.NONE);
    }

    @Test
    void anUnknownVersionIsRefusedWithAClearMessage() {
        ByteBuffer future = ByteBuffer.wrap(new byte[] {9, 0, 0});
        assertThatThrownBy(() -> MembershipInfo.Subscription.decode(future, "m"))
                .hasMessageContaining("version 9");
    }
}
