package io.eddy;

import java.time.Duration;
import java.time.Instant;

/**
 * A small streaming JSON writer for the progress and status values ({@link BatchProgress#toJson()},
 * {@link AppStatus#toJson()}), so the core needs no JSON library. Commas are inserted by nesting
 * level; the caller opens and closes objects and arrays in order. Not thread-safe.
 */
final class JsonWriter {
    private final StringBuilder out;
    /** Per nesting level, whether a value was written at that level (so the next needs a comma). */
    private boolean[] written = new boolean[16];
    private int depth;
    private boolean afterName;

    JsonWriter(StringBuilder out) {
        this.out = out;
    }

    JsonWriter beginObject() {
        value();
        out.append('{');
        push();
        return this;
    }

    JsonWriter endObject() {
        depth--;
        out.append('}');
        return this;
    }

    JsonWriter beginArray() {
        value();
        out.append('[');
        push();
        return this;
    }

    JsonWriter endArray() {
        depth--;
        out.append(']');
        return this;
    }

    JsonWriter name(String name) {
        if (written[depth]) {
            out.append(',');
        }
        written[depth] = true;
        string(name);
        out.append(':');
        afterName = true;
        return this;
    }

    JsonWriter value(String s) {
        value();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    JsonWriter value(long n) {
        value();
        out.append(n);
        return this;
    }

    JsonWriter value(boolean b) {
        value();
        out.append(b);
        return this;
    }

    /** A finite double as a number; NaN and infinities as null (JSON has no such numbers). */
    JsonWriter value(double d) {
        value();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            out.append(String.format(java.util.Locale.ROOT, "%.3f", d));
        }
        return this;
    }

    /** An instant as ISO-8601 text; {@link Instant#MIN} and {@link Instant#MAX} (no watermark yet, none ever) as null. */
    JsonWriter value(Instant t) {
        return value(t == null || t.equals(Instant.MIN) || t.equals(Instant.MAX) ? null : t.toString());
    }

    /** A duration in milliseconds; null stays null. */
    JsonWriter millis(Duration d) {
        if (d == null) {
            value();
            out.append("null");
            return this;
        }
        return value(d.toMillis());
    }

    /** Appends already-encoded JSON as one value. */
    JsonWriter raw(String json) {
        value();
        out.append(json);
        return this;
    }

    private void value() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (written[depth]) {
                out.append(',');
            }
            written[depth] = true;
        }
    }

    private void push() {
        depth++;
        if (depth == written.length) {
            written = java.util.Arrays.copyOf(written, depth * 2);
        }
        written[depth] = false;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        // also <, > and &: the text may be embedded in a web page
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
