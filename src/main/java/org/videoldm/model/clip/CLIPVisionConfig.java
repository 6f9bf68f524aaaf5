package org.videoldm.model.clip;

import com.google.gson.JsonObject;
import org.videoldm.io.Kwargs;

/** transformers' {@code CLIPVisionConfig}, field names as its kwargs, defaults of the class (ViT-B/32). */
public record CLIPVisionConfig(
        int hidden_size,
        int intermediate_size,
        int projection_dim,
        int num_hidden_layers,
        int num_attention_heads,
        int num_channels,
        int image_size,
        int patch_size,
        String hidden_act,
        double layer_norm_eps) {

    public static CLIPVisionConfig fromJson(JsonObject json) {
        Kwargs k = new Kwargs(json, "CLIPVisionConfig");
        CLIPVisionConfig c = new CLIPVisionConfig(
                k.getInt("hidden_size", 768),
                k.getInt("intermediate_size", 3072),
                k.getInt("projection_dim", 512),
                k.getInt("num_hidden_layers", 12),
                k.getInt("num_attention_heads", 12),
                k.getInt("num_channels", 3),
                k.getInt("image_size", 224),
                k.getInt("patch_size", 32),
                k.getString("hidden_act", "quick_gelu"),
                k.getDouble("layer_norm_eps", 1e-5));
        if (c.hidden_size % c.num_attention_heads != 0) {
            throw new IllegalArgumentException("CLIPVisionConfig: hidden_size " + c.hidden_size + " is not divisible by num_attention_heads " + c.num_attention_heads);
        }
        if (c.image_size % c.patch_size != 0) {
            throw new IllegalArgumentException("CLIPVisionConfig: image_size " + c.image_size + " is not a multiple of patch_size " + c.patch_size);
        }
        CLIPActivation.of(c.hidden_act);
        return c;
    }

    /** The kwargs, as {@link #fromJson} reads them. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("hidden_size", hidden_size);
        o.addProperty("intermediate_size", intermediate_size);
        o.addProperty("projection_dim", projection_dim);
        o.addProperty("num_hidden_layers", num_hidden_layers);
        o.addProperty("num_attention_heads", num_attention_heads);
        o.addProperty("num_channels", num_channels);
        o.addProperty("image_size", image_size);
        o.addProperty("patch_size", patch_size);
        o.addProperty("hidden_act", hidden_act);
        o.addProperty("layer_norm_eps", layer_norm_eps);
        return o;
    }

    /** The same config with another head count (heads do not show in the weights' shapes). */
    public CLIPVisionConfig withHeads(int heads) {
        JsonObject o = toJson();
        o.addProperty("num_attention_heads", heads);
        return fromJson(o);
    }

    public int numPatches() {
        return (image_size / patch_size) * (image_size / patch_size);
    }

    /** openai/clip-vit-large-patch14's image tower. */
    public static CLIPVisionConfig vitL14() {
        return new CLIPVisionConfig(1024, 4096, 768, 24, 16, 3, 224, 14, "quick_gelu", 1e-5);
    }
}
