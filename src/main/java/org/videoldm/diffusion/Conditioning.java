package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import org.videoldm.nn.Ops;

/**
 * What a denoising network is conditioned on, by the reference's conditioning keys: {@code crossattn}
 * (context tokens), {@code vector} (the UNet's {@code y}), {@code concat} (latents joined to the input
 * channels: context frames and masks, low-resolution video for upsamplers), plus the video layout.
 * Any field may be null. Batch-shaped fields have one row per frame, frames inner ({@code (b t)}).
 */
public record Conditioning(NDArray crossattn, NDArray vector, NDArray concat, int numVideoFrames, NDArray imageOnlyIndicator) {

    public static Conditioning none() {
        return new Conditioning(null, null, null, 1, null);
    }

    public static Conditioning crossattn(NDArray context) {
        return new Conditioning(context, null, null, 1, null);
    }

    public Conditioning withCrossattn(NDArray c) {
        return new Conditioning(c, vector, concat, numVideoFrames, imageOnlyIndicator);
    }

    public Conditioning withVector(NDArray v) {
        return new Conditioning(crossattn, v, concat, numVideoFrames, imageOnlyIndicator);
    }

    public Conditioning withConcat(NDArray c) {
        return new Conditioning(crossattn, vector, c, numVideoFrames, imageOnlyIndicator);
    }

    public Conditioning withVideo(int frames, NDArray indicator) {
        return new Conditioning(crossattn, vector, concat, frames, indicator);
    }

    /**
     * This conditioning followed by {@code other} along the batch, for one network call over both halves
     * of classifier-free guidance. Both must have the same fields set and the same frame count.
     */
    public Conditioning concatBatch(Conditioning other) {
        if (numVideoFrames != other.numVideoFrames) {
            throw new IllegalArgumentException("cannot batch conditionings with " + numVideoFrames + " and " + other.numVideoFrames + " frames");
        }
        return new Conditioning(cat(crossattn, other.crossattn, "crossattn"), cat(vector, other.vector, "vector"),
                cat(concat, other.concat, "concat"), numVideoFrames, cat(imageOnlyIndicator, other.imageOnlyIndicator, "image_only_indicator"));
    }

    /**
     * Lends every array to {@code scope} until it closes (DJL's tempAttach), so that results computed from
     * them in a step land in the step's manager and are freed with it; the arrays themselves survive.
     */
    public void tempAttach(ai.djl.ndarray.NDManager scope) {
        for (NDArray a : new NDArray[] {crossattn, vector, concat, imageOnlyIndicator}) {
            if (a != null && a.getManager() != scope) {
                a.tempAttach(scope);
            }
        }
    }

    private static NDArray cat(NDArray a, NDArray b, String key) {
        if (a == null && b == null) {
            return null;
        }
        if (a == null || b == null) {
            throw new IllegalArgumentException("conditioning '" + key + "' is set on one side only");
        }
        return Ops.cat(0, a, b);
    }
}
