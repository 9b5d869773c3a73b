package io.eddy.sketches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.serde.Serde;
import io.eddy.serde.Serdes;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every sketch's serde: bytes survive a round trip unchanged, null stays null, and bad bytes fail naming the type and topic. */
class SketchSerdeTest {

    private static <T> void roundTrips(Serde<T> serde, T value) {
        byte[] bytes = serde.serialize("t", value);
        assertThat(serde.serialize("t", serde.deserialize("t", bytes))).isEqualTo(bytes);
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void everySketchRoundTripsThroughItsSerde() {
        DistinctCount hll = DistinctCount.empty(10);
        Quantiles kll = Quantiles.empty(50);
        FrequentItems items = FrequentItems.empty(16);
        CountMin cm = CountMin.withError(0.01, 0.05);
        MembershipFilter bloom = MembershipFilter.create(1_000, 0.01);
        Sample<String> sample = Sample.empty(10);
        StratifiedSample<String, Integer> strata = StratifiedSample.empty(3);
        for (int i = 0; i < 5_000; i++) {
            hll.add(i);
            kll.add(i * 0.5);
            items.add("k" + (i % 40));
            cm.add(UUID.nameUUIDFromBytes(new byte[] {(byte) i}));
            bloom.add("x" + i);
            sample.add("s" + i);
            strata.add("g" + (i % 4), i);
        }
        roundTrips(DistinctCount.serde(), hll);
        CompactDistinctCount cpc = CompactDistinctCount.empty(11);
        for (int i = 0; i < 5_000; i++) {
            cpc.add("c" + i);
        }
        roundTrips(CompactDistinctCount.serde(), cpc);
        roundTrips(Quantiles.serde(), kll);
        roundTrips(FrequentItems.serde(), items);
        roundTrips(CountMin.serde(), cm);
        roundTrips(MembershipFilter.serde(), bloom);
        roundTrips(Sample.serde(Serdes.string()), sample);
        roundTrips(StratifiedSample.serde(Serdes.string(), Serdes.ints()), strata);
        roundTrips(DistinctCount.serde(), DistinctCount.empty(12));
        roundTrips(Quantiles.serde(), Quantiles.empty(200));
        roundTrips(FrequentItems.serde(), FrequentItems.empty(64));
    }

    @Test
    void badBytesFailNamingTheTypeAndTheTopic() {
        byte[] garbage = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
        for (Serde<?> serde : List.of(DistinctCount.serde(), Quantiles.serde(), FrequentItems.serde(), CountMin.serde(),
                MembershipFilter.serde(), Sample.serde(Serdes.string()))) {
            assertThatThrownBy(() -> serde.deserialize("visits-store", garbage))
                    .as("%s", serde)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("visits-store")
                    .hasMessageContaining(serde.toString().replace("Serde", ""));
        }
    }

    @Test
    void anItemOfAnotherTypeFailsNamingIt() {
        assertThatThrownBy(() -> DistinctCount.empty(12).add(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
    }

    @Test
    void sketchesOfDifferentSizesDoNotMerge() {
        assertThatThrownBy(() -> CountMin.merge(CountMin.ofSize(2, 10), CountMin.ofSize(3, 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2x10");
        assertThatThrownBy(() -> MembershipFilter.union(MembershipFilter.create(10, 0.1), MembershipFilter.create(10_000, 0.1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different sizes");
    }
}
