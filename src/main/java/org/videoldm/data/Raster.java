package org.videoldm.data;

/**
 * A float RGB canvas with anti-aliased rectangles and ellipses: tiny frames (64x128) need partial
 * pixel coverage, or far-away cars and poles flicker on and off as they move.
 */
final class Raster {
    final int width;
    final int height;
    final float[] rgb;

    Raster(int width, int height) {
        this.width = width;
        this.height = height;
        this.rgb = new float[width * height * 3];
    }

    void set(int x, int y, double r, double g, double b) {
        int o = (y * width + x) * 3;
        rgb[o] = (float) r;
        rgb[o + 1] = (float) g;
        rgb[o + 2] = (float) b;
    }

    void blend(int x, int y, double[] c, double alpha) {
        if (x < 0 || y < 0 || x >= width || y >= height || alpha <= 0) {
            return;
        }
        int o = (y * width + x) * 3;
        float a = (float) Math.min(1, alpha);
        rgb[o] += a * ((float) c[0] - rgb[o]);
        rgb[o + 1] += a * ((float) c[1] - rgb[o + 1]);
        rgb[o + 2] += a * ((float) c[2] - rgb[o + 2]);
    }

    /** Adds light (headlight glows, lamps) rather than covering. */
    void add(int x, int y, double[] c, double amount) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            return;
        }
        int o = (y * width + x) * 3;
        rgb[o] += (float) (c[0] * amount);
        rgb[o + 1] += (float) (c[1] * amount);
        rgb[o + 2] += (float) (c[2] * amount);
    }

    /** Fills [x0, x1) x [y0, y1) in continuous pixel coordinates; edge pixels get partial coverage. */
    void fillRect(double x0, double y0, double x1, double y1, double[] c, double alpha) {
        int ix0 = (int) Math.floor(Math.max(0, x0));
        int ix1 = (int) Math.ceil(Math.min(width, x1));
        int iy0 = (int) Math.floor(Math.max(0, y0));
        int iy1 = (int) Math.ceil(Math.min(height, y1));
        for (int y = iy0; y < iy1; y++) {
            double cy = Math.min(y + 1, y1) - Math.max(y, y0);
            for (int x = ix0; x < ix1; x++) {
                double cx = Math.min(x + 1, x1) - Math.max(x, x0);
                blend(x, y, c, alpha * cx * cy);
            }
        }
    }

    /** Ellipse by 3x3 supersampling of each pixel in its bounding box. */
    void fillEllipse(double cx, double cy, double rx, double ry, double[] c, double alpha) {
        int ix0 = (int) Math.floor(Math.max(0, cx - rx));
        int ix1 = (int) Math.ceil(Math.min(width, cx + rx));
        int iy0 = (int) Math.floor(Math.max(0, cy - ry));
        int iy1 = (int) Math.ceil(Math.min(height, cy + ry));
        for (int y = iy0; y < iy1; y++) {
            for (int x = ix0; x < ix1; x++) {
                int inside = 0;
                for (int sy = 0; sy < 3; sy++) {
                    for (int sx = 0; sx < 3; sx++) {
                        double dx = (x + (sx + 0.5) / 3 - cx) / rx;
                        double dy = (y + (sy + 0.5) / 3 - cy) / ry;
                        if (dx * dx + dy * dy <= 1) {
                            inside++;
                        }
                    }
                }
                blend(x, y, c, alpha * inside / 9.0);
            }
        }
    }

    RgbFrame toFrame() {
        byte[] out = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = (byte) Math.round(255 * Math.max(0f, Math.min(1f, rgb[i])));
        }
        return new RgbFrame(width, height, out);
    }
}
