package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Frechet Video Distance as the common FVD code computes it (google-research's
 * frechet_video_distance, reproduced by StyleGAN-V): an I3D network trained on Kinetics-400 maps each
 * clip (uint8, frames resized bilinearly to 224 x 224, scaled to [-1, 1], 16 frames by default) to its
 * 400 logits; a Gaussian is fitted to each set of clips (mean, unbiased covariance with n - 1, as
 * TF-GAN's frechet_classifier_distance does) and {@link FrechetDistance} compares them.
 *
 * <p>StyleGAN-V's own training-time FeatureStats divide the covariance by n instead; pass
 * {@code unbiased = false} to reproduce those numbers (the difference is a factor n / (n - 1)).
 */
public final class FVD {
    public static final int DEFAULT_CLIP_LENGTH = 16;

    private FVD() {}

    /** FVD between generated and real clips, both uint8 [N, T, H, W, 3]. */
    public static MetricResult compute(FeatureDetector i3d, NDArray generated, NDArray real, int batchSize) {
        requireClips(i3d);
        double[][] g = FeatureExtractor.features(i3d, generated, batchSize);
        double[][] r = FeatureExtractor.features(i3d, real, batchSize);
        return fromFeatures(i3d, g, r, (int) generated.getShape().get(1), true);
    }

    /** FVD from detector features [N, 400] already extracted (for instance from a cache). */
    public static MetricResult fromFeatures(FeatureDetector i3d, double[][] generated, double[][] real, int clipLength, boolean unbiased) {
        double fd = FrechetDistance.distance(generated, real, unbiased);
        return new MetricResult(i3d.metricName("FVD"), fd, Double.NaN, generated.length, real.length, clipLength, i3d.name());
    }

    static void requireClips(FeatureDetector d) {
        if (d.input() != FeatureDetector.Input.CLIPS) {
            throw new IllegalArgumentException("FVD needs a clip detector (I3D), got " + d.name());
        }
    }
}
