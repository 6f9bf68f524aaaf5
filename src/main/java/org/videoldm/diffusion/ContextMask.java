package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.videoldm.nn.Ops;

/**
 * The prediction model's conditioning (paper Sec. 3.2): the first S frames of a T-frame window are given
 * as context ({@link FrameMask}), the rest are generated. In training S is drawn per video; here uniformly
 * from {0, 1, 2} unless other probabilities are given (the paper trains on 0, 1 and 2 context frames and
 * does not need a particular mix: S = 0 doubles as the unconditional branch for context guidance).
 */
public final class ContextMask {
    /** The context sizes the paper trains with. */
    public static final int[] TRAINING_CONTEXT_SIZES = {0, 1, 2};

    private ContextMask() {}

    /** Masked-latent conditioning giving the first {@code numContext} frames of every video. */
    public static NDArray concat(NDArray latents, int numFrames, int numContext) {
        long videos = videos(latents, numFrames);
        int[] s = new int[(int) videos];
        java.util.Arrays.fill(s, numContext);
        return concat(latents, numFrames, s);
    }

    /** Masked-latent conditioning with its own context size per video. */
    public static NDArray concat(NDArray latents, int numFrames, int[] numContext) {
        long videos = videos(latents, numFrames);
        if (numContext.length != videos) {
            throw new IllegalArgumentException("context mask: " + numContext.length + " context sizes for " + videos + " videos");
        }
        boolean[][] given = new boolean[(int) videos][numFrames];
        for (int b = 0; b < videos; b++) {
            if (numContext[b] < 0 || numContext[b] > numFrames) {
                throw new IllegalArgumentException("context mask: video " + b + " asks for " + numContext[b] + " context frames of " + numFrames);
            }
            for (int t = 0; t < numContext[b]; t++) {
                given[b][t] = true;
            }
        }
        return FrameMask.concat(latents, given);
    }

    /**
     * The conditioning for sampling a window whose first S frames are {@code context} [(b S), C, H, W]; the
     * other T - S frames are zeros in the masked latents. S must be at least 1 (see {@link #none}).
     */
    public static NDArray fromContext(NDArray context, int numContext, int numFrames) {
        Shape s = context.getShape();
        if (numContext < 1 || numContext > numFrames || s.get(0) % numContext != 0) {
            throw new IllegalArgumentException("context mask: " + s.get(0) + " context rows are not whole videos of " + numContext
                    + " context frames (of " + numFrames + ")");
        }
        long videos = s.get(0) / numContext;
        NDArray window = context.reshape(videos, numContext, s.get(1), s.get(2), s.get(3));
        NDArray rest = context.getManager().zeros(new Shape(videos, numFrames - numContext, s.get(1), s.get(2), s.get(3)));
        NDArray full = Ops.cat(1, window, rest).reshape(videos * numFrames, s.get(1), s.get(2), s.get(3));
        return concat(full, numFrames, numContext);
    }

    /** The conditioning with no frame given, for {@code videos} windows of latent frames shaped [C, H, W]. */
    public static NDArray none(NDManager manager, long videos, int numFrames, Shape frameShape) {
        NDArray zeros = manager.zeros(new Shape(videos * numFrames).addAll(frameShape));
        return concat(zeros, numFrames, 0);
    }

    /** The same conditioning with no frame given (S = 0): the unconditional branch of context guidance. */
    public static NDArray withoutContext(NDArray concat) {
        return concat.zerosLike();
    }

    /** Draws S for each video from {0, 1, 2} uniformly. */
    public static int[] sampleNumContext(SplittableRandom rng, int videos) {
        return sampleNumContext(rng, videos, new double[] {1, 1, 1});
    }

    /** Draws S for each video, S = i with probability proportional to {@code weights[i]}. */
    public static int[] sampleNumContext(SplittableRandom rng, int videos, double[] weights) {
        double total = 0;
        for (double w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("context mask: negative weight in " + java.util.Arrays.toString(weights));
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("context mask: weights must not all be zero");
        }
        int[] out = new int[videos];
        for (int b = 0; b < videos; b++) {
            double u = rng.nextDouble() * total;
            int s = 0;
            while (s < weights.length - 1 && u >= weights[s]) {
                u -= weights[s];
                s++;
            }
            out[b] = s;
        }
        return out;
    }

    private static long videos(NDArray latents, int numFrames) {
        long rows = latents.getShape().get(0);
        if (numFrames < 1 || rows % numFrames != 0) {
            throw new IllegalArgumentException("context mask: " + rows + " latent rows are not whole videos of " + numFrames + " frames");
        }
        return rows / numFrames;
    }
}
