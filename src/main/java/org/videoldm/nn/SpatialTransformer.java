package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The UNet's transformer over the pixels of a feature map: GroupNorm, {@code proj_in} (1x1 conv as in
 * SD 1.x, or linear), {@code transformer_blocks}, {@code proj_out} (zero-initialised), residual.
 */
public class SpatialTransformer extends Module implements TimestepBlock {
    protected final boolean useLinear;
    protected final GroupNorm norm;
    protected final Module projIn;
    protected final List<BasicTransformerBlock> blocks = new ArrayList<>();
    protected final Module projOut;

    public SpatialTransformer(NDManager m, int channels, int heads, int dimHead, int depth, Integer contextDim, boolean disableSelfAttn, boolean useLinear) {
        this(m, channels, heads, dimHead, depth, contextDim == null ? null : new int[] {contextDim}, disableSelfAttn, useLinear);
    }

    /**
     * With one context width per block ({@code contextDims.length == depth}), or one width for all
     * (a list of equal entries is broadcast, as the reference does); null for self-attention only.
     */
    public SpatialTransformer(NDManager m, int channels, int heads, int dimHead, int depth, int[] contextDims, boolean disableSelfAttn, boolean useLinear) {
        super(m);
        if (contextDims != null && contextDims.length != depth) {
            for (int d : contextDims) {
                if (d != contextDims[0]) {
                    throw new IllegalArgumentException("SpatialTransformer: " + contextDims.length + " different context dims for depth " + depth);
                }
            }
        }
        this.useLinear = useLinear;
        int inner = heads * dimHead;
        norm = register("norm", GroupNorm.normalize(m, channels));
        projIn = register("proj_in", useLinear ? new Linear(m, channels, inner, true) : Conv.conv2d(m, channels, inner, 1));
        ModuleList tb = register("transformer_blocks", new ModuleList(m));
        for (int d = 0; d < depth; d++) {
            Integer ctx = contextDims == null ? null : contextDims[contextDims.length == depth ? d : 0];
            blocks.add(tb.add(d, new BasicTransformerBlock(m, inner, heads, dimHead, ctx, disableSelfAttn)));
        }
        projOut = register("proj_out", useLinear ? new Linear(m, inner, channels, true, true) : Conv.conv2dZero(m, inner, channels, 1));
    }

    /** x [N, C, H, W], context [N, M, contextDim] or null (then the cross-attention attends to x itself). */
    public NDArray forward(NDArray x, NDArray context) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray tokens = projectIn(x);
        for (BasicTransformerBlock b : blocks) {
            tokens = b.forward(tokens, context);
        }
        return projectOut(tokens, h, w).add(x);
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        return forward(x, in.context());
    }

    protected NDArray projectIn(NDArray x) {
        NDArray n = norm.forward(x);
        return useLinear ? ((Linear) projIn).forward(Ops.toTokens(n)) : Ops.toTokens(((Conv) projIn).forward(n));
    }

    protected NDArray projectOut(NDArray tokens, long h, long w) {
        return useLinear ? Ops.fromTokens(((Linear) projOut).forward(tokens), h, w) : ((Conv) projOut).forward(Ops.fromTokens(tokens, h, w));
    }
}
