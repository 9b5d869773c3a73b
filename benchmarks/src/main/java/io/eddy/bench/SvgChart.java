package io.eddy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a report's median throughputs as a grouped bar chart in plain SVG: one group per workload
 * and thread count, one bar per engine, each bar labelled with its value, and Eddy's ratios to the
 * peers under each group. Self-contained: no scripts, no external fonts or styles.
 */
final class SvgChart {
    private static final int BAR_WIDTH = 64;
    private static final int BAR_GAP = 10;
    private static final int GROUP_GAP = 70;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 124;
    private static final int PLOT_HEIGHT = 280;
    private static final int BOTTOM = 78;

    private SvgChart() {
    }

    /** The colour of an engine's bars. */
    static String color(Engine engine) {
        return switch (engine) {
            case EDDY -> "#1f77b4";
            case KAFKA_STREAMS -> "#ff7f0e";
            case PLAIN_CLIENTS -> "#7f7f7f";
        };
    }

    /** The chart as an SVG document. */
    static String render(Report report) {
        HarnessOptions o = report.options();
        List<Engine> engines = o.engines();
        List<int[]> groups = new ArrayList<>();   // {workload ordinal, threads}
        for (Workload w : o.workloads()) {
            for (int t : o.threads()) {
                groups.add(new int[] {w.ordinal(), t});
            }
        }
        int groupWidth = engines.size() * BAR_WIDTH + (engines.size() - 1) * BAR_GAP;
        int width = Math.max(680, LEFT + groups.size() * groupWidth + (groups.size() - 1) * GROUP_GAP + 40 + RIGHT);
        int height = TOP + PLOT_HEIGHT + BOTTOM;
        double max = 0;
        for (Report.Row r : report.rows()) {
            max = Math.max(max, r.recordsPerSecond());
        }
        double top = niceCeiling(max * 1.1);

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\">%n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
        text(s, LEFT, 26, 17, "bold", "start", "#222",
                "End-to-end throughput, records/s (median of " + o.repeats() + ")");
        text(s, LEFT, 46, 12, "normal", "start", "#555",
                "exactly-once, commit every " + o.commitMillis() + " ms; " + Stats.count(o.records())
                        + " input records of " + o.valueBytes() + " B, " + Stats.count(o.keys()) + " keys, "
                        + o.partitions() + " partitions");
        text(s, LEFT, 62, 12, "normal", "start", "#555",
                "broker and engine in separate JVMs on one " + Runtime.getRuntime().availableProcessors()
                        + "-core machine");
        if (report.label() != null) {
            text(s, LEFT, 78, 12, "bold", "start", "#a33", report.label());
        }
        int lx = LEFT;
        for (Engine e : engines) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"88\" width=\"14\" height=\"14\" fill=\"%s\"/>%n",
                    lx, color(e)));
            text(s, lx + 20, 100, 12, "normal", "start", "#222", e.label());
            lx += 36 + 7 * e.label().length();
        }

        int plotBottom = TOP + PLOT_HEIGHT;
        int plotRight = width - RIGHT;
        for (int i = 0; i <= 5; i++) {
            double v = top * i / 5;
            int y = (int) Math.round(plotBottom - PLOT_HEIGHT * (v / top));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>%n",
                    LEFT, y, plotRight, y, i == 0 ? "#444" : "#e3e3e3"));
            text(s, LEFT - 8, y + 4, 11, "normal", "end", "#555", Stats.rate(v));
        }

        int x = LEFT + 20;
        for (int[] g : groups) {
            Workload w = Workload.values()[g[0]];
            int threads = g[1];
            int bx = x;
            for (Engine e : engines) {
                double v = report.row(w, threads, e).map(Report.Row::recordsPerSecond).orElse(-1.0);
                if (v > 0) {
                    int h = (int) Math.round(PLOT_HEIGHT * (v / top));
                    s.append(String.format(Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                            bx, plotBottom - h, BAR_WIDTH, h, color(e)));
                    text(s, bx + BAR_WIDTH / 2, plotBottom - h - 5, 11, "bold", "middle", "#222", Stats.rate(v));
                } else {
                    text(s, bx + BAR_WIDTH / 2, plotBottom - 5, 11, "normal", "middle", "#a00", "failed");
                }
                bx += BAR_WIDTH + BAR_GAP;
            }
            int center = x + groupWidth / 2;
            text(s, center, plotBottom + 20, 13, "bold", "middle", "#222",
                    w.name() + ", " + threads + (threads == 1 ? " thread" : " threads"));
            if (engines.contains(Engine.EDDY)) {
                int y = plotBottom + 38;
                if (engines.contains(Engine.KAFKA_STREAMS)) {
                    text(s, center, y, 11, "normal", "middle", "#444",
                            "Eddy / Kafka Streams " + report.eddyOver(w, threads, Engine.KAFKA_STREAMS));
                    y += 15;
                }
                if (engines.contains(Engine.PLAIN_CLIENTS)) {
                    text(s, center, y, 11, "normal", "middle", "#444",
                            "Eddy / plain clients " + report.eddyOver(w, threads, Engine.PLAIN_CLIENTS));
                }
            }
            x += groupWidth + GROUP_GAP;
        }
        s.append("</svg>\n");
        return s.toString();
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
