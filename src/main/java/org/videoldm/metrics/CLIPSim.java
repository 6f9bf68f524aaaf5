package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;

/** CLIPSIM pieces that need no model; see {@link CLIPSimilarity} for the metric over videos. */
public final class CLIPSim {
    private CLIPSim() {}

    /** Row-wise cosine of the L2-normalised embeddings: a [B, D], b [B, D] give [B]. Raw cosine, not x100. */
    public static NDArray pairCosine(NDArray a, NDArray b) {
        return l2normalize(a).mul(l2normalize(b)).sum(new int[] {-1});
    }

    public static NDArray l2normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }
}
