package io.eddy.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The low-latency loop's barrier: {@link ProducerSink#acknowledged(long)} holds only once every send
 * before the mark completed (a commit-protocol unit test, so a mock producer that completes sends
 * when told; it completes them in send order, so the out-of-order case is covered by the oldest-first
 * release only by reading).
 */
class ProducerSinkAcknowledgementTest {

    @Test
    void aMarkIsAcknowledgedOnlyWhenEverySendBeforeItIs() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ProducerSink sink = new ProducerSink(producer, true);
        sink.send("t", 0, new byte[] {1}, new byte[] {1}, 0L, null);
        sink.send("t", 1, new byte[] {2}, new byte[] {2}, 0L, null);
        long mark = sink.mark();
        sink.send("t", 0, new byte[] {3}, new byte[] {3}, 0L, null);
        assertThat(mark).isEqualTo(2);
        assertThat(sink.acknowledged(mark)).isFalse();
        producer.completeNext();   // one of the two before the mark
        assertThat(sink.acknowledged(mark)).isFalse();
        producer.completeNext();
        assertThat(sink.acknowledged(mark)).isTrue();
        assertThat(sink.acknowledged(sink.mark())).isFalse();
        producer.completeNext();
        assertThat(sink.acknowledged(sink.mark())).isTrue();
    }

    @Test
    void aFailedSendIsReported() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ProducerSink sink = new ProducerSink(producer, true);
        sink.send("t", 0, new byte[] {1}, new byte[] {1}, 0L, null);
        producer.errorNext(new RuntimeException("broker said no"));
        assertThatThrownBy(() -> sink.acknowledged(sink.mark()))
                .isInstanceOf(ProducerSink.SendFailedException.class).hasMessageContaining("broker said no");
    }

    @Test
    void withoutTrackingEverythingCountsAsAcknowledged() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ProducerSink sink = new ProducerSink(producer);
        sink.send("t", 0, new byte[] {1}, new byte[] {1}, 0L, null);
        assertThat(sink.mark()).isZero();
        assertThat(sink.acknowledged(sink.mark())).isTrue();
    }
}
