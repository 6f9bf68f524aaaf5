package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * CLIP's image preprocessing (transformers' CLIPImageProcessor, OpenAI's {@code preprocess}): resize
 * so the shorter side is {@code size} with PIL's antialiased bicubic filter, centre crop to
 * size x size, scale to [0, 1], normalise with CLIP's mean and std. The resize is written out here
 * because PIL's filter (a = -0.5, widened by the downscale factor, rounded to 8 bits between the
 * horizontal and the vertical pass) is not the bicubic of torch's interpolate.
 */
public final class CLIPImageProcessor {
    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final int size;

    public CLIPImageProcessor(int size) {
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** Frames uint8 RGB, each {@code height * width * 3} bytes, to pixel_values [N, 3, size, size]. */
    public NDArray pixelValues(NDManager m, byte[][] frames, int height, int width) {
        int[] resized = resizedSize(height, width, size);
        int top = (resized[0] - size) / 2;
        int left = (resized[1] - size) / 2;
        float[] out = new float[frames.length * 3 * size * size];
        for (int n = 0; n < frames.length; n++) {
            if (frames[n].length != height * width * 3) {
                throw new IllegalArgumentException("frame " + n + ": " + frames[n].length + " bytes, expected " + height + "x" + width + "x3");
            }
            int[] img = resizeBicubic(frames[n], height, width, resized[0], resized[1]);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        float v = img[((top + y) * resized[1] + left + x) * 3 + c] / 255f;
                        out[((n * 3 + c) * size + y) * size + x] = (v - MEAN[c]) / STD[c];
                    }
                }
            }
        }
        return m.create(out, new Shape(frames.length, 3, size, size));
    }

    /** transformers' shortest-edge rule: the short side becomes {@code size}, the long side {@code int(size * long / short)}. */
    static int[] resizedSize(int h, int w, int size) {
        if (h <= w) {
            return new int[] {size, (int) ((long) size * w / h)};
        }
        return new int[] {(int) ((long) size * h / w), size};
    }

    /** PIL's Image.resize(BICUBIC) on RGB bytes: horizontal pass, 8-bit rounding, vertical pass. Returns values 0..255. */
    static int[] resizeBicubic(byte[] rgb, int h, int w, int outH, int outW) {
        int[] src = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            src[i] = rgb[i] & 0xff;
        }
        int[] horiz = pass(src, h, w, outW, true);
        return pass(horiz, h, outW, outH, false);
    }

    private static int[] pass(int[] in, int h, int w, int outSize, boolean horizontal) {
        int inSize = horizontal ? w : h;
        if (inSize == outSize) {
            return in;
        }
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int outH = horizontal ? h : outSize;
        int outW = horizontal ? outSize : w;
        int[] out = new int[outH * outW * 3];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), inSize);
            double[] wts = new double[hi - lo];
            double sum = 0;
            for (int i = lo; i < hi; i++) {
                wts[i - lo] = cubic((i - center + 0.5) / filterScale);
                sum += wts[i - lo];
            }
            for (int i = 0; i < wts.length; i++) {
                wts[i] = sum == 0 ? 0 : wts[i] / sum;
            }
            int lines = horizontal ? h : w;
            for (int l = 0; l < lines; l++) {
                for (int c = 0; c < 3; c++) {
                    double acc = 0;
                    for (int i = lo; i < hi; i++) {
                        int idx = horizontal ? (l * w + i) * 3 + c : (i * w + l) * 3 + c;
                        acc += wts[i - lo] * in[idx];
                    }
                    int v = (int) Math.floor(acc + 0.5);
                    int dst = horizontal ? (l * outW + o) * 3 + c : (o * outW + l) * 3 + c;
                    out[dst] = Math.min(255, Math.max(0, v));
                }
            }
        }
        return out;
    }

    /** PIL's bicubic kernel, a = -0.5. */
    private static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }
}
