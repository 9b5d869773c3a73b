package io.eddy.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * W11's side-by-side table: per engine, throughput (median over its successful runs), engine CPU
 * per record, peak heap, state size (its store's changelog, and its state directory once the
 * engine stopped) and the error of its answers against the true distinct counts; then Eddy's
 * ratios to Kafka Streams. A Markdown table, so it can go into the README as printed.
 */
final class DistinctCountReport {

    private DistinctCountReport() {
    }

    /**
     * What the harness measures of one W11 run besides its time.
     *
     * @param changelogRecords records in the store's changelog topic at the end (before compaction)
     * @param changelogBytes bytes of the changelog topic's log at the end, -1 if unknown
     * @param stateDirBytes bytes of the engine's state directory once it stopped, -1 if unknown
     * @param outputValueBytes bytes of the output values read (Eddy: the sketches; Kafka Streams:
     *     8-byte counts)
     * @param accuracy the answers against the true distinct counts
     */
    record Figures(long changelogRecords, long changelogBytes, long stateDirBytes, long outputValueBytes,
                   DistinctCountCheck.Accuracy accuracy) {

        /** Changelog bytes per changelog record, or 0 for an empty changelog. */
        double bytesPerChangelogRecord() {
            return changelogRecords <= 0 || changelogBytes < 0 ? 0 : (double) changelogBytes / changelogRecords;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "state changelog %s records, %s (%s per record); state directory %s; "
                            + "output values %s; answers vs the true distinct counts %s",
                    Stats.count(changelogRecords), bytes(changelogBytes), bytes(bytesPerChangelogRecord()),
                    bytes(stateDirBytes), bytes(outputValueBytes), accuracy);
        }
    }

    /**
     * The table for the W11 runs in {@code results} (other workloads are ignored) and the last
     * measured {@code figures} of each engine.
     */
    static String sideBySide(List<RunResult> results, Map<Engine, Figures> figures) {
        StringBuilder out = new StringBuilder("\nW11 side by side (throughput: median of the successful runs; state and "
                + "error: the last run)\n\n| | records/s | engine CPU per record | peak heap | changelog records | "
                + "changelog bytes | bytes per changelog record | state directory | relative error vs exact: mean, "
                + "max |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Engine engine : Engine.values()) {
            List<RunResult> runs = runsOf(results, engine);
            Figures f = figures.get(engine);
            if (runs.isEmpty() && f == null) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    engine == Engine.EDDY ? "Eddy (HLL lgK 12)" : engine.label() + " (exact set)",
                    Stats.rate(throughput(runs)), micros(median(runs, RunResult::engineCpuMicrosPerRecord)),
                    Stats.mib(median(runs, r -> r.peakHeapBytes())),
                    f == null ? "n/a" : Stats.count(f.changelogRecords()), f == null ? "n/a" : bytes(f.changelogBytes()),
                    f == null ? "n/a" : bytes(f.bytesPerChangelogRecord()), f == null ? "n/a" : bytes(f.stateDirBytes()),
                    f == null || f.accuracy().windows() == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f %%, %.3f %%",
                            100 * f.accuracy().mean(), 100 * f.accuracy().max())));
        }
        double eddy = throughput(runsOf(results, Engine.EDDY));
        double streams = throughput(runsOf(results, Engine.KAFKA_STREAMS));
        Figures e = figures.get(Engine.EDDY);
        Figures s = figures.get(Engine.KAFKA_STREAMS);
        out.append(String.format(Locale.ROOT, "%nEddy / Kafka Streams throughput: %s; Kafka Streams / Eddy changelog "
                        + "bytes: %s, state directory: %s%n", Stats.ratio(eddy, streams),
                e == null || s == null ? "n/a" : Stats.ratio(s.changelogBytes(), e.changelogBytes()),
                e == null || s == null ? "n/a" : Stats.ratio(s.stateDirBytes(), e.stateDirBytes())));
        return out.toString();
    }

    private static List<RunResult> runsOf(List<RunResult> results, Engine engine) {
        return results.stream().filter(r -> r.workload() == Workload.W11 && r.engine() == engine && r.ok()).toList();
    }

    private static double throughput(List<RunResult> runs) {
        return median(runs, RunResult::recordsPerSecond);
    }

    private static double median(List<RunResult> runs, java.util.function.ToDoubleFunction<RunResult> f) {
        return Stats.median(runs.stream().map(f::applyAsDouble).toList());
    }

    private static String micros(double micros) {
        return micros < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f µs", micros);
    }

    /** Bytes as B, KB, MB or GB (powers of 1,000); {@code "n/a"} if negative. */
    static String bytes(double bytes) {
        if (bytes < 0) {
            return "n/a";
        }
        if (bytes >= 1e9) {
            return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        }
        if (bytes >= 1e6) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        if (bytes >= 1e3) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f B", bytes);
    }
}
