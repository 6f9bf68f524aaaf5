package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.nn.Module;
import org.videoldm.nn.ModuleList;

/** transformers' {@code CLIPEncoder}: {@code layers.N}. */
public final class CLIPEncoder extends Module {
    private final List<CLIPEncoderLayer> layers = new ArrayList<>();

    public CLIPEncoder(NDManager m, int depth, int dim, int intermediate, int heads, String act, float eps) {
        super(m);
        ModuleList list = register("layers", new ModuleList(m));
        for (int i = 0; i < depth; i++) {
            layers.add(list.add(i, new CLIPEncoderLayer(m, dim, intermediate, heads, act, eps)));
        }
    }

    /** Returns every hidden state: the input first, then each layer's output (depth + 1 arrays). */
    public List<NDArray> forward(NDArray x, NDArray causalMask) {
        List<NDArray> states = new ArrayList<>(layers.size() + 1);
        states.add(x);
        NDArray h = x;
        for (CLIPEncoderLayer layer : layers) {
            h = layer.forward(h, causalMask);
            states.add(h);
        }
        return states;
    }
}
