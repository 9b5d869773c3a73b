package io.eddy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.dsl.KeyValue;
import io.eddy.dsl.WindowedSerde;
import io.eddy.serde.Serdes;
import io.eddy.sketches.DistinctCount;
import io.eddy.sketches.FrequentItems;
import io.eddy.state.Windowed;
import io.eddy.testkit.driver.TestDriver;
import io.eddy.testkit.driver.TestInputTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The sysadmin example on the driver with generated logs over 4 partitions: unique clients per
 * minute (merged from per-URL sketches) within 3 standard errors, and the top URLs in true order.
 */
class WebLogSketchesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    private static final String[] URLS = {"/index.html", "/products", "/cart", "/checkout", "/search", "/about"};

    @Test
    void uniqueClientsPerMinuteAndTopUrls() {
        WebLogSketches.Topics topics = WebLogSketches.Topics.defaults();
        try (TestDriver driver = TestDriver.builder()
                .pipeline(p -> WebLogSketches.pipeline(p, topics))
                .defaultPartitions(4)
                .startTime(T0)
                .build()) {
            TestInputTopic<String, String> logs = driver.input(topics.input(), Serdes.string(), Serdes.string());
            SplittableRandom random = new SplittableRandom(21);
            Map<Integer, Set<String>> clients = new HashMap<>();
            Map<Integer, Map<String, Integer>> hits = new HashMap<>();
            for (int i = 0; i < 24_000; i++) {
                int minute = i / 12_000;
                String client = "10." + random.nextInt(40) + "." + random.nextInt(250) + "." + random.nextInt(minute == 0 ? 4 : 1);
                String url = URLS[Math.min(URLS.length - 1, (int) (-Math.log(1 - random.nextDouble()) * 1.2))];
                long at = T0.toEpochMilli() + 60_000L * minute + random.nextInt(60_000);
                logs.pipe(client, new WebLogLine(client, at, "GET", url, 200, 512).toLogLine());
                clients.computeIfAbsent(minute, m -> new HashSet<>()).add(client);
                hits.computeIfAbsent(minute, m -> new HashMap<>()).merge(url, 1, Integer::sum);
                if (i % 3_000 == 2_999) {
                    driver.runBatch();
                }
            }
            long closer = T0.toEpochMilli() + 600_000;
            for (String url : URLS) {
                logs.pipe("x", new WebLogLine("10.9.9.9", closer, "GET", url, 200, 1).toLogLine());
            }
            driver.runUntilIdle();
            driver.advanceTime(Duration.ofMinutes(1));
            driver.runUntilIdle();

            Map<Long, DistinctCount> unique = new TreeMap<>();
            driver.output(topics.uniqueClients(), Serdes.longs(), DistinctCount.serde()).readKeyValues()
                    .forEach(kv -> unique.put(kv.key(), kv.value()));
            for (int minute = 0; minute < 2; minute++) {
                DistinctCount count = unique.get(T0.toEpochMilli() + 60_000L * minute);
                int truth = clients.get(minute).size();
                assertThat(Math.abs(count.estimate() - truth) / truth).as("minute %d: %s vs %d", minute, count, truth)
                        .isLessThanOrEqualTo(3 * count.relativeStandardError());
            }

            List<KeyValue<Windowed<String>, FrequentItems>> top =
                    driver.output(topics.topUrls(), WindowedSerde.of(Serdes.string()), FrequentItems.serde()).readKeyValues();
            for (int minute = 0; minute < 2; minute++) {
                long start = T0.toEpochMilli() + 60_000L * minute;
                FrequentItems items = top.stream().filter(kv -> kv.key().start() == start).findFirst().orElseThrow().value();
                Map<String, Integer> exact = hits.get(minute);
                assertThat(items.top(3).stream().map(FrequentItems.ItemCount::item).toList())
                        .as("minute %d: exact counts %s", minute, exact)
                        .containsExactlyElementsOf(exact.entrySet().stream()
                                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                                .limit(3).map(Map.Entry::getKey).toList());
                assertThat(items.estimate("/index.html")).isEqualTo((long) exact.get("/index.html"));   // 6 URLs: exact
            }
        }
    }
}
