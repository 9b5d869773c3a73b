package io.eddy.internal.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The control records that carry an upstream task's watermark to the downstream tasks of a
 * repartition topic (see {@link TaskTime}).
 *
 * <p>A report is a record with a null key (a repartitioned data record always has a key), the
 * header {@value #HEADER} and a 17-byte value: the upstream task (int), the number of upstream
 * tasks (int, the repartition topic's partition count), the watermark (long), big-endian, and 1
 * if the upstream task's partitions were all idle (its watermark followed the clock), else 0. It is
 * written in the upstream task's batch transaction after that batch's data records, to every
 * partition of the repartition topic, so each downstream task reads it after the records it covers.
 * Control records are consumed by the task that reads them and never reach an operator, a user
 * function or an output topic.
 */
final class WatermarkReports {
    /** The header marking a watermark report. */
    static final String HEADER = "eddy.watermark";
    private static final byte[] VERSION = "1".getBytes(StandardCharsets.UTF_8);
    private static final int SIZE = 17;

    private WatermarkReports() {
    }

    /** The headers of a report (a fresh instance: the sink owns it). */
    static RecordHeaders headers() {
        RecordHeaders h = new RecordHeaders();
        h.add(HEADER, VERSION);
        return h;
    }

    /** The value of a report. */
    static byte[] encode(int upstreamTask, int upstreamTasks, long watermark, boolean quiet) {
        return ByteBuffer.allocate(SIZE).putInt(upstreamTask).putInt(upstreamTasks).putLong(watermark)
                .put((byte) (quiet ? 1 : 0)).array();
    }

    /** Whether {@code record}, read from a repartition topic, is a report rather than data. */
    static boolean isReport(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() != null) {
            return false;
        }
        Header h = record.headers().lastHeader(HEADER);
        return h != null && record.value() != null && record.value().length == SIZE;
    }

    static int upstreamTask(byte[] value) {
        return ByteBuffer.wrap(value).getInt(0);
    }

    static int upstreamTasks(byte[] value) {
        return ByteBuffer.wrap(value).getInt(4);
    }

    static long watermark(byte[] value) {
        return ByteBuffer.wrap(value).getLong(8);
    }

    static boolean quiet(byte[] value) {
        return value[16] == 1;
    }
}
