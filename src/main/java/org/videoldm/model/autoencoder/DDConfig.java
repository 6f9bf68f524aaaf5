package org.videoldm.model.autoencoder;

import com.google.gson.JsonObject;
import org.videoldm.io.Kwargs;

/** The autoencoder's {@code ddconfig} (Encoder/Decoder kwargs) under the reference's names. */
public record DDConfig(int ch, int out_ch, int[] ch_mult, int num_res_blocks, int[] attn_resolutions, boolean resamp_with_conv,
        int in_channels, int resolution, int z_channels, boolean double_z, String attn_type, boolean tanh_out) {

    public DDConfig {
        if (!"vanilla".equals(attn_type) && !"none".equals(attn_type) && !"vanilla-xformers".equals(attn_type)) {
            throw new IllegalArgumentException("autoencoder config: attn_type '" + attn_type + "' is not supported (vanilla, vanilla-xformers, none)");
        }
    }

    public static DDConfig fromJson(JsonObject json) {
        Kwargs k = new Kwargs(json, "ddconfig");
        if (k.getDouble("dropout", 0.0) != 0.0) {
            throw new IllegalArgumentException("ddconfig: dropout other than 0 is not supported");
        }
        if (k.getBool("use_linear_attn", false)) {
            throw new IllegalArgumentException("ddconfig: use_linear_attn is not supported");
        }
        if (k.getBool("give_pre_end", false)) {
            throw new IllegalArgumentException("ddconfig: give_pre_end is not supported");
        }
        return new DDConfig(
                k.requireInt("ch"), k.requireInt("out_ch"), k.getIntList("ch_mult", new int[] {1, 2, 4, 8}),
                k.requireInt("num_res_blocks"), k.getIntList("attn_resolutions", new int[0]), k.getBool("resamp_with_conv", true),
                k.requireInt("in_channels"), k.requireInt("resolution"), k.requireInt("z_channels"), k.getBool("double_z", true),
                k.getString("attn_type", "vanilla"), k.getBool("tanh_out", false));
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("ch", ch);
        o.addProperty("out_ch", out_ch);
        o.add("ch_mult", Kwargs.array(ch_mult));
        o.addProperty("num_res_blocks", num_res_blocks);
        o.add("attn_resolutions", Kwargs.array(attn_resolutions));
        o.addProperty("resamp_with_conv", resamp_with_conv);
        o.addProperty("in_channels", in_channels);
        o.addProperty("resolution", resolution);
        o.addProperty("z_channels", z_channels);
        o.addProperty("double_z", double_z);
        o.addProperty("attn_type", attn_type);
        o.addProperty("tanh_out", tanh_out);
        o.addProperty("dropout", 0.0);
        return o;
    }

    boolean attentionAt(int res) {
        for (int r : attn_resolutions) {
            if (r == res) {
                return true;
            }
        }
        return false;
    }

    /** Spatial downsampling factor between images and latents. */
    public int downFactor() {
        return 1 << (ch_mult.length - 1);
    }
}
