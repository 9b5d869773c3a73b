package io.eddy.bench;

import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Totals of the Kafka client metrics of this JVM, summed over every producer and consumer, read
 * from the JMX beans every Kafka client registers. The three engines all use the Java clients, so
 * these counts compare how each drives the broker: how many produce and fetch requests it needs
 * for the same records.
 */
final class ClientMetrics {

    private ClientMetrics() {
    }

    /** One line of {@code name=value} pairs: produce requests, records sent, fetch requests, records fetched. */
    static String snapshot() {
        return "produceRequests=" + sum("kafka.producer:type=producer-metrics,client-id=*", "request-total")
                + " recordsSent=" + sum("kafka.producer:type=producer-metrics,client-id=*", "record-send-total")
                + " fetchRequests=" + sum("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*",
                "fetch-total")
                + " recordsFetched=" + sum("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*",
                "records-consumed-total");
    }

    private static long sum(String pattern, String attribute) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double total = 0;
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName(pattern), null);
            for (ObjectName name : names) {
                Object v = server.getAttribute(name, attribute);
                if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    total += n.doubleValue();
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return Math.round(total);
    }
}
