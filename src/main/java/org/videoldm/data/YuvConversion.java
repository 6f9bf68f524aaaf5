package org.videoldm.data;

import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * YUV 4:2:0 to RGB and back. JCodec stores samples as signed bytes (value - 128). We convert
 * ourselves rather than through JCodec's AWT helpers so that decoding honours the stream's colour
 * matrix and range, and so that encoding writes studio-range BT.601, which is what players assume
 * when an H.264 stream does not say otherwise (JCodec's own RGB path writes full range unflagged).
 */
public final class YuvConversion {
    private YuvConversion() {}

    /** Luma weights of the two matrices H.264 streams use in practice. */
    public enum Matrix {
        BT601(0.299, 0.114),
        BT709(0.2126, 0.0722);

        final double kr;
        final double kb;

        Matrix(double kr, double kb) {
            this.kr = kr;
            this.kb = kb;
        }
    }

    /** Converts a decoded 8-bit 4:2:0 picture to RGB, keeping only its crop window. */
    public static RgbFrame toRgb(Picture pic, Matrix matrix, boolean fullRange) {
        Rect crop = pic.getCrop();
        int x0 = crop == null ? 0 : crop.getX();
        int y0 = crop == null ? 0 : crop.getY();
        int w = crop == null ? pic.getWidth() : crop.getWidth();
        int h = crop == null ? pic.getHeight() : crop.getHeight();
        byte[] yp = pic.getPlaneData(0);
        byte[] up = pic.getPlaneData(1);
        byte[] vp = pic.getPlaneData(2);
        int ys = pic.getPlaneWidth(0);
        int cs = pic.getPlaneWidth(1);

        double kg = 1 - matrix.kr - matrix.kb;
        double ly = fullRange ? 1 : 255.0 / 219;
        double lc = fullRange ? 1 : 255.0 / 224;
        // 16.16 fixed point: this loop runs for every pixel of every decoded frame.
        int cy = fix(ly);
        int crv = fix(2 * (1 - matrix.kr) * lc);
        int cbu = fix(2 * (1 - matrix.kb) * lc);
        int cgu = fix(2 * matrix.kb * (1 - matrix.kb) / kg * lc);
        int cgv = fix(2 * matrix.kr * (1 - matrix.kr) / kg * lc);
        int yOff = fullRange ? 0 : 16;

        byte[] out = new byte[w * h * 3];
        int o = 0;
        for (int y = 0; y < h; y++) {
            int yRow = (y0 + y) * ys;
            int cRow = ((y0 + y) >> 1) * cs;
            for (int x = 0; x < w; x++) {
                int luma = (yp[yRow + x0 + x] + 128 - yOff) * cy;
                int ci = cRow + ((x0 + x) >> 1);
                int u = up[ci];
                int v = vp[ci];
                out[o++] = clip(luma + crv * v);
                out[o++] = clip(luma - cgu * u - cgv * v);
                out[o++] = clip(luma + cbu * u);
            }
        }
        return new RgbFrame(w, h, out);
    }

    /**
     * Converts RGB to studio-range BT.601 4:2:0 in a picture labelled {@code YUV420J}, the only
     * colour space JCodec's H.264 encoder accepts (the label does not change the bitstream). Odd
     * sizes are padded by repeating the last row or column.
     */
    public static Picture toYuv420(RgbFrame f) {
        int w = (f.width() + 1) & ~1;
        int h = (f.height() + 1) & ~1;
        Picture pic = Picture.create(w, h, ColorSpace.YUV420J);
        byte[] yp = pic.getPlaneData(0);
        byte[] up = pic.getPlaneData(1);
        byte[] vp = pic.getPlaneData(2);
        Matrix m = Matrix.BT601;
        double kg = 1 - m.kr - m.kb;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (Math.min(y, f.height() - 1) * f.width() + Math.min(x, f.width() - 1)) * 3;
                double luma = m.kr * (f.rgb()[o] & 0xff) + kg * (f.rgb()[o + 1] & 0xff) + m.kb * (f.rgb()[o + 2] & 0xff);
                yp[y * w + x] = (byte) (Math.round(16 + luma * 219 / 255) - 128);
            }
        }
        int cw = w / 2;
        for (int cyi = 0; cyi < h / 2; cyi++) {
            for (int cxi = 0; cxi < cw; cxi++) {
                double r = 0, g = 0, b = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int sx = Math.min(2 * cxi + dx, f.width() - 1);
                        int sy = Math.min(2 * cyi + dy, f.height() - 1);
                        int o = (sy * f.width() + sx) * 3;
                        r += f.rgb()[o] & 0xff;
                        g += f.rgb()[o + 1] & 0xff;
                        b += f.rgb()[o + 2] & 0xff;
                    }
                }
                r /= 4;
                g /= 4;
                b /= 4;
                double luma = m.kr * r + kg * g + m.kb * b;
                double cb = (b - luma) / (2 * (1 - m.kb));
                double cr = (r - luma) / (2 * (1 - m.kr));
                up[cyi * cw + cxi] = (byte) Math.max(-128, Math.min(127, Math.round(cb * 224 / 255)));
                vp[cyi * cw + cxi] = (byte) Math.max(-128, Math.min(127, Math.round(cr * 224 / 255)));
            }
        }
        return pic;
    }

    private static int fix(double v) {
        return (int) Math.round(v * 65536);
    }

    private static byte clip(int fixedPoint) {
        int v = (fixedPoint + 32768) >> 16;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
