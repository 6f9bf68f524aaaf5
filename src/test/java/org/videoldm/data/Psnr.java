package org.videoldm.data;

import java.util.List;

/** Peak signal-to-noise ratio of 8-bit frames, in dB (infinite for identical frames). */
final class Psnr {
    private Psnr() {}

    static double of(RgbFrame a, RgbFrame b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException(a + " vs " + b);
        }
        double se = 0;
        byte[] x = a.rgb();
        byte[] y = b.rgb();
        for (int i = 0; i < x.length; i++) {
            double d = (x[i] & 0xff) - (y[i] & 0xff);
            se += d * d;
        }
        double mse = se / x.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** PSNR of the whole sequence (from the mean squared error over all frames). */
    static double of(List<RgbFrame> a, List<RgbFrame> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(a.size() + " vs " + b.size() + " frames");
        }
        double mse = 0;
        for (int i = 0; i < a.size(); i++) {
            mse += 255.0 * 255.0 / Math.pow(10, of(a.get(i), b.get(i)) / 10);
        }
        mse /= a.size();
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
