package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.CrossAttention;
import org.videoldm.nn.FeedForward;
import org.videoldm.nn.LayerNorm;
import org.videoldm.nn.Module;

/**
 * A transformer block along time ({@code VideoTransformerBlock} of sgm's video_attention): per-frame tokens
 * {@code (b t) s c} are regrouped as {@code (b s) t c}, so attention mixes the frames of a video at each
 * spatial position. Optional {@code ff_in} (pre-normed GEGLU, residual when widths agree), self-attention
 * {@code attn1} (cross-attention on the context when self-attention is disabled), cross-attention
 * {@code attn2} on the temporal context (self-attention when there is none; absent when temporal
 * cross-attention is disabled), GEGLU {@code ff}.
 */
public class VideoTransformerBlock extends Module {
    private final boolean isRes;
    private final boolean disableSelfAttn;
    private final LayerNorm normIn;
    private final FeedForward ffIn;
    private final CrossAttention attn1;
    private final FeedForward ff;
    private final LayerNorm norm2;
    private final CrossAttention attn2;
    private final LayerNorm norm1;
    private final LayerNorm norm3;

    /**
     * @param innerDim width inside the block ({@code heads * dHead}); null for {@code dim}. As in the reference,
     *     giving it switches {@code ff_in} on.
     * @param contextDim width of the temporal context, or null for none
     */
    public VideoTransformerBlock(NDManager m, int dim, int heads, int dHead, Integer contextDim, boolean ffIn, Integer innerDim,
            boolean disableSelfAttn, boolean disableTemporalCrossattention) {
        super(m);
        boolean withFfIn = ffIn || innerDim != null;
        int inner = innerDim == null ? dim : innerDim;
        if (heads * dHead != inner) {
            throw new IllegalArgumentException("VideoTransformerBlock: " + heads + " heads x " + dHead + " channels != inner width " + inner);
        }
        this.isRes = inner == dim;
        this.disableSelfAttn = disableSelfAttn;
        if (withFfIn) {
            normIn = register("norm_in", new LayerNorm(m, dim));
            this.ffIn = register("ff_in", new FeedForward(m, dim, inner, 4, true));
        } else {
            normIn = null;
            this.ffIn = null;
        }
        attn1 = register("attn1", new CrossAttention(m, inner, disableSelfAttn ? contextDim : null, heads, dHead));
        ff = register("ff", new FeedForward(m, inner, dim, 4, true));
        if (disableTemporalCrossattention) {
            norm2 = null;
            attn2 = null;
        } else {
            norm2 = register("norm2", new LayerNorm(m, inner));
            attn2 = register("attn2", new CrossAttention(m, inner, contextDim, heads, dHead));
        }
        norm1 = register("norm1", new LayerNorm(m, inner));
        norm3 = register("norm3", new LayerNorm(m, inner));
    }

    /**
     * x [(b t), s, dim] per-frame tokens; context [(b s), M, contextDim] (one row per video and spatial
     * position) or null; frames = t.
     */
    public NDArray forward(NDArray x, NDArray context, int frames) {
        long spatial = x.getShape().get(1);
        NDArray h = Frames.toTimeSequences(x, frames);
        if (ffIn != null) {
            NDArray f = ffIn.forward(normIn.forward(h));
            h = isRes ? f.add(h) : f;
        }
        h = attn1.forward(norm1.forward(h), disableSelfAttn ? context : null).add(h);
        if (attn2 != null) {
            h = attn2.forward(norm2.forward(h), context).add(h);
        }
        NDArray f = ff.forward(norm3.forward(h));
        h = isRes ? f.add(h) : f;
        return Frames.fromTimeSequences(h, spatial);
    }
}
