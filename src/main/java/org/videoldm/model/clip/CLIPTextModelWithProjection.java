package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Linear;
import org.videoldm.nn.Module;

/** transformers' {@code CLIPTextModelWithProjection}: {@code text_model.*} plus {@code text_projection} (no bias). */
public final class CLIPTextModelWithProjection extends Module {
    private final CLIPTextTransformer textModel;
    private final Linear textProjection;

    public CLIPTextModelWithProjection(NDManager m, CLIPTextConfig config) {
        super(m);
        textModel = register("text_model", new CLIPTextTransformer(m, config));
        textProjection = register("text_projection", new Linear(m, config.hidden_size(), config.projection_dim(), false));
    }

    public CLIPOutput forward(NDArray inputIds) {
        return textModel.forward(inputIds);
    }

    /** text_embeds [B, projection_dim]: the projected pooled output, not normalised. */
    public NDArray textEmbeds(NDArray inputIds) {
        return project(forward(inputIds));
    }

    public NDArray project(CLIPOutput out) {
        return textProjection.forward(out.pooledOutput());
    }

    public CLIPTextTransformer textModel() {
        return textModel;
    }

    public CLIPTextConfig config() {
        return textModel.config();
    }
}
