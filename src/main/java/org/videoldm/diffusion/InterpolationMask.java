package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The temporal interpolation model's conditioning (paper Sec. 3.3, T -> 4T): keyframes at every
 * {@code stride}-th position of the window are given ({@link FrameMask}), the frames between them are
 * generated. With stride 4 the model fills 3 frames between each pair of keyframes.
 */
public final class InterpolationMask {
    public static final int PAPER_STRIDE = 4;

    private InterpolationMask() {}

    /** Frames whose index is a multiple of {@code stride} are given. */
    public static boolean[] keyframePositions(int numFrames, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("interpolation: stride must be positive, got " + stride);
        }
        boolean[] given = new boolean[numFrames];
        for (int t = 0; t < numFrames; t += stride) {
            given[t] = true;
        }
        return given;
    }

    /** The number of frames a window of K keyframes spans with nothing after the last: (K - 1) stride + 1. */
    public static int framesFor(int numKeyframes, int stride) {
        return (numKeyframes - 1) * stride + 1;
    }

    /** Masked-latent conditioning from a full window of latents [(b T), C, H, W]; only keyframe rows are read. */
    public static NDArray concat(NDArray latents, int numFrames, int stride) {
        long rows = latents.getShape().get(0);
        if (rows % numFrames != 0) {
            throw new IllegalArgumentException("interpolation: " + rows + " latent rows are not whole videos of " + numFrames + " frames");
        }
        boolean[] pos = keyframePositions(numFrames, stride);
        boolean[][] given = new boolean[(int) (rows / numFrames)][];
        for (int b = 0; b < given.length; b++) {
            given[b] = pos;
        }
        return FrameMask.concat(latents, given);
    }

    /**
     * Places keyframes [(b K), C, H, W] at positions 0, stride, 2 stride, ... of a {@code numFrames} window
     * (zeros between) and builds the conditioning.
     */
    public static NDArray fromKeyframes(NDArray keyframes, int numKeyframes, int stride, int numFrames) {
        Shape s = keyframes.getShape();
        if (s.get(0) % numKeyframes != 0) {
            throw new IllegalArgumentException("interpolation: " + s.get(0) + " keyframe rows are not whole videos of " + numKeyframes + " keyframes");
        }
        if ((long) (numKeyframes - 1) * stride >= numFrames) {
            throw new IllegalArgumentException("interpolation: " + numKeyframes + " keyframes at stride " + stride + " do not fit in " + numFrames + " frames");
        }
        long videos = s.get(0) / numKeyframes;
        NDArray full = keyframes.getManager().zeros(new Shape(videos * numFrames, s.get(1), s.get(2), s.get(3)));
        for (long b = 0; b < videos; b++) {
            for (int k = 0; k < numKeyframes; k++) {
                full.set(new ai.djl.ndarray.index.NDIndex(b * numFrames + (long) k * stride), keyframes.get(b * numKeyframes + k));
            }
        }
        return concat(full, numFrames, stride);
    }
}
