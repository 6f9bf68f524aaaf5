package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Locale;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;

/**
 * How often a video cuts to another scene between two consecutive frames: a pair counts as a cut when the mean luma
 * jumps by more than {@link #LUMA_JUMP} (of 255), or the colour histograms (8 bins per channel) differ by more than
 * {@link #HISTOGRAM_JUMP} in L1 distance. Both thresholds lie above anything real driving does between consecutive frames
 * at the toy rate of 5 fps: over 1,512 frame pairs of the development drives the largest luma jump was 15.2 and the
 * largest histogram distance 1.15 ({@code CutRateTest} measures them again when the clips are present), so a real
 * drive scores 0. Between the first frames of two different clips (real and procedural), the rule fires for 77% of
 * pairs (luma alone: 38%): a switch from day to night, or to another road, inside a clip is caught; one between two
 * look-alike stretches of the same road is not, and is not a visible cut either.
 */
public final class CutRate {
    /** Mean-luma jump (0..255) above which consecutive frames show different scenes. */
    public static final double LUMA_JUMP = 40;
    /** L1 distance of normalised colour histograms (0..2 per channel, summed over channels, so 0..6) above which they do. */
    public static final double HISTOGRAM_JUMP = 1.5;
    private static final int BINS = 8;

    private CutRate() {}

    /**
     * @param cuts consecutive pairs judged cuts
     * @param pairs consecutive pairs looked at
     * @param maxLumaJump largest mean-luma jump seen (0..255)
     * @param maxHistogramJump largest histogram distance seen
     */
    public record Result(int cuts, int pairs, double maxLumaJump, double maxHistogramJump) {
        public double rate() {
            return pairs == 0 ? 0 : cuts / (double) pairs;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "cut rate %.3f (%d of %d frame pairs; largest luma jump %.1f, histogram jump %.2f)", rate(), cuts, pairs,
                    maxLumaJump, maxHistogramJump);
        }
    }

    /** Over videos given as frame lists. */
    public static Result of(List<List<RgbFrame>> videos) {
        int cuts = 0;
        int pairs = 0;
        double maxLuma = 0;
        double maxHist = 0;
        for (List<RgbFrame> v : videos) {
            for (int t = 1; t < v.size(); t++) {
                double luma = Math.abs(meanLuma(v.get(t)) - meanLuma(v.get(t - 1)));
                double hist = histogramDistance(v.get(t - 1), v.get(t));
                maxLuma = Math.max(maxLuma, luma);
                maxHist = Math.max(maxHist, hist);
                if (luma > LUMA_JUMP || hist > HISTOGRAM_JUMP) {
                    cuts++;
                }
                pairs++;
            }
        }
        return new Result(cuts, pairs, maxLuma, maxHist);
    }

    /** Over videos {@code [N, T, 3, H, W]} in [-1, 1]. */
    public static Result of(NDArray videos) {
        return of(VideoTensors.toFrames(videos));
    }

    /** BT.601 luma averaged over the frame, 0..255. */
    public static double meanLuma(RgbFrame f) {
        byte[] d = f.rgb();
        double sum = 0;
        for (int i = 0; i < d.length; i += 3) {
            sum += 0.299 * (d[i] & 0xff) + 0.587 * (d[i + 1] & 0xff) + 0.114 * (d[i + 2] & 0xff);
        }
        return sum / (d.length / 3.0);
    }

    /** L1 distance between the frames' normalised per-channel histograms, summed over the three channels. */
    public static double histogramDistance(RgbFrame a, RgbFrame b) {
        double[] ha = histogram(a);
        double[] hb = histogram(b);
        double d = 0;
        for (int i = 0; i < ha.length; i++) {
            d += Math.abs(ha[i] - hb[i]);
        }
        return d;
    }

    private static double[] histogram(RgbFrame f) {
        byte[] d = f.rgb();
        double[] h = new double[3 * BINS];
        int pixels = d.length / 3;
        for (int i = 0; i < d.length; i++) {
            h[(i % 3) * BINS + (d[i] & 0xff) * BINS / 256] += 1.0 / pixels;
        }
        return h;
    }
}
