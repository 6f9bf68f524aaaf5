package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.videoldm.nn.LayerNorm;
import org.videoldm.nn.Module;

/** transformers' {@code CLIPVisionTransformer} ({@code vision_model.*}); "pre_layrnorm" is spelled as the reference spells it. */
public final class CLIPVisionTransformer extends Module {
    private final CLIPVisionConfig config;
    private final CLIPVisionEmbeddings embeddings;
    private final LayerNorm preLayrnorm;
    private final CLIPEncoder encoder;
    private final LayerNorm postLayernorm;

    public CLIPVisionTransformer(NDManager m, CLIPVisionConfig c) {
        super(m);
        config = c;
        float eps = (float) c.layer_norm_eps();
        embeddings = register("embeddings", new CLIPVisionEmbeddings(m, c));
        preLayrnorm = register("pre_layrnorm", new LayerNorm(m, c.hidden_size(), eps));
        encoder = register("encoder", new CLIPEncoder(m, c.num_hidden_layers(), c.hidden_size(), c.intermediate_size(), c.num_attention_heads(), c.hidden_act(), eps));
        postLayernorm = register("post_layernorm", new LayerNorm(m, c.hidden_size(), eps));
    }

    public CLIPOutput forward(NDArray pixelValues) {
        NDArray h = preLayrnorm.forward(embeddings.forward(pixelValues));
        List<NDArray> states = encoder.forward(h, null);
        NDArray last = states.get(states.size() - 1);
        NDArray pooled = postLayernorm.forward(last.get(new NDIndex(":, 0, :")));
        return new CLIPOutput(last, pooled, states);
    }

    public CLIPVisionConfig config() {
        return config;
    }
}
