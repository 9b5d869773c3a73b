package io.eddy.sketches;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllSketch;

/**
 * Makes KLL's compaction coin flips a function of the sketch and its input, so that replaying a
 * batch, or running a pipeline twice, rebuilds byte-identical sketches.
 *
 * <p>Why. A KLL compaction keeps the odd or the even items of a level, chosen by a random bit.
 * DataSketches 6.2 draws those bits from one static, unseeded {@code java.util.Random}
 * ({@code KllSketch.random}, package-private, no API to seed it), so two runs over the same records
 * give different (equally accurate) sketches, and a batch replayed after a crash does not give the
 * bytes the lost attempt would have given. Exactly-once still holds (only one attempt commits), but
 * a replayed run's sketches differ from an uninterrupted run's.
 *
 * <p>How. Every update and merge of a KLL sketch runs under one lock, after seeding that generator
 * from the sketch's count of values and the value added (for a merge, both counts), mixed by the
 * SplitMix64 finalizer. The stored bytes carry the count, so a sketch restored from its changelog
 * and fed the same records flips the same coins. The coins stay pseudo-random along one sketch's
 * history (each count seeds a different stream), which is all KLL's error bound needs. The field is
 * reached by reflection (DataSketches is an automatic module, open to it); if a later release
 * removes it, {@link #available()} is false and sketches fall back to the library's own randomness.
 *
 * <p>Cost: one uncontended lock and a {@code setSeed} per update, about 20 ns; tasks on several
 * threads updating KLL sketches serialize on that lock.
 */
final class KllCoins {
    private static final Random SHARED = find();

    private KllCoins() {
    }

    private static Random find() {
        try {
            Field f = KllSketch.class.getDeclaredField("random");
            f.setAccessible(true);
            return f.get(null) instanceof Random r ? r : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the coin flips are deterministic (the library's generator was found). */
    static boolean available() {
        return SHARED != null;
    }

    /** Runs {@code update} (one KLL update or merge) with coins seeded from {@code a} and {@code b}. */
    static void flip(long a, long b, Runnable update) {
        if (SHARED == null) {
            update.run();
            return;
        }
        synchronized (SHARED) {
            SHARED.setSeed(mix(a * 0x9E3779B97F4A7C15L + b));
            update.run();
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
