package io.eddy.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the Kafka offsets Spark's Kafka source reports in a query's progress
 * ({@code SourceProgress.startOffset} / {@code endOffset}): {@code {"topic":{"0":123,"1":456}}},
 * each the next offset to read. The Spark engine commits them to the application's consumer group
 * so the harness can time it like the others. In the default build so it is unit-tested there; the
 * engine itself compiles only with {@code -Pspark}.
 */
final class SparkOffsets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SparkOffsets() {
    }

    /**
     * The offsets in {@code json}, by partition; empty for {@code null}.
     *
     * @throws IllegalArgumentException if {@code json} is not such an object of objects of numbers
     */
    static Map<TopicPartition, Long> parse(String json) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (json == null) {
            return offsets;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not Spark's Kafka offsets: " + json, e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not Spark's Kafka offsets: " + json);
        }
        for (Iterator<Map.Entry<String, JsonNode>> topics = root.fields(); topics.hasNext(); ) {
            Map.Entry<String, JsonNode> topic = topics.next();
            if (!topic.getValue().isObject()) {
                throw new IllegalArgumentException("not Spark's Kafka offsets: " + json);
            }
            for (Iterator<Map.Entry<String, JsonNode>> ps = topic.getValue().fields(); ps.hasNext(); ) {
                Map.Entry<String, JsonNode> p = ps.next();
                if (!p.getValue().canConvertToLong() || !p.getKey().matches("\\d+")) {
                    throw new IllegalArgumentException("not Spark's Kafka offsets: " + json);
                }
                offsets.put(new TopicPartition(topic.getKey(), Integer.parseInt(p.getKey())), p.getValue().asLong());
            }
        }
        return offsets;
    }
}
