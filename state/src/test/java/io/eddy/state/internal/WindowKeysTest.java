package io.eddy.state.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The composite key encodings round-trip and order by time within a key. */
class WindowKeysTest {

    @Property
    void windowKeysRoundTripAndOrderByStart(@ForAll byte[] key, @ForAll long a, @ForAll long b) {
        byte[] ka = WindowKeys.windowKey(key, a);
        byte[] kb = WindowKeys.windowKey(key, b);
        assertThat(WindowKeys.windowStart(ka)).isEqualTo(a);
        assertThat(WindowKeys.key(ka)).isEqualTo(key);
        assertThat(WindowKeys.isWindowKeyOf(ka, key)).isTrue();
        assertThat(Integer.signum(Arrays.compareUnsigned(ka, kb))).isEqualTo(Long.signum(Long.compare(a, b)));
    }

    @Property
    void sessionKeysRoundTripAndOrderByEndThenStart(@ForAll byte[] key, @ForAll long s1, @ForAll long e1,
                                                    @ForAll long s2, @ForAll long e2) {
        byte[] k1 = WindowKeys.sessionKey(key, s1, e1);
        byte[] k2 = WindowKeys.sessionKey(key, s2, e2);
        assertThat(WindowKeys.sessionStart(k1)).isEqualTo(s1);
        assertThat(WindowKeys.sessionEnd(k1)).isEqualTo(e1);
        assertThat(WindowKeys.sessionUserKey(k1)).isEqualTo(key);
        int expected = e1 != e2 ? Long.compare(e1, e2) : Long.compare(s1, s2);
        assertThat(Integer.signum(Arrays.compareUnsigned(k1, k2))).isEqualTo(Integer.signum(expected));
    }

    @Property
    void aliasingIsDetected(@ForAll byte[] key, @ForAll byte extra, @ForAll long t) {
        byte[] longer = Arrays.copyOf(key, key.length + 1);
        longer[key.length] = extra;
        assertThat(WindowKeys.isWindowKeyOf(WindowKeys.windowKey(longer, t), key)).isFalse();
        assertThat(WindowKeys.isSessionKeyOf(WindowKeys.sessionKey(longer, t, t), key)).isFalse();
    }
}
