package org.videoldm.model.clip;

import com.google.gson.JsonObject;
import org.videoldm.io.Kwargs;

/**
 * transformers' {@code CLIPTextConfig}, field names as its kwargs; defaults are those of the class
 * (the ViT-B/32 text tower). SD 1.x uses ViT-L/14's text tower: {@link #sd15()}.
 */
public record CLIPTextConfig(
        int vocab_size,
        int hidden_size,
        int intermediate_size,
        int projection_dim,
        int num_hidden_layers,
        int num_attention_heads,
        int max_position_embeddings,
        String hidden_act,
        double layer_norm_eps,
        int pad_token_id,
        int bos_token_id,
        int eos_token_id) {

    public static CLIPTextConfig fromJson(JsonObject json) {
        Kwargs k = new Kwargs(json, "CLIPTextConfig");
        CLIPTextConfig c = new CLIPTextConfig(
                k.getInt("vocab_size", 49408),
                k.getInt("hidden_size", 512),
                k.getInt("intermediate_size", 2048),
                k.getInt("projection_dim", 512),
                k.getInt("num_hidden_layers", 12),
                k.getInt("num_attention_heads", 8),
                k.getInt("max_position_embeddings", 77),
                k.getString("hidden_act", "quick_gelu"),
                k.getDouble("layer_norm_eps", 1e-5),
                k.getInt("pad_token_id", 1),
                k.getInt("bos_token_id", 49406),
                k.getInt("eos_token_id", 49407));
        if (c.hidden_size % c.num_attention_heads != 0) {
            throw new IllegalArgumentException("CLIPTextConfig: hidden_size " + c.hidden_size + " is not divisible by num_attention_heads " + c.num_attention_heads);
        }
        CLIPActivation.of(c.hidden_act);
        return c;
    }

    /** The kwargs, as {@link #fromJson} reads them. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("vocab_size", vocab_size);
        o.addProperty("hidden_size", hidden_size);
        o.addProperty("intermediate_size", intermediate_size);
        o.addProperty("projection_dim", projection_dim);
        o.addProperty("num_hidden_layers", num_hidden_layers);
        o.addProperty("num_attention_heads", num_attention_heads);
        o.addProperty("max_position_embeddings", max_position_embeddings);
        o.addProperty("hidden_act", hidden_act);
        o.addProperty("layer_norm_eps", layer_norm_eps);
        o.addProperty("pad_token_id", pad_token_id);
        o.addProperty("bos_token_id", bos_token_id);
        o.addProperty("eos_token_id", eos_token_id);
        return o;
    }

    /** The same config with another head count (heads do not show in the weights' shapes). */
    public CLIPTextConfig withHeads(int heads) {
        JsonObject o = toJson();
        o.addProperty("num_attention_heads", heads);
        return fromJson(o);
    }

    /** openai/clip-vit-large-patch14's text tower, the Stable Diffusion 1.x text encoder. */
    public static CLIPTextConfig sd15() {
        return new CLIPTextConfig(49408, 768, 3072, 768, 12, 12, 77, "quick_gelu", 1e-5, 1, 49406, 49407);
    }
}
