package io.eddy.it.reliability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * The faults of one run, drawn from a seed before the run starts: which kinds, after which input
 * chunk, which instance (an index into the running instances, in start order, at that moment),
 * and the small random delays around them. The same seed gives the same plan; the timing of the
 * faults against the application's batches is up to the machine.
 *
 * @param faults in the order they fire
 */
record FaultPlan(List<Fault> faults) {

    /** What a fault does. */
    enum Kind {
        /** SIGKILL an instance, then start a replacement. */
        KILL,
        /** SIGTERM an instance (it closes cleanly), then start a replacement. */
        STOP,
        /** SIGSTOP an instance until the group has evicted it, then SIGCONT it: it must be fenced. */
        ZOMBIE,
        /** Restart the broker, gracefully or after SIGKILL. */
        BROKER_RESTART
    }

    /**
     * One fault.
     *
     * @param kind what happens
     * @param afterChunk fires once this input chunk has been produced
     * @param delayMs wait this long after the chunk first, so the fault lands inside a batch
     * @param victim index (modulo the number running) of the instance hit
     * @param reuseStateDir KILL and STOP: whether the replacement starts on the victim's state
     *     directory (restore from where it stood) or on a fresh one (restore from nothing)
     * @param crash BROKER_RESTART: SIGKILL instead of a graceful shutdown
     * @param replacementDelayMs KILL and STOP: how long the group runs one instance short
     * @param extraPauseMs ZOMBIE: how long it stays frozen after the group evicted it
     */
    record Fault(Kind kind, int afterChunk, long delayMs, int victim, boolean reuseStateDir, boolean crash,
                 long replacementDelayMs, long extraPauseMs) {

        @Override
        public String toString() {
            String base = kind + " after chunk " + afterChunk + " (+" + delayMs + " ms), victim #" + victim;
            return switch (kind) {
                case KILL, STOP -> base + (reuseStateDir ? ", replacement on its state dir" : ", fresh replacement")
                        + " after " + replacementDelayMs + " ms";
                case ZOMBIE -> base + ", frozen " + extraPauseMs + " ms past its eviction";
                case BROKER_RESTART -> kind + " after chunk " + afterChunk + " (+" + delayMs + " ms), "
                        + (crash ? "SIGKILL" : "graceful");
            };
        }
    }

    /**
     * Draws a plan: the given number of each kind, in random order, at distinct random chunks
     * between chunk 2 and the third-last.
     */
    static FaultPlan draw(long seed, int chunks, int kills, int stops, int zombies, int brokerRestarts) {
        Random random = new Random(seed);
        List<Kind> kinds = new ArrayList<>();
        kinds.addAll(Collections.nCopies(kills, Kind.KILL));
        kinds.addAll(Collections.nCopies(stops, Kind.STOP));
        kinds.addAll(Collections.nCopies(zombies, Kind.ZOMBIE));
        kinds.addAll(Collections.nCopies(brokerRestarts, Kind.BROKER_RESTART));
        Collections.shuffle(kinds, random);
        int first = 2;
        int last = chunks - 3;
        if (last - first + 1 < kinds.size()) {
            throw new IllegalArgumentException(kinds.size() + " faults do not fit in " + chunks + " chunks");
        }
        TreeSet<Integer> at = new TreeSet<>();
        while (at.size() < kinds.size()) {
            at.add(first + random.nextInt(last - first + 1));
        }
        List<Fault> faults = new ArrayList<>();
        int k = 0;
        for (int chunk : at) {
            faults.add(new Fault(kinds.get(k++), chunk, random.nextInt(1_000), random.nextInt(1_000),
                    random.nextBoolean(), random.nextBoolean(), random.nextInt(3_000), random.nextInt(3_000)));
        }
        return new FaultPlan(List.copyOf(faults));
    }

    List<Fault> after(int chunk) {
        return faults.stream().filter(f -> f.afterChunk() == chunk).toList();
    }
}
