package org.videoldm.data;

/**
 * Resizes frames without Java2D: exact area averaging when shrinking (a 720p frame brought down to
 * 64 rows would alias badly with bilinear sampling) and bilinear interpolation when enlarging.
 * Both are separable, so each axis gets a table of source taps and weights.
 */
public final class FrameResize {
    private FrameResize() {}

    /** Scales to exactly {@code width x height}, ignoring the aspect ratio. */
    public static RgbFrame resize(RgbFrame src, int width, int height) {
        if (width == src.width() && height == src.height()) {
            return src;
        }
        Taps tx = Taps.of(src.width(), width);
        Taps ty = Taps.of(src.height(), height);
        float[] rows = new float[src.height() * width * 3];
        byte[] in = src.rgb();
        for (int y = 0; y < src.height(); y++) {
            int rowIn = y * src.width() * 3;
            int rowOut = y * width * 3;
            for (int x = 0; x < width; x++) {
                float r = 0, g = 0, b = 0;
                for (int k = tx.start[x]; k < tx.start[x + 1]; k++) {
                    int o = rowIn + tx.index[k] * 3;
                    float w = tx.weight[k];
                    r += w * (in[o] & 0xff);
                    g += w * (in[o + 1] & 0xff);
                    b += w * (in[o + 2] & 0xff);
                }
                rows[rowOut + 3 * x] = r;
                rows[rowOut + 3 * x + 1] = g;
                rows[rowOut + 3 * x + 2] = b;
            }
        }
        byte[] out = new byte[width * height * 3];
        int stride = width * 3;
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < stride; i++) {
                float v = 0;
                for (int k = ty.start[y]; k < ty.start[y + 1]; k++) {
                    v += ty.weight[k] * rows[ty.index[k] * stride + i];
                }
                out[y * stride + i] = (byte) Math.min(255, Math.max(0, Math.round(v)));
            }
        }
        return new RgbFrame(width, height, out);
    }

    /**
     * The smallest uniform scaling that covers a {@code height x width} crop: for a crop of the
     * same aspect ratio this is a plain "short side" resize.
     */
    public static RgbFrame resizeToCover(RgbFrame src, int height, int width) {
        int[] size = coverSize(src.width(), src.height(), height, width);
        return resize(src, size[0], size[1]);
    }

    /** {@code {width, height}} of {@link #resizeToCover}'s result. */
    public static int[] coverSize(int srcWidth, int srcHeight, int height, int width) {
        double scale = Math.max((double) height / srcHeight, (double) width / srcWidth);
        int w = Math.max(width, (int) Math.round(srcWidth * scale));
        int h = Math.max(height, (int) Math.round(srcHeight * scale));
        return new int[] {w, h};
    }

    public static RgbFrame centerCrop(RgbFrame src, int height, int width) {
        return src.crop((src.width() - width) / 2, (src.height() - height) / 2, width, height);
    }

    /** Source taps per output sample, in compressed-row form: taps of output i are start[i]..start[i+1]. */
    private record Taps(int[] start, int[] index, float[] weight) {
        static Taps of(int n, int m) {
            return m < n ? area(n, m) : bilinear(n, m);
        }

        private static Taps area(int n, int m) {
            double scale = (double) n / m;
            int[] start = new int[m + 1];
            int[] index = new int[m * ((int) Math.ceil(scale) + 2)];
            float[] weight = new float[index.length];
            int k = 0;
            for (int i = 0; i < m; i++) {
                start[i] = k;
                double a = i * scale;
                double b = Math.min(n, (i + 1) * scale);
                for (int s = (int) Math.floor(a); s < b; s++) {
                    double overlap = Math.min(b, s + 1) - Math.max(a, s);
                    if (overlap > 1e-9) {
                        index[k] = s;
                        weight[k++] = (float) (overlap / (b - a));
                    }
                }
            }
            start[m] = k;
            return new Taps(start, index, weight);
        }

        private static Taps bilinear(int n, int m) {
            double scale = (double) n / m;
            int[] start = new int[m + 1];
            int[] index = new int[2 * m];
            float[] weight = new float[2 * m];
            for (int i = 0; i < m; i++) {
                double c = Math.max(0, Math.min(n - 1, (i + 0.5) * scale - 0.5));
                int s0 = (int) Math.floor(c);
                int s1 = Math.min(n - 1, s0 + 1);
                float f = (float) (c - s0);
                start[i] = 2 * i;
                index[2 * i] = s0;
                weight[2 * i] = 1 - f;
                index[2 * i + 1] = s1;
                weight[2 * i + 1] = f;
            }
            start[m] = 2 * m;
            return new Taps(start, index, weight);
        }
    }
}
