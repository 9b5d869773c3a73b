package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class WindowCountCheckTest {
    private static final long BASE = 1_700_000_040_000L - Math.floorMod(1_700_000_040_000L, 60_000L);

    /** Two keys, three windows of 100 records per key... of which the first two are closed at the end. */
    private static EventTimeInput.Expected expected() {
        return new EventTimeInput(600, 2, 1, BASE, 200, 0).expected();
    }

    private static byte[] key(int k, long start, boolean withEnd) {
        byte[] name = Workload.keyBytes(k);
        ByteBuffer b = ByteBuffer.allocate(name.length + (withEnd ? 16 : 8)).put(name).putLong(start);
        if (withEnd) {
            b.putLong(start + 60_000);
        }
        return b.array();
    }

    private static byte[] count(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    @Test
    void theClosedWindowsWithTheirTrueCountsPassInEitherKeyFormat() {
        EventTimeInput.Expected e = expected();
        assertThat(e.required()).isEqualTo(4);
        for (boolean eddy : new boolean[] {true, false}) {
            WindowCountCheck check = new WindowCountCheck(e, eddy ? 16 : 8);
            for (int w = 0; w < 2; w++) {
                for (int k = 0; k < 2; k++) {
                    check.accept(key(k, BASE + w * 60_000L, eddy), count(100));
                }
            }
            assertThat(check.error()).isNull();
            assertThat(check.records()).isEqualTo(4);
            assertThat(check.windowsSeen()).isEqualTo(4);
            // the still-open last window may come too, with its full count
            check.accept(key(0, BASE + 120_000, eddy), count(100));
            assertThat(check.error()).isNull();
        }
        assertThat(WindowCountCheck.windowSuffixBytes(Engine.EDDY)).isEqualTo(16);
        assertThat(WindowCountCheck.windowSuffixBytes(Engine.KAFKA_STREAMS)).isEqualTo(8);
        assertThat(WindowCountCheck.windowSuffixBytes(Engine.PLAIN_CLIENTS)).isEqualTo(8);
    }

    @Test
    void missingWrongRepeatedAndForeignWindowsAreNamed() {
        WindowCountCheck check = new WindowCountCheck(expected(), 8);
        check.accept(key(0, BASE, false), count(100));
        check.accept(key(0, BASE, false), count(100));            // twice
        check.accept(key(1, BASE, false), count(99));             // wrong
        check.accept(key(1, BASE + 60_000, false), count(100));
        check.accept(key(7, BASE, false), count(1));              // no such key
        check.accept(key(0, BASE + 1, false), count(1));          // not a window start
        check.accept(key(0, BASE, false), new byte[4]);           // not a count
        check.accept(null, count(1));
        // key-000000's second window is missing
        assertThat(check.error())
                .contains("1 of 4 closed windows are missing (key-000000 @" + (BASE + 60_000) + ")")
                .contains("1 windows have a wrong count (key-000001 @" + BASE + " has 99 instead of 100)")
                .contains("1 output records repeat a window")
                .contains("4 output records are not a window");
    }

    @Test
    void anEddyKeyWhoseEndIsNotStartPlusAMinuteIsForeign() {
        WindowCountCheck check = new WindowCountCheck(expected(), 16);
        byte[] k = key(0, BASE, true);
        ByteBuffer.wrap(k).putLong(k.length - 8, BASE + 30_000);
        check.accept(k, count(100));
        assertThat(check.error()).contains("1 output records are not a window");
    }
}
