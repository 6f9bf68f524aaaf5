package org.videoldm.model.clip;

import com.google.gson.JsonObject;
import org.videoldm.io.Kwargs;

/**
 * transformers' {@code CLIPConfig}: a text and a vision config, the shared embedding width both towers project to and the
 * initial (log) temperature of the contrastive logits. Written as the {@code config.json} of a CLIP folder, so a folder
 * made here reads like one made by transformers (and the heads, which the weights do not show, travel with it).
 */
public record CLIPConfig(CLIPTextConfig text_config, CLIPVisionConfig vision_config, int projection_dim, double logit_scale_init_value) {
    /** CLIP's initial temperature: logits are cosines times 1 / 0.07. */
    public static final double LOGIT_SCALE_INIT = Math.log(1 / 0.07);

    public CLIPConfig {
        if (text_config.projection_dim() != projection_dim || vision_config.projection_dim() != projection_dim) {
            throw new IllegalArgumentException("CLIPConfig: projection_dim " + projection_dim + " differs from the towers' (text "
                    + text_config.projection_dim() + ", vision " + vision_config.projection_dim() + ")");
        }
    }

    public static CLIPConfig fromJson(JsonObject json) {
        Kwargs k = new Kwargs(json, "CLIPConfig");
        int proj = k.getInt("projection_dim", 512);
        JsonObject text = json.has("text_config") ? json.getAsJsonObject("text_config").deepCopy() : new JsonObject();
        JsonObject vision = json.has("vision_config") ? json.getAsJsonObject("vision_config").deepCopy() : new JsonObject();
        // transformers gives both towers the top-level projection_dim
        text.addProperty("projection_dim", proj);
        vision.addProperty("projection_dim", proj);
        return new CLIPConfig(CLIPTextConfig.fromJson(text), CLIPVisionConfig.fromJson(vision), proj,
                k.getDouble("logit_scale_init_value", LOGIT_SCALE_INIT));
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model_type", "clip");
        o.add("text_config", text_config.toJson());
        o.add("vision_config", vision_config.toJson());
        o.addProperty("projection_dim", projection_dim);
        o.addProperty("logit_scale_init_value", logit_scale_init_value);
        return o;
    }
}
