package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Module;

/**
 * transformers' {@code CLIPTextModel}: the Stable Diffusion 1.x text encoder. Its keys are
 * {@code text_model.*}; SD 1.x checkpoints hold them under {@code cond_stage_model.transformer.}.
 */
public final class CLIPTextModel extends Module {
    private final CLIPTextTransformer textModel;

    public CLIPTextModel(NDManager m, CLIPTextConfig config) {
        super(m);
        textModel = register("text_model", new CLIPTextTransformer(m, config));
    }

    /** input_ids [B, L] give last_hidden_state [B, L, D], pooled output [B, D] and all hidden states. */
    public CLIPOutput forward(NDArray inputIds) {
        return textModel.forward(inputIds);
    }

    public CLIPTextTransformer textModel() {
        return textModel;
    }

    public CLIPTextConfig config() {
        return textModel.config();
    }
}
