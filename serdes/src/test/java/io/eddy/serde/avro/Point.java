package io.eddy.serde.avro;

import java.util.Objects;
import org.apache.avro.reflect.Nullable;

/** A plain class for the reflect serde tests. */
public class Point {
    int x;
    int y;
    @Nullable
    String label;

    Point() {
    }

    Point(int x, int y, String label) {
        this.x = x;
        this.y = y;
        this.label = label;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Point p && p.x == x && p.y == y && Objects.equals(p.label, label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(x, y, label);
    }

    @Override
    public String toString() {
        return "Point(" + x + "," + y + "," + label + ")";
    }
}
