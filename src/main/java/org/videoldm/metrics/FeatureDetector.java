package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;

/**
 * A frozen network that turns clips or frames into feature vectors (and class logits, for the
 * Inception Score). Inputs are uint8 RGB: clips [N, T, H, W, 3] for {@link Input#CLIPS} detectors,
 * frames [N, H, W, 3] for {@link Input#FRAMES}; each detector applies its own recipe's resize and
 * scaling. Detectors with seeded random weights are not comparable to published numbers, and every
 * metric they produce is named with a "-rand" suffix ({@link #metricName}).
 */
public interface FeatureDetector extends AutoCloseable {
    enum Input { CLIPS, FRAMES }

    /** Identifies the network and weights, e.g. "i3d-kinetics400(i3d_pretrained_400.safetensors)" or "i3d-rand(seed=0)". */
    String name();

    Input input();

    /** False for seeded random weights: the numbers are only comparable with each other. */
    boolean comparable();

    int featureDim();

    /** Features [N, featureDim] (float32) for a uint8 batch. */
    NDArray features(NDArray batch);

    /** Class logits [N, classes] for a uint8 batch (before softmax). */
    NDArray logits(NDArray batch);

    /** "FVD" for real weights, "FVD-rand" for random ones. */
    default String metricName(String metric) {
        return comparable() ? metric : metric + "-rand";
    }

    @Override
    void close();
}
