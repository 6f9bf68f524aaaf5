package org.videoldm.model.clip;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Linear;
import org.videoldm.nn.Module;

/** transformers' {@code CLIPAttention}: q/k/v/out projections with bias, scale head_dim^-0.5, optional causal mask. */
public final class CLIPAttention extends Module {
    private final int heads;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;

    public CLIPAttention(NDManager m, int dim, int heads) {
        super(m);
        this.heads = heads;
        kProj = register("k_proj", new Linear(m, dim, dim, true));
        vProj = register("v_proj", new Linear(m, dim, dim, true));
        qProj = register("q_proj", new Linear(m, dim, dim, true));
        outProj = register("out_proj", new Linear(m, dim, dim, true));
    }

    /** x [B, N, D]; causalMask [N, N] additive (0 or a large negative) or null. */
    public NDArray forward(NDArray x, NDArray causalMask) {
        long[] s = x.getShape().getShape();
        long headDim = s[2] / heads;
        NDArray q = Ops.scale(split(qProj.forward(x), s, headDim), (float) (1.0 / Math.sqrt(headDim)));
        NDArray k = split(kProj.forward(x), s, headDim);
        NDArray v = split(vProj.forward(x), s, headDim);
        NDArray scores = q.matMul(k.swapAxes(-1, -2));
        if (causalMask != null) {
            scores = scores.add(causalMask);
        }
        NDArray o = scores.softmax(-1).matMul(v);
        return outProj.forward(o.swapAxes(1, 2).reshape(s[0], s[1], s[2]));
    }

    private NDArray split(NDArray t, long[] s, long headDim) {
        return t.reshape(s[0], s[1], heads, headDim).swapAxes(1, 2);
    }
}
