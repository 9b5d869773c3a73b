package io.eddy.it.badinput;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What a test prints when an application hangs: the stacks of its threads and its consumer group
 * as the broker sees it. Never throws; a part that cannot be read is described instead.
 */
final class Diagnostics {

    private Diagnostics() {
    }

    /** The stacks of the live threads whose name starts with {@code prefix}. */
    static String threads(String prefix) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith(prefix)) {
                out.append("\n\"").append(e.getKey().getName()).append("\" ").append(e.getKey().getState());
                for (StackTraceElement frame : e.getValue()) {
                    out.append("\n    at ").append(frame);
                }
            }
        }
        return out.length() == 0 ? "no thread named " + prefix + "*" : out.toString();
    }

    /**
     * Every batch in the log files of {@code topic}'s partitions under a broker's data directory, as
     * the broker wrote them: offsets, producer id and epoch, whether transactional, and either the
     * control marker (COMMIT/ABORT) or the record keys. For telling records that were never written
     * from records written and then aborted.
     */
    static String logBatches(Path dataDirectory, String topic) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> dirs = Files.list(dataDirectory)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches(Pattern.quote(topic) + "-\\d+"))
                    .sorted().toList()) {
                out.append("\n").append(dir.getFileName()).append(':');
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                        try (FileRecords records = FileRecords.open(log.toFile(), false)) {
                            for (RecordBatch b : records.batches()) {
                                out.append("\n  ").append(b.baseOffset()).append("..").append(b.lastOffset())
                                        .append(" pid ").append(b.producerId())
                                        .append(" epoch ").append(b.producerEpoch())
                                        .append(b.isTransactional() ? " txn" : "");
                                for (Record r : b) {
                                    if (b.isControlBatch()) {
                                        out.append(' ').append(ControlRecordType.parse(r.key()));
                                    } else {
                                        out.append(' ')
                                                .append(r.hasKey() ? StandardCharsets.UTF_8.decode(r.key()) : "null");
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            out.append("\n(cannot read the log of ").append(topic).append(": ").append(e).append(')');
        }
        return out.toString();
    }

    /**
     * The fetch metrics of the Kafka consumers in this JVM whose client id starts with {@code
     * clientIdPrefix}, from JMX: fetches and records consumed, and per partition the lag and lead
     * (which give the consumer's position).
     */
    static String consumerMetrics(String clientIdPrefix) {
        StringBuilder out = new StringBuilder();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName fetchMetrics = new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*");
            for (ObjectName name : server.queryNames(fetchMetrics, null)) {
                String client = name.getKeyProperty("client-id");
                if (client == null || !client.startsWith(clientIdPrefix)) {
                    continue;
                }
                out.append("\n").append(name.getKeyPropertyListString()).append(':');
                for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                    String n = a.getName();
                    if (n.equals("fetch-total") || n.equals("records-consumed-total") || n.equals("records-lag")
                            || n.equals("records-lead") || n.equals("fetch-size-avg") || n.equals("records-lag-max")) {
                        out.append(' ').append(n).append('=').append(server.getAttribute(name, n));
                    }
                }
            }
        } catch (Exception e) {
            out.append("\n(cannot read consumer metrics: ").append(e).append(')');
        }
        return out.length() == 0 ? "no consumer " + clientIdPrefix + "*" : out.toString();
    }

    /** The group's state, members and their assignments. */
    static String group(String bootstrapServers, String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(5, TimeUnit.SECONDS)
                    .get(group);
            return "group " + group + " " + d.groupState() + ", members " + d.members().stream()
                    .map(m -> m.consumerId() + " " + m.assignment().topicPartitions()).toList()
                    + ", committed " + admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "group " + group + ": cannot describe: " + e;
        }
    }
}
