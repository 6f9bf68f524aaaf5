package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.LayerNorm;
import org.videoldm.nn.Module;

/** transformers' {@code CLIPEncoderLayer}: pre-LN self-attention and MLP, each with a residual. */
public final class CLIPEncoderLayer extends Module {
    private final CLIPAttention selfAttn;
    private final LayerNorm layerNorm1;
    private final CLIPMLP mlp;
    private final LayerNorm layerNorm2;

    public CLIPEncoderLayer(NDManager m, int dim, int intermediate, int heads, String act, float eps) {
        super(m);
        selfAttn = register("self_attn", new CLIPAttention(m, dim, heads));
        layerNorm1 = register("layer_norm1", new LayerNorm(m, dim, eps));
        mlp = register("mlp", new CLIPMLP(m, dim, intermediate, act));
        layerNorm2 = register("layer_norm2", new LayerNorm(m, dim, eps));
    }

    public NDArray forward(NDArray x, NDArray causalMask) {
        NDArray h = x.add(selfAttn.forward(layerNorm1.forward(x), causalMask));
        return h.add(mlp.forward(layerNorm2.forward(h)));
    }
}
