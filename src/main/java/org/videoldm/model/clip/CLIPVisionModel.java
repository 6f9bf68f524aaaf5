package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Module;

/** transformers' {@code CLIPVisionModel}: {@code vision_model.*} only, no projection. */
public final class CLIPVisionModel extends Module {
    private final CLIPVisionTransformer visionModel;

    public CLIPVisionModel(NDManager m, CLIPVisionConfig config) {
        super(m);
        visionModel = register("vision_model", new CLIPVisionTransformer(m, config));
    }

    public CLIPOutput forward(NDArray pixelValues) {
        return visionModel.forward(pixelValues);
    }
}
