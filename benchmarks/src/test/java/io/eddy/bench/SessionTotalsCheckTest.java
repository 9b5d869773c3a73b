package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SessionTotalsCheckTest {
    private static final long BASE = 1_700_000_000_000L;

    /**
     * Ten keys, one per group, four records per block of 20 s: 15 blocks, so keys 0 to 4 have two
     * sessions; the event time ends at 295 s, so sessions ending by 265 s (blocks 0 to 12) must fire.
     */
    private static SessionInput.Expected expected() {
        return new SessionInput(60, 10, 1, BASE).expected();
    }

    private static byte[] total(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    private static long totalOf(SessionInput.Expected e, int key, int session) {
        return e.totals()[key * e.capacity() + session];
    }

    @Test
    void theRequiredTotalsInOrderPassAndLaterOnesMayCome() {
        SessionInput.Expected e = expected();
        assertThat(e.all()).isEqualTo(15);
        assertThat(e.required(0)[0]).isEqualTo(13);
        // block 0 is records 0-3 of key 0, values 1-4
        assertThat(totalOf(e, 0, 0)).isEqualTo(10);
        SessionTotalsCheck check = new SessionTotalsCheck(e, 0);
        long sum = 0;
        for (int k = 0; k < 10; k++) {
            for (int s = 0; s < e.sessions()[k]; s++) {
                if (e.mustFire(k, s, 0)) {
                    check.accept(Workload.keyBytes(k), total(totalOf(e, k, s)));
                    sum += totalOf(e, k, s);
                }
            }
        }
        assertThat(check.error()).isNull();
        assertThat(check.records()).isEqualTo(13);
        assertThat(check.sum()).isEqualTo(sum).isEqualTo(e.required(0)[1]);
        check.accept(Workload.keyBytes(4), total(totalOf(e, 4, 1)));    // the last session, not yet due
        assertThat(check.error()).isNull();
    }

    @Test
    void anEngineFiringLateNeedsFewerTotals() {
        SessionInput.Expected e = expected();
        // with a 20 s lag, block 12's session (key 2's second) need not be there
        assertThat(e.required(20_000)[0]).isEqualTo(12);
        assertThat(SessionTotalsCheck.firingLagMillis(Engine.EDDY, 1_000)).isZero();
        assertThat(SessionTotalsCheck.firingLagMillis(Engine.KAFKA_STREAMS, 1_000)).isEqualTo(1_000);
    }

    @Test
    void missingWrongExtraAndForeignTotalsAreNamed() {
        SessionInput.Expected e = expected();
        SessionTotalsCheck check = new SessionTotalsCheck(e, 0);
        for (int k = 0; k < 10; k++) {
            if (k != 3) {
                check.accept(Workload.keyBytes(k), total(totalOf(e, k, 0) + (k == 1 ? 1 : 0)));
            }
        }
        check.accept(Workload.keyBytes(0), total(totalOf(e, 0, 1)));
        check.accept(Workload.keyBytes(1), total(totalOf(e, 1, 1)));
        // key 2's second session is missing; key 9 emits twice with one session
        check.accept(Workload.keyBytes(9), total(1));
        check.accept(Workload.keyBytes(10), total(1));           // no such key
        check.accept(Workload.keyBytes(0), new byte[4]);          // not a total
        check.accept(null, total(1));
        assertThat(check.error())
                .contains("2 of 13 totals that must have fired are missing (key-000002 #2, key-000003 #1)")
                .contains("1 totals are wrong (key-000001 #1 has " + (totalOf(e, 1, 0) + 1) + " instead of "
                        + totalOf(e, 1, 0) + ")")
                .contains("1 totals are more than their key's sessions")
                .contains("3 output records are not a key of the input");
    }
}
