package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.diffusion.KeyframeInterpolation;
import org.videoldm.diffusion.SamplerCallback;

/**
 * Temporal interpolation T -> 4T (paper Sec. 3.1.2): a video's frames become the keyframes of a video at four
 * times the frame rate, the model filling the three frames between each pair, K keyframes per window, windows
 * overlapping by one keyframe ({@link KeyframeInterpolation}). Works on scaled latents.
 */
public final class InterpolationPipeline {
    private final DiffusionNetwork network;
    private final Denoiser denoiser;
    private final int windowKeyframes;
    private final int stride;
    private final Shape latentFrame;

    /**
     * @param windowKeyframes K, the keyframes in one model window of (K - 1) stride + 1 frames
     * @param stride the frame-rate factor (4 in the paper)
     */
    public InterpolationPipeline(DiffusionNetwork network, Denoiser denoiser, int windowKeyframes, int stride, Shape latentFrame) {
        this.network = network;
        this.denoiser = denoiser;
        this.windowKeyframes = windowKeyframes;
        this.stride = stride;
        this.latentFrame = latentFrame;
    }

    public int stride() {
        return stride;
    }

    public int windowKeyframes() {
        return windowKeyframes;
    }

    /** Frames of the output for {@code keyframes} input frames: (keyframes - 1) stride + 1. */
    public int outputFrames(int keyframes) {
        return (keyframes - 1) * stride + 1;
    }

    /**
     * @param keyframes scaled latents [(b K), C, h, w] of b videos of {@code numKeyframes} frames
     * @return scaled latents [(b F), C, h, w], F = (numKeyframes - 1) stride + 1, the keyframes at every stride-th position
     */
    public NDArray latents(NDManager m, NDArray keyframes, int numKeyframes, SamplingOptions sampling, long seed, SamplerCallback onStep) {
        if (!keyframes.getShape().slice(1).equals(latentFrame)) {
            throw new IllegalArgumentException("interpolation: keyframes " + keyframes.getShape() + " are not latent frames " + latentFrame);
        }
        KeyframeInterpolation k = new KeyframeInterpolation(sampling.sampler(null), denoiser.bind(network), windowKeyframes, stride).stepCallback(onStep);
        long videos = keyframes.getShape().get(0) / numKeyframes;
        int t = k.windowFrames();
        Conditioning cond = Conditioning.none().withVideo(t, m.zeros(new Shape(videos, t)));
        return k.interpolate(m, keyframes, numKeyframes, cond, null, seed);
    }
}
