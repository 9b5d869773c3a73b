package io.eddy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a report as bar charts in plain SVG: one panel per workload, each with its own axis (the
 * workloads' figures differ by orders of magnitude), one group of bars per thread count, one bar
 * per engine labelled with its value, and Eddy's ratios to the peers under each group. Throughput
 * workloads show records/s, W4 restored entries/s, W5 p99 latency with the 2 x commit-interval
 * target as a dashed line. Self-contained: no scripts, no external fonts or styles.
 */
final class SvgChart {
    private static final int BAR_WIDTH = 46;
    private static final int BAR_GAP = 6;
    private static final int GROUP_GAP = 40;
    private static final int PANEL_LEFT = 64;
    private static final int PANEL_RIGHT = 22;
    private static final int PANEL_TOP = 44;
    private static final int PLOT_HEIGHT = 220;
    private static final int PANEL_BOTTOM = 84;
    private static final int PANELS_PER_ROW = 3;
    private static final int HEADER = 124;

    private SvgChart() {
    }

    /** The colour of an engine's bars. */
    static String color(Engine engine) {
        return switch (engine) {
            case EDDY -> "#1f77b4";
            case KAFKA_STREAMS -> "#ff7f0e";
            case KAFKA_STREAMS_TUNED -> "#d62728";
            case PLAIN_CLIENTS -> "#7f7f7f";
            case SPARK -> "#2ca02c";
        };
    }

    /** A short panel title. */
    static String title(Workload w, HarnessOptions o) {
        return w.name() + ": " + switch (w) {
            case W1 -> "map + filter, exactly-once";
            case W2 -> "count by key, exactly-once";
            case W2i2 -> "count by key, exactly-once, two instances";
            case W9 -> "join + repartition + 1-min windows (FINAL), exactly-once";
            case W3 -> "1-min window count (FINAL), exactly-once";
            case W4 -> "restore " + Stats.rate(o.restoreRecords()) + " entries";
            case W5 -> "latency at " + Stats.rate(o.latencyRate()) + " records/s";
            case W5b -> "latency at " + Stats.rate(o.latencyRate()) + " records/s, 20 ms trigger, exactly-once";
            case W8 -> "latency at " + Stats.rate(o.latencyRate()) + " records/s, record at a time, at-least-once";
            case W6 -> "count by key, at-least-once";
            case W11 -> "distinct count per 1-min window (HLL vs exact set)";
            case W12 -> "predictThenTrain, Gaussian naive Bayes";
            case W13 -> "predictThenTrain, k-means k=5";
            case W10 -> "total after 30 s silence (timer per key), exactly-once";
        };
    }

    /** What a panel's bars measure. */
    static String metric(Workload w, HarnessOptions o) {
        return switch (w.kind()) {
            case THROUGHPUT, COUNT, WINDOW_COUNT, SESSION_TOTALS, PIPELINE -> "input records/s";
            case RESTORE -> "restored entries/s, from instance start";
            case LATENCY -> "p99 ms, lower is better; dashed: target " + w.latencyTargetMillis(o.commitMillis()) + " ms";
        };
    }

    /** The chart as an SVG document. */
    static String render(Report report) {
        HarnessOptions o = report.options();
        List<Engine> engines = o.engines();
        int groupWidth = engines.size() * BAR_WIDTH + (engines.size() - 1) * BAR_GAP;
        int plotWidth = o.threads().size() * groupWidth + (o.threads().size() - 1) * GROUP_GAP + 2 * 14;
        int panelWidth = Math.max(300, PANEL_LEFT + plotWidth + PANEL_RIGHT);
        int panelHeight = PANEL_TOP + PLOT_HEIGHT + PANEL_BOTTOM;
        List<Workload> workloads = o.workloads();
        int columns = Math.min(PANELS_PER_ROW, workloads.size());
        int rowsOfPanels = (workloads.size() + PANELS_PER_ROW - 1) / PANELS_PER_ROW;
        int width = Math.max(680, columns * panelWidth + 20);
        int height = HEADER + rowsOfPanels * panelHeight + 10;

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\">%n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
        text(s, 20, 26, 17, "bold", "start", "#222",
                "Eddy vs Kafka Streams vs plain clients, end to end (median of " + o.repeats() + ")");
        text(s, 20, 46, 12, "normal", "start", "#555",
                "commit every " + o.commitMillis() + " ms; " + Stats.count(o.records()) + " input records of "
                        + o.valueBytes() + " B, " + Stats.count(o.keys()) + " keys, " + o.partitions() + " partitions");
        text(s, 20, 62, 12, "normal", "start", "#555", "broker and engine in separate JVMs on one "
                + Runtime.getRuntime().availableProcessors() + "-core machine");
        if (report.label() != null) {
            text(s, 20, 80, 12, "bold", "start", "#a33", report.label());
        }
        int lx = 20;
        for (Engine e : engines) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"92\" width=\"14\" height=\"14\" fill=\"%s\"/>%n",
                    lx, color(e)));
            text(s, lx + 20, 104, 12, "normal", "start", "#222", e.label());
            lx += 36 + 7 * e.label().length();
        }
        for (int i = 0; i < workloads.size(); i++) {
            int px = 10 + (i % PANELS_PER_ROW) * panelWidth;
            int py = HEADER + (i / PANELS_PER_ROW) * panelHeight;
            panel(s, report, workloads.get(i), px, py, panelWidth, groupWidth);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void panel(StringBuilder s, Report report, Workload w, int px, int py, int panelWidth,
                              int groupWidth) {
        HarnessOptions o = report.options();
        List<Engine> engines = o.engines();
        boolean latency = w.kind() == Workload.Kind.LATENCY;
        int left = px + PANEL_LEFT;
        int right = px + panelWidth - PANEL_RIGHT;
        int plotTop = py + PANEL_TOP;
        int plotBottom = plotTop + PLOT_HEIGHT;
        text(s, px + 8, py + 16, 13, "bold", "start", "#222", title(w, o));
        text(s, px + 8, py + 32, 11, "normal", "start", "#555", metric(w, o));

        double max = latency ? w.latencyTargetMillis(o.commitMillis()) : 0;
        List<Double> values = new ArrayList<>();
        for (int t : o.threads()) {
            for (Engine e : engines) {
                double v = value(report, w, t, e);
                values.add(v);
                max = Math.max(max, v);
            }
        }
        double top = niceCeiling(max * 1.15);
        for (int i = 0; i <= 4; i++) {
            double v = top * i / 4;
            int y = (int) Math.round(plotBottom - PLOT_HEIGHT * (v / top));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>%n",
                    left, y, right, y, i == 0 ? "#444" : "#e3e3e3"));
            text(s, left - 6, y + 4, 10, "normal", "end", "#555", latency ? millis(v) : Stats.rate(v));
        }

        int x = left + 14;
        int i = 0;
        for (int t : o.threads()) {
            int bx = x;
            for (Engine e : engines) {
                double v = values.get(i++);
                if (!w.supports(e)) {
                    text(s, bx + BAR_WIDTH / 2, plotBottom - 5, 10, "normal", "middle", "#777", "n/a");
                } else if (v > 0) {
                    int h = Math.max(1, (int) Math.round(PLOT_HEIGHT * (v / top)));
                    s.append(String.format(Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                            bx, plotBottom - h, BAR_WIDTH, h, color(e)));
                    text(s, bx + BAR_WIDTH / 2, plotBottom - h - 5, 10, "bold", "middle", "#222",
                            latency ? millis(v) : Stats.rate(v));
                } else if (report.row(w, t, e).isPresent()) {
                    text(s, bx + BAR_WIDTH / 2, plotBottom - 5, 10, "normal", "middle", "#a00", "failed");
                }
                bx += BAR_WIDTH + BAR_GAP;
            }
            int center = x + groupWidth / 2;
            text(s, center, plotBottom + 16, 12, "bold", "middle", "#222", t + (t == 1 ? " thread" : " threads"));
            if (engines.contains(Engine.EDDY)) {
                int y = plotBottom + 32;
                if (engines.contains(Engine.KAFKA_STREAMS)) {
                    text(s, center, y, 10, "normal", "middle", "#444",
                            "Eddy / Kafka Streams " + report.eddyOver(w, t, Engine.KAFKA_STREAMS));
                    y += 14;
                }
                if (engines.contains(Engine.KAFKA_STREAMS_TUNED) && w.supports(Engine.KAFKA_STREAMS_TUNED)) {
                    text(s, center, y, 10, "normal", "middle", "#444",
                            "Eddy / KStreams tuned " + report.eddyOver(w, t, Engine.KAFKA_STREAMS_TUNED));
                    y += 14;
                }
                if (engines.contains(Engine.PLAIN_CLIENTS) && w.supports(Engine.PLAIN_CLIENTS)) {
                    text(s, center, y, 10, "normal", "middle", "#444",
                            "Eddy / plain clients " + report.eddyOver(w, t, Engine.PLAIN_CLIENTS));
                }
            }
            x += groupWidth + GROUP_GAP;
        }
        if (latency) {
            int y = (int) Math.round(plotBottom - PLOT_HEIGHT * ((double) w.latencyTargetMillis(o.commitMillis()) / top));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#2a2\" "
                    + "stroke-width=\"2\" stroke-dasharray=\"6,4\"/>%n", left, y, right, y));
        }
    }

    private static double value(Report report, Workload w, int threads, Engine e) {
        return report.row(w, threads, e)
                .map(r -> w.kind() == Workload.Kind.LATENCY ? r.latencyP99Millis() : r.recordsPerSecond())
                .orElse(-1.0);
    }

    private static String millis(double v) {
        return String.format(Locale.ROOT, "%.0f ms", v);
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code v}; 1 for v ≤ 0. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * power >= v * (1 - 1e-12)) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static void text(StringBuilder s, int x, int y, int size, String weight, String anchor, String fill,
                             String content) {
        s.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n",
                x, y, size, weight, anchor, fill, escape(content)));
    }

    /** Escapes text for XML character data and attribute values. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
