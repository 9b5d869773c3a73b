package io.eddy.internal.runtime;

/**
 * A token bucket refilled by a clock the caller passes in: {@code rate} tokens per second, holding
 * at most {@code capacity}. Takers may overdraw it (the balance goes negative) so that one item
 * larger than the whole capacity, such as a big record under a byte limit, still passes; the debt
 * is repaid by the refill before anything else is granted.
 *
 * <p>Thread-safe (a per-instance limit is shared by the instance's workers); cheap: a few
 * arithmetic operations per call, no allocation.
 */
final class TokenBucket {
    private double ratePerMs;
    private double capacity;
    private double tokens;
    private long refilledAt;

    /**
     * A full bucket.
     *
     * @param perSecond tokens added per second; positive
     * @param capacity the most the bucket holds; positive
     * @param now the clock's time, in milliseconds
     */
    TokenBucket(double perSecond, double capacity, long now) {
        if (!(perSecond > 0) || !(capacity > 0)) {
            throw new IllegalArgumentException("rate and capacity must be positive: " + perSecond + ", " + capacity);
        }
        this.ratePerMs = perSecond / 1000.0;
        this.capacity = capacity;
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** The tokens available at {@code now} (negative while in debt). */
    synchronized double available(long now) {
        refill(now);
        return tokens;
    }

    /** Takes {@code amount} tokens, going into debt if there are not enough. */
    synchronized void take(double amount) {
        tokens -= amount;
    }

    /** Milliseconds from {@code now} until the bucket holds at least {@code level} tokens (0 if it does). */
    synchronized long millisUntil(double level, long now) {
        refill(now);
        double missing = Math.min(level, capacity) - tokens;
        return missing <= 0 ? 0 : (long) Math.ceil(missing / ratePerMs);
    }

    /** Changes the rate and capacity; tokens above the new capacity are dropped. */
    synchronized void reset(double perSecond, double capacity, long now) {
        refill(now);
        this.ratePerMs = perSecond / 1000.0;
        this.capacity = capacity;
        this.tokens = Math.min(tokens, capacity);
    }

    synchronized double rate() {
        return ratePerMs * 1000.0;
    }

    synchronized double capacity() {
        return capacity;
    }

    private void refill(long now) {
        if (now > refilledAt) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * ratePerMs);
            refilledAt = now;
        }
    }
}
