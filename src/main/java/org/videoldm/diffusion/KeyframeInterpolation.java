package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.videoldm.util.Seeds;

/**
 * Temporal interpolation of a whole keyframe video with a T -> 4T model (paper Sec. 3.3): the model fills the
 * {@code stride - 1} frames between neighbouring keyframes, K keyframes per window ({@link InterpolationMask}).
 * Windows overlap by one keyframe, so every gap is filled once; the last window is moved back to end on the
 * last keyframe. The keyframes themselves are copied into the result unchanged.
 */
public final class KeyframeInterpolation {
    private final DiffusionSampler sampler;
    private final DenoiseFunction denoiser;
    private final int windowKeyframes;
    private final int stride;
    private SamplerCallback stepCallback;

    public KeyframeInterpolation(DiffusionSampler sampler, DenoiseFunction denoiser, int windowKeyframes, int stride) {
        if (windowKeyframes < 2 || stride < 2) {
            throw new IllegalArgumentException("interpolation: need at least 2 keyframes per window and stride >= 2, got " + windowKeyframes + ", " + stride);
        }
        this.sampler = sampler;
        this.denoiser = denoiser;
        this.windowKeyframes = windowKeyframes;
        this.stride = stride;
    }

    /** Called after every sampler step of every window (notebook progress). */
    public KeyframeInterpolation stepCallback(SamplerCallback c) {
        this.stepCallback = c;
        return this;
    }

    /** Frames per model window: (K - 1) stride + 1. */
    public int windowFrames() {
        return InterpolationMask.framesFor(windowKeyframes, stride);
    }

    /** Output length for {@code numKeyframes} keyframes: (numKeyframes - 1) stride + 1. */
    public int outputFrames(int numKeyframes) {
        return InterpolationMask.framesFor(numKeyframes, stride);
    }

    /**
     * @param keyframes [(b K_total), C, H, W]
     * @param cond conditioning of one window (numVideoFrames = {@link #windowFrames()}), without concat
     * @return [(b F), C, H, W] with F = (K_total - 1) stride + 1
     */
    public NDArray interpolate(NDManager manager, NDArray keyframes, int numKeyframes, Conditioning cond, Conditioning uc, long seed) {
        Shape s = keyframes.getShape();
        if (numKeyframes < windowKeyframes || s.get(0) % numKeyframes != 0) {
            throw new IllegalArgumentException("interpolation: " + s.get(0) + " keyframe rows are not whole videos of " + numKeyframes
                    + " keyframes (at least " + windowKeyframes + " needed)");
        }
        int t = windowFrames();
        if (cond.numVideoFrames() != t) {
            throw new IllegalArgumentException("interpolation: the conditioning is laid out for " + cond.numVideoFrames() + " frames, the window has " + t);
        }
        long videos = s.get(0) / numKeyframes;
        Shape frame = new Shape(s.get(1), s.get(2), s.get(3));
        int total = outputFrames(numKeyframes);
        NDArray key = keyframes.reshape(new Shape(videos, numKeyframes).addAll(frame));
        NDArray out = manager.zeros(new Shape(videos, total).addAll(frame));
        int done = 0; // frames of the output already final
        for (int w = 0; done < total; w++) {
            int first = Math.min(w * (windowKeyframes - 1), numKeyframes - windowKeyframes);
            try (NDManager wm = manager.newSubManager()) {
                NDArray kw = key.get(":, " + first + ":" + (first + windowKeyframes)).reshape(new Shape(videos * windowKeyframes).addAll(frame));
                kw.attach(wm);
                NDArray concat = InterpolationMask.fromKeyframes(kw, windowKeyframes, stride, t);
                Conditioning c = cond.withConcat(concat);
                Conditioning u = uc == null ? null : uc.withConcat(concat);
                NDArray sample = sampler.sample(denoiser, wm, new Shape(videos * t).addAll(frame), c, u, Seeds.derive(seed, w), stepCallback);
                NDArray window = sample.reshape(new Shape(videos, t).addAll(frame));
                int start = first * stride;
                for (int i = Math.max(done, start); i < start + t; i++) {
                    NDArray value = (i - start) % stride == 0 ? key.get(":, " + (i / stride)) : window.get(":, " + (i - start));
                    value.attach(wm);
                    out.set(new ai.djl.ndarray.index.NDIndex(":, " + i), value);
                }
                done = start + t;
            }
        }
        return out.reshape(new Shape(videos * total).addAll(frame));
    }
}
