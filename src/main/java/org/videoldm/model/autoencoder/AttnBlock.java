package org.videoldm.model.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Conv;
import org.videoldm.nn.GroupNorm;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;

/** Single-head self-attention over pixels with 1x1-conv q, k, v and proj_out ({@code AttnBlock}). */
public class AttnBlock extends Module {
    private final GroupNorm norm;
    private final Conv q;
    private final Conv k;
    private final Conv v;
    private final Conv projOut;

    public AttnBlock(NDManager m, int channels) {
        super(m);
        norm = register("norm", GroupNorm.normalize(m, channels));
        q = register("q", Conv.conv2d(m, channels, channels, 1));
        k = register("k", Conv.conv2d(m, channels, channels, 1));
        v = register("v", Conv.conv2d(m, channels, channels, 1));
        projOut = register("proj_out", Conv.conv2d(m, channels, channels, 1));
    }

    /** The attention branch without the residual (the temporal VideoBlock mixes it before adding x). */
    public NDArray attention(NDArray x) {
        NDArray h = norm.forward(x);
        long hh = x.getShape().get(2);
        long ww = x.getShape().get(3);
        NDArray keys = k.forward(h);
        // [N, C, H, W] viewed as [N, C, HW] is already the transposed keys
        NDArray kT = keys.reshape(keys.getShape().get(0), keys.getShape().get(1), hh * ww);
        NDArray o = Ops.attentionTransposedKeys(Ops.toTokens(q.forward(h)), kT, Ops.toTokens(v.forward(h)));
        return Ops.fromTokens(o, hh, ww);
    }

    public Conv projOut() {
        return projOut;
    }

    public NDArray forward(NDArray x, int timesteps) {
        return x.add(projOut.forward(attention(x)));
    }
}
