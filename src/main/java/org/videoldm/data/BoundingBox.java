package org.videoldm.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An axis-aligned box in normalised image coordinates: x from the left edge (0) to the right (1), y from the top (0) to
 * the bottom (1), corners (x0, y0) top-left and (x1, y1) bottom-right.
 */
public record BoundingBox(double x0, double y0, double x1, double y1) {
    public BoundingBox {
        if (!(x0 >= 0 && y0 >= 0 && x1 <= 1 && y1 <= 1 && x0 < x1 && y0 < y1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "box (%g, %g, %g, %g): need 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1",
                    x0, y0, x1, y1));
        }
    }

    /** The box mirrored left-right (for mirrored frames). */
    public BoundingBox mirrored() {
        return new BoundingBox(1 - x1, y0, 1 - x0, y1);
    }

    /** Corners as {x0, y0, x1, y1}. */
    public double[] corners() {
        return new double[] {x0, y0, x1, y1};
    }

    /**
     * Boxes written as {@code x0,y0,x1,y1;x0,y0,x1,y1;...} (normalised corners; an empty text is no box). Errors name
     * the box that is wrong.
     */
    public static List<BoundingBox> parseList(String text) {
        List<BoundingBox> out = new ArrayList<>();
        String[] boxes = text.strip().isEmpty() ? new String[0] : text.split(";");
        for (int i = 0; i < boxes.length; i++) {
            String[] c = boxes[i].strip().split("\\s*,\\s*");
            if (c.length != 4) {
                throw new IllegalArgumentException("box " + (i + 1) + " '" + boxes[i].strip() + "': need four numbers x0,y0,x1,y1");
            }
            try {
                out.add(new BoundingBox(Double.parseDouble(c[0]), Double.parseDouble(c[1]), Double.parseDouble(c[2]), Double.parseDouble(c[3])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("box " + (i + 1) + " '" + boxes[i].strip() + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.3f,%.3f,%.3f,%.3f", x0, y0, x1, y1);
    }
}
