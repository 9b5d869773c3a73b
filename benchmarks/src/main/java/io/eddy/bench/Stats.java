package io.eddy.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Small statistics and number formatting for the report. */
final class Stats {

    private Stats() {
    }

    /**
     * The median: the middle value, or the mean of the two middle values of an even count.
     * Negative values (unknown) are ignored.
     *
     * @return the median, or -1 if no value is known
     */
    static double median(List<? extends Number> values) {
        List<Double> known = new ArrayList<>();
        for (Number v : values) {
            if (v.doubleValue() >= 0) {
                known.add(v.doubleValue());
            }
        }
        if (known.isEmpty()) {
            return -1;
        }
        Collections.sort(known);
        int n = known.size();
        return n % 2 == 1 ? known.get(n / 2) : (known.get(n / 2 - 1) + known.get(n / 2)) / 2;
    }

    /** {@code a / b} as {@code "1.23x"}, or {@code "n/a"} if either is unknown or b is zero. */
    static String ratio(double a, double b) {
        if (a < 0 || b <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", a / b);
    }

    /** A rate as {@code "243.9k"} or {@code "1.25M"} records per second; {@code "n/a"} if negative. */
    static String rate(double perSecond) {
        if (perSecond < 0) {
            return "n/a";
        }
        if (perSecond >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1_000_000);
        }
        if (perSecond >= 1_000) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1_000);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    /** Bytes as whole MiB ({@code "123 MiB"}); {@code "n/a"} if negative. */
    static String mib(double bytes) {
        if (bytes < 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024 * 1024));
    }

    /**
     * A JVM heap size as given to {@code -Xmx} ({@code "512m"}, {@code "1g"}, {@code "262144k"},
     * {@code "1048576"}) in bytes.
     *
     * @throws IllegalArgumentException if it is not such a size
     */
    static long heapBytes(String size) {
        if (size == null || !size.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("not a heap size: '" + size + "'");
        }
        char unit = Character.toLowerCase(size.charAt(size.length() - 1));
        long shift = switch (unit) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? size : size.substring(0, size.length() - 1);
        return Long.parseLong(digits) << shift;
    }

    /** A count with thousands separators. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
