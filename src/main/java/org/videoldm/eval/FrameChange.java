package org.videoldm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Mean absolute change between consecutive frames, in units of the full pixel range (0..1). Real footage sets the
 * level a model should match: more than the real clips is flicker, much less is a frozen video.
 */
public final class FrameChange {
    private FrameChange() {}

    /** Videos {@code [N, T, 3, H, W]} in [-1, 1]; 0 for single-frame videos. */
    public static double mean(NDArray videos) {
        long t = videos.getShape().get(1);
        if (videos.getShape().dimension() != 5 || t < 2) {
            return 0;
        }
        NDArray later = videos.get(new NDIndex(":, 1:"));
        NDArray earlier = videos.get(new NDIndex(":, :-1"));
        // [-1, 1] spans the pixel range twice over.
        return later.sub(earlier).abs().mean().getFloat() / 2.0;
    }

    /** The same over clips given as frame lists: mean |frame(t+1) - frame(t)| on a 0..1 scale. */
    public static double ofFrames(java.util.List<java.util.List<org.videoldm.data.RgbFrame>> clips) {
        double sum = 0;
        long n = 0;
        for (java.util.List<org.videoldm.data.RgbFrame> c : clips) {
            for (int t = 1; t < c.size(); t++) {
                byte[] a = c.get(t - 1).rgb();
                byte[] b = c.get(t).rgb();
                for (int i = 0; i < a.length; i++) {
                    sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
                }
                n += a.length;
            }
        }
        return n == 0 ? 0 : sum / n / 255.0;
    }
}
