package io.eddy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.EddyApp;
import io.eddy.Guarantee;
import io.eddy.Trigger;
import io.eddy.dsl.Consumed;
import io.eddy.dsl.Grouped;
import io.eddy.dsl.KeyValue;
import io.eddy.dsl.Named;
import io.eddy.dsl.Produced;
import io.eddy.dsl.Table;
import io.eddy.serde.Serdes;
import io.eddy.testkit.Await;
import io.eddy.testkit.kafka.TopicRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-level aggregation of a table across two repartition topics, under exactly-once, on the
 * real broker: users (a table read from a topic of {@code region:amount} rows, updated, moved
 * between regions and deleted) are summed and counted per region through one repartition, and
 * the per-region counts are regrouped again into size classes through a second one. Every update
 * of a row retracts the old row, so the committed tables, read back with read_committed, must end
 * equal to the same tables computed from scratch from the users' final rows (a double count, a
 * lost retraction or a replayed batch would leave a sum or count off). The application is stopped
 * and restarted between two rounds of updates, so the second round runs on restored state. Batches
 * are bounded to 300 records, so there are many, and some end between a subtract and its add
 * (which may show a group without the row for one batch; the end state must still be exact).
 */
class TableRegroupBrokerTest extends BrokerTest {
    private static final int PARTITIONS = 3;

    @TempDir
    Path tmp;

    private static String region(String v) {
        return v.substring(0, v.indexOf(':'));
    }

    private static long amount(String v) {
        return Long.parseLong(v.substring(v.indexOf(':') + 1));
    }

    private static String sizeClass(long users) {
        return "size-" + Math.min(users / 5, 4);
    }

    private EddyApp app(Path stateDir) {
        return EddyApp.builder("tr")
                .bootstrapServers(kafka.bootstrapServers())
                .guarantee(Guarantee.EXACTLY_ONCE)
                .trigger(Trigger.every(Duration.ofMillis(100)))
                .threads(2)
                .maxRecordsPerBatch(300)   // many small batches; some end between a subtract and its add
                .stateDir(stateDir)
                .pipeline(p -> {
                    Table<String, String> users = p.table("tr-users", Consumed.with(Serdes.string(), Serdes.string()),
                            Named.as("users"));
                    var byRegion = users.groupBy((u, v) -> KeyValue.of(region(v), amount(v)),
                            Grouped.with(Serdes.string(), Serdes.longs()), Named.as("by-region"));
                    byRegion.aggregate(() -> 0L, (r, a, s) -> s + a, (r, a, s) -> s - a, Serdes.longs(), Named.as("sums"))
                            .toStream().toKafka("tr-sums", Produced.with(Serdes.string(), Serdes.longs()));
                    Table<String, Long> counts = byRegion.count(Named.as("counts"));
                    counts.groupBy((r, n) -> KeyValue.of(sizeClass(n), r), Grouped.with(Serdes.string(), Serdes.string()),
                                    Named.as("by-size"))
                            .count(Named.as("sizes"))
                            .toStream().toKafka("tr-sizes", Produced.with(Serdes.string(), Serdes.longs()));
                })
                .build();
    }

    /** The table a changelog-style output topic describes: the last value per key, a null deleting it. */
    private static Map<String, Long> table(String topic) {
        Map<String, Long> rows = new TreeMap<>();
        for (TopicRecord r : CommittedOutput.readRecords(kafka.bootstrapServers(), topic, Duration.ofSeconds(30))) {
            if (r.value() == null) {
                rows.remove(r.keyString());
            } else {
                rows.put(r.keyString(), ByteBuffer.wrap(r.value()).getLong());
            }
        }
        return rows;
    }

    private static void awaitTables(Map<String, String> users) {
        Map<String, Long> sums = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        users.forEach((u, v) -> {
            sums.merge(region(v), amount(v), Long::sum);
            counts.merge(region(v), 1L, Long::sum);
        });
        Map<String, Long> sizes = new TreeMap<>();
        counts.forEach((r, n) -> sizes.merge(sizeClass(n), 1L, Long::sum));
        Map<String, Map<String, Long>> seen = new TreeMap<>();
        Await.until(Duration.ofSeconds(90), () -> {
            seen.put("tr-sums", table("tr-sums"));
            seen.put("tr-sizes", table("tr-sizes"));
            return seen.get("tr-sums").equals(sums) && seen.get("tr-sizes").equals(sizes);
        }, () -> "the re-aggregated tables never matched a recomputation from scratch:\n  sums expected " + sums
                + "\n  sums seen     " + seen.get("tr-sums") + "\n  sizes expected " + sizes
                + "\n  sizes seen     " + seen.get("tr-sizes"));
    }

    /** Random upserts (moving users between regions) and deletes; applied to {@code users} as the table will. */
    private static List<ProducerRecord<byte[], byte[]>> updates(Random random, int n, Map<String, String> users) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String user = "user-" + random.nextInt(400);
            String value = random.nextInt(10) == 0 ? null : "region-" + random.nextInt(25) + ":" + random.nextInt(100);
            out.add(new ProducerRecord<>("tr-users", user.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
            if (value == null) {
                users.remove(user);
            } else {
                users.put(user, value);
            }
        }
        return out;
    }

    @Test
    void aTwoLevelAggregationOfATableEqualsARecomputationAfterUpdatesDeletesAndARestart() {
        kafka.createTopic("tr-users", PARTITIONS);
        kafka.createTopic("tr-sums", PARTITIONS);
        kafka.createTopic("tr-sizes", PARTITIONS);
        Path stateDir = tmp.resolve("state");
        Random random = new Random(18);
        Map<String, String> users = new TreeMap<>();

        try (EddyApp app = app(stateDir)) {
            app.start();
            for (int round = 0; round < 4; round++) {   // several batches, each changing rows of earlier ones
                io.produce(updates(random, 5_000, users));
            }
            awaitTables(users);
            System.out.printf("table regrouping: %d batches committed in the first run%n", app.metrics().committedBatches());
        }
        io.produce(updates(random, 10_000, users));   // while stopped: the restart catches up
        try (EddyApp app = app(stateDir)) {
            app.start();
            io.produce(updates(random, 5_000, users));
            awaitTables(users);
        }
        long first = io.endOffsets("tr-by-region-repartition").values().stream().mapToLong(Long::longValue).sum();
        long second = io.endOffsets("tr-by-size-repartition").values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("table regrouping: 30,000 updates of 400 users; %,d records through the first "
                + "repartition, %,d through the second (a table emits one change per key per batch)%n", first, second);
        assertThat(first).as("records through the first repartition").isPositive();
        assertThat(second).as("records through the second repartition").isPositive();
    }
}
