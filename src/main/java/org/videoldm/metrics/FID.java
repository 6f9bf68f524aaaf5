package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Frechet Inception Distance per frame, as pytorch-fid computes it: every frame through the FID
 * Inception-v3 (uint8 to [0, 1], bilinear to 299 x 299, 2x - 1), 2048-d pool3 features, mean and
 * unbiased covariance (np.cov), {@link FrechetDistance}. For videos, all frames of all clips form the
 * two sets.
 */
public final class FID {
    private FID() {}

    /** generated and real frames, uint8 [N, H, W, 3]. */
    public static MetricResult compute(FeatureDetector inception, NDArray generatedFrames, NDArray realFrames, int batchSize) {
        requireFrames(inception);
        double[][] g = FeatureExtractor.features(inception, generatedFrames, batchSize);
        double[][] r = FeatureExtractor.features(inception, realFrames, batchSize);
        return fromFeatures(inception, g, r, 1);
    }

    public static MetricResult fromFeatures(FeatureDetector inception, double[][] generated, double[][] real, int clipLength) {
        double fd = FrechetDistance.distance(generated, real, true);
        return new MetricResult(inception.metricName("FID"), fd, Double.NaN, generated.length, real.length, clipLength, inception.name());
    }

    /** Clips uint8 [N, T, H, W, 3] as frames [N*T, H, W, 3]. */
    public static NDArray framesOf(NDArray clips) {
        long[] s = clips.getShape().getShape();
        if (s.length != 5) {
            throw new IllegalArgumentException("expected clips [N, T, H, W, 3], got " + clips.getShape());
        }
        return clips.reshape(s[0] * s[1], s[2], s[3], s[4]);
    }

    static void requireFrames(FeatureDetector d) {
        if (d.input() != FeatureDetector.Input.FRAMES) {
            throw new IllegalArgumentException("FID needs a frame detector (Inception-v3), got " + d.name());
        }
    }
}
