package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Multi-head attention of the reference ({@code CrossAttention}): {@code to_q}, {@code to_k}, {@code to_v}
 * without bias and {@code to_out.0} with bias. Self-attention when no context is given.
 */
public class CrossAttention extends Module {
    private final int heads;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;

    public CrossAttention(NDManager m, int queryDim, Integer contextDim, int heads, int dimHead) {
        super(m);
        this.heads = heads;
        int inner = heads * dimHead;
        int ctx = contextDim == null ? queryDim : contextDim;
        toQ = register("to_q", new Linear(m, queryDim, inner, false));
        toK = register("to_k", new Linear(m, ctx, inner, false));
        toV = register("to_v", new Linear(m, ctx, inner, false));
        ModuleList out = register("to_out", new ModuleList(m));
        toOut = out.add(0, new Linear(m, inner, queryDim, true));
    }

    /** x [B, N, queryDim], context [B, M, contextDim] or null. */
    public NDArray forward(NDArray x, NDArray context) {
        NDArray c = context == null ? x : context;
        NDArray q = splitHeads(toQ.forward(x));
        NDArray kT = keysTransposed(toK.forward(c));
        NDArray v = splitHeads(toV.forward(c));
        NDArray o = Ops.attentionTransposedKeys(q, kT, v);
        long[] s = o.getShape().getShape();
        return toOut.forward(o.swapAxes(1, 2).reshape(s[0], s[2], s[1] * s[3]));
    }

    /** [B, M, heads * d] to [B, heads, d, M] in one permute (splitHeads and a transpose would take two). */
    private NDArray keysTransposed(NDArray t) {
        long[] s = t.getShape().getShape();
        return t.reshape(s[0], s[1], heads, s[2] / heads).transpose(0, 2, 3, 1);
    }

    private NDArray splitHeads(NDArray t) {
        long[] s = t.getShape().getShape();
        return t.reshape(s[0], s[1], heads, s[2] / heads).swapAxes(1, 2);
    }
}
