package io.eddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.dsl.Consumed;
import io.eddy.dsl.Produced;
import io.eddy.serde.Serdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The values of the administrative API ({@link ResetOptions}, {@link ResetReport}, {@link GroupStatus}
 * and its parts) and the command line of {@link AdminCommand} where it needs no broker: lag
 * arithmetic, copies, and usage errors.
 */
class AdminValuesTest {

    @Test
    void aPartitionsLagIsTheDistanceFromItsCommittedOffsetToTheEndAndUnknownWithoutOne() {
        assertThat(PartitionLag.of("in", 0, 40, 100).lag()).hasValue(60);
        assertThat(PartitionLag.of("in", 0, 100, 90).lag()).as("never negative").hasValue(0);
        assertThat(PartitionLag.of("in", 0, -1, 100).lag()).isEmpty();
        assertThat(PartitionLag.of("in", 0, -1, 100).committedOffset()).isEmpty();
        assertThat(PartitionLag.of("in", 2, 40, 100)).isEqualTo(PartitionLag.of("in", 2, 40, 100))
                .hasToString("in-2 committed 40 end 100 lag 60");
    }

    @Test
    void aGroupsLagSumsTheKnownLagsOfOwnedAndUnassignedTasks() {
        TaskStatus owned = TaskStatus.of(0, TaskStatus.Phase.RUNNING,
                List.of(PartitionLag.of("in", 0, 10, 15), PartitionLag.of("rep", 0, -1, 3)));
        TaskStatus unknown = TaskStatus.of(1, TaskStatus.Phase.UNKNOWN, List.of(PartitionLag.of("in", 1, -1, 7)));
        TaskStatus idle = TaskStatus.of(2, TaskStatus.Phase.UNKNOWN, List.of(PartitionLag.of("in", 2, 4, 6)));
        MemberStatus member = MemberStatus.of("m-1", "app-0-consumer", "/127.0.0.1", null, true, List.of(owned, unknown));
        GroupStatus status = GroupStatus.of("app", "Stable", List.of(member), List.of(idle));

        assertThat(owned.lag()).hasValue(5);
        assertThat(unknown.lag()).isEmpty();
        assertThat(status.totalLag()).hasValue(7);
        assertThat(GroupStatus.of("app", "Dead", List.of(), List.of()).totalLag()).isEmpty();
        assertThat(member.groupInstanceId()).isEmpty();
        assertThat(status.toString()).contains("application 'app': group Stable, 1 members, lag 7",
                "member m-1 (app-0-consumer@/127.0.0.1, local)", "unassigned task 2 UNKNOWN");
        assertThat(status).isEqualTo(GroupStatus.of("app", "Stable", List.of(member), List.of(idle)));
    }

    @Test
    void aResetReportSortsAndCopiesWhatItIsGiven() {
        Map<TopicPartition, Long> offsets = new HashMap<>(Map.of(new TopicPartition("b", 0), 3L,
                new TopicPartition("a", 1), 1L, new TopicPartition("a", 0), 0L));
        ResetReport report = ResetReport.of("app", offsets, List.of("x-changelog", "app-eddy-stores"), null);
        offsets.clear();

        assertThat(report.inputOffsets().keySet()).extracting(TopicPartition::toString)
                .containsExactly("a-0", "a-1", "b-0");
        assertThat(report.deletedTopics()).containsExactly("app-eddy-stores", "x-changelog");
        assertThat(report.wipedStateDirectory()).isEmpty();
        assertThat(ResetOptions.toTimestamp(Instant.EPOCH).timestamp()).hasValue(Instant.EPOCH);
        assertThat(ResetOptions.toEarliest()).isEqualTo(ResetOptions.toEarliest()).isNotEqualTo(ResetOptions.toLatest());
        assertThatThrownBy(() -> ResetOptions.toTimestamp(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theCommandLinePrintsItsUsageOnABadCommandWithoutTouchingTheBroker() {
        EddyApp app = EddyApp.builder("cmd")
                .bootstrapServers("localhost:1")
                .stateDir(Path.of("target", "admin-values-test"))
                .pipeline(p -> p.kafka("in", Consumed.with(Serdes.string(), Serdes.string()))
                        .toKafka("out", Produced.with(Serdes.string(), Serdes.string())))
                .build();
        for (String[] args : List.of(new String[] {}, new String[] {"reset"}, new String[] {"reset", "--to-somewhere"},
                new String[] {"reset", "--to-datetime", "yesterday"}, new String[] {"describe", "--all"})) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            assertThat(AdminCommand.run(app, args, new PrintStream(printed, true, StandardCharsets.UTF_8)))
                    .as("%s", List.of(args)).isEqualTo(2);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("usage: reset");
        }
        assertThat(AdminCommand.isCommand(new String[] {"reset", "--to-earliest"})).isTrue();
        assertThat(AdminCommand.isCommand(new String[] {"localhost:9092"})).isFalse();
    }
}
