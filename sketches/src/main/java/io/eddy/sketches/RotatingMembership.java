package io.eddy.sketches;

import io.eddy.serde.Serde;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The state of a membership filter that forgets: two Bloom filters, the current generation's and
 * the previous one's, each covering {@code rememberMs} of record time. A record whose generation
 * ({@code floor(t / rememberMs)}) is the next one rotates them (the previous is dropped, the current
 * becomes the previous, a new empty one is current); a record two or more generations later drops
 * both. An item is looked up in both and added to the current one, so it is remembered for at
 * least {@code rememberMs} and less than {@code 2 × rememberMs} after its last sighting. A record
 * older than the current generation is looked up and added without rotating.
 *
 * <p>False positives: a lookup tests two filters, each sized for {@code expectedItems} at
 * {@code fpp}, so with both full the rate is about {@code 1 - (1 - fpp)^2 ≈ 2 × fpp}.
 *
 * <p>Mutable, not thread-safe: one instance per key, on its task's thread.
 */
final class RotatingMembership {
    private final long expectedItems;
    private final double fpp;
    private long generation;   // start of the current generation, record time (ms)
    private MembershipFilter current;
    private MembershipFilter previous;   // null when empty

    private RotatingMembership(long expectedItems, double fpp, long generation, MembershipFilter current,
                               MembershipFilter previous) {
        this.expectedItems = expectedItems;
        this.fpp = fpp;
        this.generation = generation;
        this.current = current;
        this.previous = previous;
    }

    static RotatingMembership create(long expectedItems, double fpp, long generation) {
        return new RotatingMembership(expectedItems, fpp, generation, MembershipFilter.create(expectedItems, fpp), null);
    }

    /** Moves to the generation of record time {@code t}; then adds {@code item} and says whether it might have been seen. */
    boolean addAndCheck(Object item, long t, long rememberMs) {
        long g = Math.floorDiv(t, rememberMs) * rememberMs;
        if (g > generation) {
            previous = g - generation == rememberMs ? current : null;
            current = MembershipFilter.create(expectedItems, fpp);
            generation = g;
        }
        boolean inPrevious = previous != null && previous.mightContain(item);
        return current.addAndCheck(item) || inPrevious;
    }

    /** Whether {@code item} might be in either generation (no rotation, nothing added). */
    boolean mightContain(Object item) {
        return current.mightContain(item) || previous != null && previous.mightContain(item);
    }

    long generation() {
        return generation;
    }

    /** {@code [generation][expectedItems][fpp][current length][current][previous length or -1][previous]}. */
    static Serde<RotatingMembership> serde() {
        return SketchSerde.of("RotatingMembership", RotatingMembership::toBytes, RotatingMembership::fromBytes);
    }

    private byte[] toBytes() {
        byte[] c = current.toByteArray();
        byte[] p = previous == null ? new byte[0] : previous.toByteArray();
        return ByteBuffer.allocate(8 + 8 + 8 + 4 + c.length + 4 + p.length).putLong(generation).putLong(expectedItems)
                .putDouble(fpp).putInt(c.length).put(c).putInt(previous == null ? -1 : p.length).put(p).array();
    }

    private static RotatingMembership fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long generation = b.getLong();
        long expected = b.getLong();
        double fpp = b.getDouble();
        int cl = b.getInt();
        MembershipFilter current = MembershipFilter.fromByteArray(Arrays.copyOfRange(bytes, b.position(), b.position() + cl));
        b.position(b.position() + cl);
        int pl = b.getInt();
        MembershipFilter previous = pl < 0 ? null
                : MembershipFilter.fromByteArray(Arrays.copyOfRange(bytes, b.position(), b.position() + pl));
        return new RotatingMembership(expected, fpp, generation, current, previous);
    }
}
