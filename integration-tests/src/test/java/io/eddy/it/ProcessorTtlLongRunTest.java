package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.EddyApp;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.processor.KeyedContext;
import io.eddy.processor.KeyedProcessor;
import io.eddy.processor.ListStateSpec;
import io.eddy.processor.StateSpec;
import io.eddy.processor.ValueState;
import io.eddy.processor.ValueStateSpec;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.KeyValue;
import io.eddy.testkit.kafka.TopicRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A time to live keeps a keyed processor's state bounded over a long run: {@value #ROUNDS} rounds,
 * each with {@value #PER_ROUND} keys never seen before plus the previous round's keys again, into
 * a processor whose value and list state expire one second after their last write. After each
 * round the live entries of the processor's changelogs (what a restore would load: the last
 * record per key, when not a deletion) must fall to zero once the TTL has passed, though the
 * application has seen {@code rounds × PER_ROUND} keys; and a key seen again after its state
 * expired must start from nothing (its count is 1 again).
 */
class ProcessorTtlLongRunTest extends BrokerTest {
    private static final int ROUNDS = 6;
    private static final int PER_ROUND = 2_000;
    private static final String APP_ID = "pttl";
    private static final String INPUT = "pttl-in";
    private static final String OUTPUT = "pttl-out";
    static final ValueStateSpec<Long> COUNT = StateSpec.value("count", Serdes.longs()).withTtl(Duration.ofSeconds(1));
    static final ListStateSpec<String> TAGS = StateSpec.list("tags", Serdes.string()).withTtl(Duration.ofSeconds(1));

    @TempDir
    Path tmp;

    /** Counts a key's records while its state lives, and remembers their values. */
    static final class Counter implements KeyedProcessor<String, String, String, Long> {
        @Override
        public void process(String key, String value, KeyedContext<String, String, Long> ctx) {
            ValueState<Long> count = ctx.state(COUNT);
            long n = count.exists() ? count.get() + 1 : 1;
            count.update(n);
            ctx.state(TAGS).append(value);
            ctx.forward(key, n);
        }
    }

    @Test
    void expiredStateIsInvisibleAndRemovedSoTheChangelogsStayBounded() {
        kafka.createTopic(INPUT, 2);
        kafka.createTopic(OUTPUT, 2);
        try (EddyApp app = EddyApp.builder(APP_ID)
                .bootstrapServers(kafka.bootstrapServers())
                .stateDir(tmp)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .pipeline(p -> p.kafka(INPUT, Consumed.with(Serdes.string(), Serdes.string()))
                        .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
                        .process(Counter::new, List.of(COUNT, TAGS), Named.as("counter"))
                        .toKafka(OUTPUT, Produced.with(Serdes.string(), Serdes.longs())))
                .build()) {
            app.start();
            int outputs = 0;
            long changelogRecords = 0;
            for (int round = 0; round < ROUNDS; round++) {
                List<KeyValue> records = new ArrayList<>();
                for (int i = 0; i < PER_ROUND; i++) {
                    records.add(KeyValue.of("r" + round + "-" + i, "t" + round));
                    if (round > 0) {
                        records.add(KeyValue.of("r" + (round - 1) + "-" + i, "again"));   // expired since
                    }
                }
                io.produce(INPUT, records);
                outputs += records.size();
                List<TopicRecord> out = io.readCommitted(OUTPUT, outputs, Duration.ofSeconds(60));
                for (TopicRecord r : out.subList(outputs - records.size(), outputs)) {
                    assertThat(ByteBuffer.wrap(r.value()).getLong()).as("round %d: key %s", round,
                            new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(1L);
                }
                int r = round;
                Await.until(Duration.ofSeconds(60), () -> liveEntries() == 0,
                        () -> "round " + r + ": " + liveEntries() + " live state entries after the TTL passed");
                changelogRecords = changelogRecords();
            }
            System.out.printf("ProcessorTtlLongRunTest: %d keys seen, %d changelog records written, 0 live entries%n",
                    ROUNDS * PER_ROUND, changelogRecords);
            assertThat(changelogRecords).isGreaterThan(2L * ROUNDS * PER_ROUND);   // the state existed before expiring
        }
    }

    /** Live entries of the processor's state and timer changelogs: keys whose last record is not a deletion. */
    private static long liveEntries() {
        long live = 0;
        for (String topic : List.of(APP_ID + "-counter-changelog", APP_ID + "-counter-timers-changelog")) {
            Map<ByteBuffer, Boolean> last = new HashMap<>();
            for (TopicRecord r : io.readCommittedToEnd(topic, Duration.ofSeconds(30))) {
                last.put(ByteBuffer.wrap(r.key()), r.value() != null);
            }
            live += last.values().stream().filter(b -> b).count();
        }
        return live;
    }

    private static long changelogRecords() {
        return io.endOffsets(APP_ID + "-counter-changelog").values().stream().mapToLong(Long::longValue).sum();
    }
}
