package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.videoldm.nn.Ops;

/**
 * Conditioning on some frames of a video by masking, as the paper's prediction and interpolation models do:
 * the latents of the given frames are kept and all others set to zero, and a binary mask channel (1 = frame
 * given) is appended. The result, [(b t), C + 1, H, W], goes into {@link Conditioning#concat()} and is joined
 * to the network input channel-wise.
 */
public final class FrameMask {
    private FrameMask() {}

    /**
     * @param latents [(b t), C, H, W], frames inner; only the rows of given frames are read
     * @param given [videos][numFrames], which frames are given
     */
    public static NDArray concat(NDArray latents, boolean[][] given) {
        Shape s = latents.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("frame mask: latents must be [(b t), C, H, W], got " + s);
        }
        int frames = given.length == 0 ? 0 : given[0].length;
        if ((long) given.length * frames != s.get(0)) {
            throw new IllegalArgumentException("frame mask: " + given.length + " videos x " + frames + " frames do not match " + s.get(0) + " latent rows");
        }
        float[] m = new float[(int) s.get(0)];
        for (int b = 0; b < given.length; b++) {
            if (given[b].length != frames) {
                throw new IllegalArgumentException("frame mask: video " + b + " has " + given[b].length + " mask entries, expected " + frames);
            }
            for (int t = 0; t < frames; t++) {
                m[b * frames + t] = given[b][t] ? 1f : 0f;
            }
        }
        NDArray column = latents.getManager().create(m).reshape(s.get(0), 1, 1, 1);
        NDArray mask = column.broadcast(new Shape(s.get(0), 1, s.get(2), s.get(3))).duplicate();
        NDArray keep = column.broadcast(s).toType(DataType.BOOLEAN, false);
        NDArray masked = NDArrays.where(keep, latents, latents.zerosLike());
        return Ops.cat(1, masked, mask);
    }

    /** The channel count the network input grows by: C latent channels plus the mask. */
    public static int extraChannels(int latentChannels) {
        return latentChannels + 1;
    }
}
