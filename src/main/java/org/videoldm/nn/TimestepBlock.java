package org.videoldm.nn;

import ai.djl.ndarray.NDArray;

/**
 * A layer of a UNet block ({@code TimestepEmbedSequential} in the reference). Each layer takes what it
 * needs from the shared inputs: ResBlocks the timestep embedding, transformers the context, temporal
 * layers the frame count and the image-only indicator.
 */
public interface TimestepBlock {
    NDArray forward(NDArray x, Inputs in);

    /**
     * What flows alongside the features through a UNet.
     *
     * @param emb timestep (+ vector) embedding [N, time_embed_dim]
     * @param context cross-attention context [N, M, context_dim], or null
     * @param timeContext context for temporal cross-attention, or null
     * @param numVideoFrames frames per video (N = videos x frames), or 1 for images
     * @param imageOnlyIndicator [videos, frames], 1 where a frame is treated as an independent image; may be null
     * @param embSilu SiLU of {@code emb}, which every ResBlock's {@code emb_layers} starts with: computed once per forward
     */
    record Inputs(NDArray emb, NDArray context, NDArray timeContext, int numVideoFrames, NDArray imageOnlyIndicator, NDArray embSilu) {
        public Inputs(NDArray emb, NDArray context, NDArray timeContext, int numVideoFrames, NDArray imageOnlyIndicator) {
            this(emb, context, timeContext, numVideoFrames, imageOnlyIndicator, emb == null ? null : Ops.silu(emb));
        }

        public static Inputs image(NDArray emb, NDArray context) {
            return new Inputs(emb, context, null, 1, null);
        }
    }
}
