package io.eddy;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast an application instance reads its input: fixed rate limits, backpressure, and an
 * adaptive trigger interval. All off by default ({@link #none()}); set with
 * {@link EddyApp.Builder#flowControl(FlowControl)}.
 *
 * <p>Every limit is enforced by <em>pausing</em> input partitions, never by sleeping a worker: a
 * partition over its budget is paused until its budget refills, while the worker goes on with
 * its other partitions, its commits and its timers. Batches stay aligned with offsets (a batch is
 * still a contiguous offset range per partition). Records a poll returned beyond the budget are
 * not kept: the partition is rewound (seeked) to the first of them and they are fetched again
 * when it resumes, so nothing extra is held in memory and nothing is lost. Limits apply to the
 * pipeline's source topics, not to its internal repartition topics (whose records were counted
 * at the source).
 *
 * <ul>
 *   <li><b>Rate limits</b> ({@link #withMaxRecordsPerSecond}, {@link #withMaxBytesPerSecond}, and
 *       their per-partition forms): token buckets refilled by the application's clock, holding at
 *       most one trigger interval's worth (at least 250 ms' worth). Bytes are the serialized key
 *       plus value. The per-instance limits are shared by the instance's worker threads.</li>
 *   <li><b>Backpressure</b> ({@link #withBackpressure}): a PID controller per worker estimates the
 *       rate its processing sustains within the trigger; while the worker falls behind its trigger
 *       ({@link BatchProgress#triggerDelay()}), that rate bounds its source partitions; once the
 *       input no longer reaches the bound and the worker is on schedule, the bound lifts.</li>
 *   <li><b>Adaptive interval</b> ({@link #withAdaptiveInterval}): the trigger interval moves between
 *       a floor and a ceiling to hold a target end-to-end latency.</li>
 * </ul>
 *
 * <p>Immutable; every {@code with…} method returns a copy. Values are checked by
 * {@link EddyApp.Builder#build()}, which names the bad option and value.
 *
 * <pre>{@code
 * .flowControl(FlowControl.none()
 *         .withMaxRecordsPerSecond(50_000)
 *         .withBackpressure(FlowControl.Backpressure.pid()))
 * }</pre>
 */
public final class FlowControl {

    private static final FlowControl NONE = new FlowControl(0, 0, 0, 0, Backpressure.OFF, null);

    private final long maxRecordsPerSecond;
    private final long maxBytesPerSecond;
    private final long maxRecordsPerSecondPerPartition;
    private final long maxBytesPerSecondPerPartition;
    private final Backpressure backpressure;
    private final AdaptiveInterval adaptiveInterval;

    private FlowControl(long maxRecordsPerSecond, long maxBytesPerSecond, long maxRecordsPerSecondPerPartition,
                        long maxBytesPerSecondPerPartition, Backpressure backpressure, AdaptiveInterval adaptiveInterval) {
        this.maxRecordsPerSecond = maxRecordsPerSecond;
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.maxRecordsPerSecondPerPartition = maxRecordsPerSecondPerPartition;
        this.maxBytesPerSecondPerPartition = maxBytesPerSecondPerPartition;
        this.backpressure = backpressure;
        this.adaptiveInterval = adaptiveInterval;
    }

    /** No limit, no backpressure, the trigger's own interval: the default. */
    public static FlowControl none() {
        return NONE;
    }

    /**
     * At most {@code recordsPerSecond} source records per second for the whole application
     * instance (all its workers); 0 for no limit (the default). Negative values are refused by
     * {@link EddyApp.Builder#build()}.
     */
    public FlowControl withMaxRecordsPerSecond(long recordsPerSecond) {
        return new FlowControl(recordsPerSecond, maxBytesPerSecond, maxRecordsPerSecondPerPartition,
                maxBytesPerSecondPerPartition, backpressure, adaptiveInterval);
    }

    /** At most {@code bytesPerSecond} of source records (key plus value) per second per instance; 0 for none. */
    public FlowControl withMaxBytesPerSecond(long bytesPerSecond) {
        return new FlowControl(maxRecordsPerSecond, bytesPerSecond, maxRecordsPerSecondPerPartition,
                maxBytesPerSecondPerPartition, backpressure, adaptiveInterval);
    }

    /** At most {@code recordsPerSecond} records per second from each source partition; 0 for none. */
    public FlowControl withMaxRecordsPerSecondPerPartition(long recordsPerSecond) {
        return new FlowControl(maxRecordsPerSecond, maxBytesPerSecond, recordsPerSecond,
                maxBytesPerSecondPerPartition, backpressure, adaptiveInterval);
    }

    /** At most {@code bytesPerSecond} of records (key plus value) per second from each source partition; 0 for none. */
    public FlowControl withMaxBytesPerSecondPerPartition(long bytesPerSecond) {
        return new FlowControl(maxRecordsPerSecond, maxBytesPerSecond, maxRecordsPerSecondPerPartition,
                bytesPerSecond, backpressure, adaptiveInterval);
    }

    /**
     * Backpressure: {@link Backpressure#pid()} to turn it on, {@link Backpressure#off()} (the
     * default) to turn it off. A null is refused by {@link EddyApp.Builder#build()}.
     */
    public FlowControl withBackpressure(Backpressure backpressure) {
        return new FlowControl(maxRecordsPerSecond, maxBytesPerSecond, maxRecordsPerSecondPerPartition,
                maxBytesPerSecondPerPartition, backpressure, adaptiveInterval);
    }

    /**
     * Lets the trigger interval adapt between {@code floor} and {@code ceiling} to hold
     * {@code targetLatency} of end-to-end delay ({@link BatchProgress#endToEndDelay()}): after each
     * batch, while the worker keeps up (no input left to read), the interval moves halfway towards
     * the one that would have met the target (shorter when the batch's delay overshot, longer when
     * it had room); while input is waiting (a backlog), it grows by half, up to the ceiling, so that
     * fewer, larger batches spend less of their time committing and the backlog drains sooner. The
     * first interval is the trigger's, clamped to the range. The interval in force is reported in
     * {@link BatchProgress#triggerInterval()}.
     *
     * <p>{@code floor} must be positive, {@code ceiling} at least {@code floor}, and
     * {@code targetLatency} positive (checked by {@link EddyApp.Builder#build()}); not with
     * {@link Trigger#availableNow()}.
     */
    public FlowControl withAdaptiveInterval(Duration floor, Duration ceiling, Duration targetLatency) {
        return new FlowControl(maxRecordsPerSecond, maxBytesPerSecond, maxRecordsPerSecondPerPartition,
                maxBytesPerSecondPerPartition, backpressure, new AdaptiveInterval(floor, ceiling, targetLatency));
    }

    /** Without the adaptive interval: the trigger's interval holds (the default). */
    public FlowControl withoutAdaptiveInterval() {
        return new FlowControl(maxRecordsPerSecond, maxBytesPerSecond, maxRecordsPerSecondPerPartition,
                maxBytesPerSecondPerPartition, backpressure, null);
    }

    /** The per-instance record limit, 0 for none. */
    public long maxRecordsPerSecond() {
        return maxRecordsPerSecond;
    }

    /** The per-instance byte limit, 0 for none. */
    public long maxBytesPerSecond() {
        return maxBytesPerSecond;
    }

    /** The per-partition record limit, 0 for none. */
    public long maxRecordsPerSecondPerPartition() {
        return maxRecordsPerSecondPerPartition;
    }

    /** The per-partition byte limit, 0 for none. */
    public long maxBytesPerSecondPerPartition() {
        return maxBytesPerSecondPerPartition;
    }

    /** The backpressure setting; never null once checked by {@link EddyApp.Builder#build()}. */
    public Backpressure backpressure() {
        return backpressure;
    }

    /** The adaptive interval, or null when the trigger's interval holds. */
    public AdaptiveInterval adaptiveInterval() {
        return adaptiveInterval;
    }

    /** Whether any limit, backpressure or an adaptive interval is set. */
    public boolean isActive() {
        return maxRecordsPerSecond > 0 || maxBytesPerSecond > 0 || maxRecordsPerSecondPerPartition > 0
                || maxBytesPerSecondPerPartition > 0 || (backpressure != null && backpressure.enabled())
                || adaptiveInterval != null;
    }

    /** Checks every value; {@code option} is the builder option's name, for the message. */
    void validate(String option, Trigger trigger) {
        nonNegative(option + ".maxRecordsPerSecond", maxRecordsPerSecond);
        nonNegative(option + ".maxBytesPerSecond", maxBytesPerSecond);
        nonNegative(option + ".maxRecordsPerSecondPerPartition", maxRecordsPerSecondPerPartition);
        nonNegative(option + ".maxBytesPerSecondPerPartition", maxBytesPerSecondPerPartition);
        if (backpressure == null) {
            throw new InvalidConfigException(option + ".backpressure", null, "required: Backpressure.off() or pid()");
        }
        backpressure.validate(option + ".backpressure");
        if (trigger.isLowLatency() && isActive()) {
            throw new InvalidConfigException(option, this, "rate limits, backpressure and an adaptive interval "
                    + "pace micro-batches; Trigger.lowLatency has none: drop one of them");
        }
        if (adaptiveInterval != null) {
            adaptiveInterval.validate(option + ".adaptiveInterval");
            if (trigger.isAvailableNow()) {
                throw new InvalidConfigException(option + ".adaptiveInterval", adaptiveInterval,
                        "not with Trigger.availableNow(): drop one of them");
            }
        }
    }

    private static void nonNegative(String option, long value) {
        if (value < 0) {
            throw new InvalidConfigException(option, value, "must be positive, or 0 for no limit");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowControl f && f.maxRecordsPerSecond == maxRecordsPerSecond
                && f.maxBytesPerSecond == maxBytesPerSecond
                && f.maxRecordsPerSecondPerPartition == maxRecordsPerSecondPerPartition
                && f.maxBytesPerSecondPerPartition == maxBytesPerSecondPerPartition
                && Objects.equals(f.backpressure, backpressure) && Objects.equals(f.adaptiveInterval, adaptiveInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRecordsPerSecond, maxBytesPerSecond, maxRecordsPerSecondPerPartition,
                maxBytesPerSecondPerPartition, backpressure, adaptiveInterval);
    }

    @Override
    public String toString() {
        return "FlowControl[maxRecordsPerSecond=" + maxRecordsPerSecond + ", maxBytesPerSecond=" + maxBytesPerSecond
                + ", maxRecordsPerSecondPerPartition=" + maxRecordsPerSecondPerPartition
                + ", maxBytesPerSecondPerPartition=" + maxBytesPerSecondPerPartition + ", backpressure=" + backpressure
                + ", adaptiveInterval=" + adaptiveInterval + "]";
    }

    /**
     * The adaptive trigger interval's range and target; see {@link #withAdaptiveInterval}.
     *
     * @param floor the shortest interval
     * @param ceiling the longest interval
     * @param targetLatency the end-to-end delay to hold
     */
    public record AdaptiveInterval(Duration floor, Duration ceiling, Duration targetLatency) {
        void validate(String option) {
            positive(option + ".floor", floor);
            positive(option + ".ceiling", ceiling);
            positive(option + ".targetLatency", targetLatency);
            if (ceiling.compareTo(floor) < 0) {
                throw new InvalidConfigException(option + ".ceiling", ceiling, "must be at least the floor " + floor);
            }
        }

        private static void positive(String option, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new InvalidConfigException(option, value, "must be a positive duration");
            }
        }
    }

    /**
     * The gains of the backpressure controller, or off. Each batch, the controller compares the
     * rate the worker's processing sustained ({@code records / busy time}) with the bound in force
     * and moves the bound by:
     * <pre>
     *   proportional · (bound − processing rate)
     * + integral     · (trigger delay · processing rate / interval)    // the records the delay stands for, per interval
     * + derivative   · d(bound − processing rate)/dt
     * </pre>
     * never below {@link #minRate()}. Defaults: proportional 1.0, integral 0.2, derivative 0.0,
     * minimum rate 10 records/s (per worker).
     *
     * <p>Immutable; {@code with…} returns a copy.
     */
    public static final class Backpressure {
        static final Backpressure OFF = new Backpressure(false, 1.0, 0.2, 0.0, 10.0);
        private static final Backpressure PID = new Backpressure(true, 1.0, 0.2, 0.0, 10.0);

        private final boolean enabled;
        private final double proportional;
        private final double integral;
        private final double derivative;
        private final double minRate;

        private Backpressure(boolean enabled, double proportional, double integral, double derivative, double minRate) {
            this.enabled = enabled;
            this.proportional = proportional;
            this.integral = integral;
            this.derivative = derivative;
            this.minRate = minRate;
        }

        /** Backpressure off: input is read as fast as the worker polls it (the default). */
        public static Backpressure off() {
            return OFF;
        }

        /** Backpressure on, with the default gains (1.0, 0.2, 0.0) and a minimum of 10 records/s. */
        public static Backpressure pid() {
            return PID;
        }

        /** With these gains; each must be finite and not negative (checked by {@link EddyApp.Builder#build()}). */
        public Backpressure withGains(double proportional, double integral, double derivative) {
            return new Backpressure(enabled, proportional, integral, derivative, minRate);
        }

        /** With this lowest bound, in records per second per worker; must be positive. */
        public Backpressure withMinRate(double recordsPerSecond) {
            return new Backpressure(enabled, proportional, integral, derivative, recordsPerSecond);
        }

        /** Whether backpressure is on. */
        public boolean enabled() {
            return enabled;
        }

        /** The proportional gain. */
        public double proportional() {
            return proportional;
        }

        /** The integral gain (on the trigger delay). */
        public double integral() {
            return integral;
        }

        /** The derivative gain. */
        public double derivative() {
            return derivative;
        }

        /** The lowest bound, in records per second per worker. */
        public double minRate() {
            return minRate;
        }

        void validate(String option) {
            gain(option + ".proportional", proportional);
            gain(option + ".integral", integral);
            gain(option + ".derivative", derivative);
            if (!(minRate > 0) || Double.isInfinite(minRate)) {
                throw new InvalidConfigException(option + ".minRate", minRate, "must be a positive number of records/s");
            }
        }

        private static void gain(String option, double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new InvalidConfigException(option, value, "must be a finite number, not negative");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Backpressure b && b.enabled == enabled && b.proportional == proportional
                    && b.integral == integral && b.derivative == derivative && b.minRate == minRate;
        }

        @Override
        public int hashCode() {
            return Objects.hash(enabled, proportional, integral, derivative, minRate);
        }

        @Override
        public String toString() {
            return enabled ? "pid(P=" + proportional + ", I=" + integral + ", D=" + derivative + ", minRate=" + minRate + ")"
                    : "off";
        }
    }
}
