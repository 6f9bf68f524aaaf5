package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Self-attention ({@code attn1}), cross-attention on context ({@code attn2}) and GEGLU feed-forward, each pre-normed and residual. */
public class BasicTransformerBlock extends Module {
    private final boolean disableSelfAttn;
    private final CrossAttention attn1;
    private final FeedForward ff;
    private final CrossAttention attn2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;

    public BasicTransformerBlock(NDManager m, int dim, int heads, int dimHead, Integer contextDim, boolean disableSelfAttn) {
        super(m);
        this.disableSelfAttn = disableSelfAttn;
        attn1 = register("attn1", new CrossAttention(m, dim, disableSelfAttn ? contextDim : null, heads, dimHead));
        ff = register("ff", new FeedForward(m, dim, null, 4, true));
        attn2 = register("attn2", new CrossAttention(m, dim, contextDim, heads, dimHead));
        norm1 = register("norm1", new LayerNorm(m, dim));
        norm2 = register("norm2", new LayerNorm(m, dim));
        norm3 = register("norm3", new LayerNorm(m, dim));
    }

    public NDArray forward(NDArray x, NDArray context) {
        x = attn1.forward(norm1.forward(x), disableSelfAttn ? context : null).add(x);
        x = attn2.forward(norm2.forward(x), context).add(x);
        return ff.forward(norm3.forward(x)).add(x);
    }
}
