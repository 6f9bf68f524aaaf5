package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Linear;
import org.videoldm.nn.Module;

/** transformers' {@code CLIPVisionModelWithProjection}: {@code vision_model.*} plus {@code visual_projection} (no bias). */
public final class CLIPVisionModelWithProjection extends Module {
    private final CLIPVisionTransformer visionModel;
    private final Linear visualProjection;

    public CLIPVisionModelWithProjection(NDManager m, CLIPVisionConfig config) {
        super(m);
        visionModel = register("vision_model", new CLIPVisionTransformer(m, config));
        visualProjection = register("visual_projection", new Linear(m, config.hidden_size(), config.projection_dim(), false));
    }

    public CLIPOutput forward(NDArray pixelValues) {
        return visionModel.forward(pixelValues);
    }

    /** image_embeds [B, projection_dim]: the projected pooled output, not normalised. */
    public NDArray imageEmbeds(NDArray pixelValues) {
        return project(forward(pixelValues));
    }

    public NDArray project(CLIPOutput out) {
        return visualProjection.forward(out.pooledOutput());
    }

    public CLIPVisionConfig config() {
        return visionModel.config();
    }
}
