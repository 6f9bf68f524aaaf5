package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Linear;
import org.videoldm.nn.Module;
import org.videoldm.util.Seeds;

/**
 * transformers' {@code CLIPModel}: both towers, their projections into the shared embedding space and the learned
 * log-temperature {@code logit_scale} (a 0-dim tensor). Keys are transformers' ({@code text_model.*}, {@code vision_model.*},
 * {@code visual_projection.weight}, {@code text_projection.weight}, {@code logit_scale}), so a folder written from it is read
 * by {@link CLIPWeights} like any released CLIP, and released CLIP weights load into it.
 */
public final class CLIPModel extends Module {
    private final CLIPConfig config;
    private final CLIPTextTransformer textModel;
    private final CLIPVisionTransformer visionModel;
    private final Linear visualProjection;
    private final Linear textProjection;
    private final NDArray logitScale;

    public CLIPModel(NDManager m, CLIPConfig c) {
        super(m);
        config = c;
        textModel = register("text_model", new CLIPTextTransformer(m, c.text_config()));
        visionModel = register("vision_model", new CLIPVisionTransformer(m, c.vision_config()));
        visualProjection = register("visual_projection", new Linear(m, c.vision_config().hidden_size(), c.projection_dim(), false));
        textProjection = register("text_projection", new Linear(m, c.text_config().hidden_size(), c.projection_dim(), false));
        logitScale = param("logit_scale", m.create((float) c.logit_scale_init_value()));
    }

    public CLIPConfig config() {
        return config;
    }

    /** Projected pooled text features [B, projection_dim], not normalised. */
    public NDArray textEmbeds(NDArray inputIds) {
        return textProjection.forward(textModel.forward(inputIds).pooledOutput());
    }

    /** Projected pooled image features [B, projection_dim], not normalised. */
    public NDArray imageEmbeds(NDArray pixelValues) {
        return visualProjection.forward(visionModel.forward(pixelValues).pooledOutput());
    }

    /** The log-temperature (0-dim): logits are cosines times exp(logit_scale). */
    public NDArray logitScale() {
        return logitScale;
    }

    /**
     * Re-draws the embeddings with transformers' {@code CLIPPreTrainedModel._init_weights} spreads (factor 1): tokens 0.02,
     * text positions 0.01, class token and patch positions width^-0.5. The modules' N(0, 1) defaults suit loading weights,
     * not training from scratch: token vectors of norm ~sqrt(width) would drown the positions.
     */
    public void initForTraining(long seed) {
        int tw = config.text_config().hidden_size();
        int vw = config.vision_config().hidden_size();
        redraw("text_model.embeddings.token_embedding.weight", 0.02f, seed, 1);
        redraw("text_model.embeddings.position_embedding.weight", 0.01f, seed, 2);
        redraw("vision_model.embeddings.class_embedding", (float) Math.pow(vw, -0.5), seed, 3);
        redraw("vision_model.embeddings.position_embedding.weight", 0.02f, seed, 4);
        redraw("visual_projection.weight", (float) Math.pow(vw, -0.5), seed, 5);
        redraw("text_projection.weight", (float) Math.pow(tw, -0.5), seed, 6);
    }

    private void redraw(String key, float std, long seed, long stream) {
        NDArray p = namedParameters().get(key).getArray();
        try (NDManager scratch = manager.newSubManager()) {
            float[] v = Seeds.normal(scratch, p.getShape(), Seeds.derive(seed, 0xC11F, stream)).toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] *= std;
            }
            p.set(v);
        }
    }
}
