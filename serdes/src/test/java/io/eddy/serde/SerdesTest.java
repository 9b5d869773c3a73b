package io.eddy.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.serialization.DoubleSerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class SerdesTest {

    @Property
    void stringsRoundTripAndMatchKafkasEncoding(@ForAll String s) {
        byte[] bytes = Serdes.string().serialize("t", s);
        assertThat(bytes).isEqualTo(new StringSerializer().serialize("t", s));
        assertThat(Serdes.string().deserialize("t", bytes)).isEqualTo(s);
    }

    @Property
    void longsRoundTripAndMatchKafkasEncoding(@ForAll long v) {
        byte[] bytes = Serdes.longs().serialize("t", v);
        assertThat(bytes).isEqualTo(new LongSerializer().serialize("t", v));
        assertThat(Serdes.longs().deserialize("t", bytes)).isEqualTo(v);
    }

    @Property
    void intsRoundTripAndMatchKafkasEncoding(@ForAll int v) {
        byte[] bytes = Serdes.ints().serialize("t", v);
        assertThat(bytes).isEqualTo(new IntegerSerializer().serialize("t", v));
        assertThat(Serdes.ints().deserialize("t", bytes)).isEqualTo(v);
    }

    @Property
    void doublesRoundTripAndMatchKafkasEncoding(@ForAll double v) {
        byte[] bytes = Serdes.doubles().serialize("t", v);
        assertThat(bytes).isEqualTo(new DoubleSerializer().serialize("t", v));
        assertThat(Serdes.doubles().deserialize("t", bytes)).isEqualTo(v);
    }

    @Property
    void bytesPassThrough(@ForAll byte[] v) {
        assertThat(Serdes.bytes().deserialize("t", Serdes.bytes().serialize("t", v))).isEqualTo(v);
    }

    @Test
    void nullMapsToNullEverywhere() {
        assertThat(Serdes.string().serialize("t", null)).isNull();
        assertThat(Serdes.longs().serialize("t", null)).isNull();
        assertThat(Serdes.ints().deserialize("t", null)).isNull();
        assertThat(Serdes.doubles().deserialize("t", null)).isNull();
        assertThat(Serdes.bytes().deserialize("t", null)).isNull();
    }

    @Test
    void wrongLengthIsAClearError() {
        assertThatThrownBy(() -> Serdes.longs().deserialize("t", new byte[3]))
                .isInstanceOf(SerdeException.class)
                .hasMessage("a long needs exactly 8 bytes, got 3");
        assertThatThrownBy(() -> Serdes.ints().deserialize("t", new byte[5]))
                .isInstanceOf(SerdeException.class)
                .hasMessage("an int needs exactly 4 bytes, got 5");
    }
}
