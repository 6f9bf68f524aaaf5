package org.videoldm.model;

import com.google.gson.JsonObject;
import org.videoldm.io.Kwargs;

/**
 * The constructor arguments of the reference's {@code UNetModel}, under its own names, so a reference
 * config (or a fixture's {@code kwargs}) builds the same network. Lists that the reference accepts as an
 * int or a per-level list are stored per level.
 *
 * @param num_classes null, an integer class count ("123"), "sequential", "timestep" or "continuous"
 * @param context_dim the cross-attention context width (the first entry when a list was given)
 * @param context_dims the per-block list when {@code context_dim} was given as a list, else null
 */
public record UNetConfig(
        int in_channels,
        int model_channels,
        int out_channels,
        int[] num_res_blocks,
        int[] attention_resolutions,
        int[] channel_mult,
        boolean conv_resample,
        int dims,
        String num_classes,
        int num_heads,
        int num_head_channels,
        boolean use_scale_shift_norm,
        boolean resblock_updown,
        int[] transformer_depth,
        Integer transformer_depth_middle,
        Integer context_dim,
        boolean[] disable_self_attentions,
        int[] num_attention_blocks,
        boolean disable_middle_self_attn,
        boolean disable_middle_transformer,
        boolean use_linear_in_transformer,
        Integer adm_in_channels,
        int[] context_dims) {

    public UNetConfig {
        if (num_heads == -1 && num_head_channels == -1) {
            throw new IllegalArgumentException("UNet config: either num_heads or num_head_channels has to be set");
        }
        if (dims != 2) {
            throw new IllegalArgumentException("UNet config: only dims 2 is supported, got " + dims);
        }
        if ("sequential".equals(num_classes) && adm_in_channels == null) {
            throw new IllegalArgumentException("UNet config: num_classes 'sequential' needs adm_in_channels");
        }
        if (disable_self_attentions != null && disable_self_attentions.length != channel_mult.length) {
            throw new IllegalArgumentException("UNet config: disable_self_attentions needs one entry per level");
        }
        if (num_attention_blocks != null) {
            if (num_attention_blocks.length != channel_mult.length) {
                throw new IllegalArgumentException("UNet config: num_attention_blocks needs one entry per level");
            }
            for (int i = 0; i < num_attention_blocks.length; i++) {
                if (num_attention_blocks[i] > num_res_blocks[i]) {
                    throw new IllegalArgumentException("UNet config: num_attention_blocks[" + i + "] exceeds num_res_blocks");
                }
            }
        }
    }

    public int timeEmbedDim() {
        return model_channels * 4;
    }

    public int levels() {
        return channel_mult.length;
    }

    public boolean attentionAt(int ds) {
        for (int r : attention_resolutions) {
            if (r == ds) {
                return true;
            }
        }
        return false;
    }

    /** Heads and head width at a level of {@code ch} channels, as the reference computes them. */
    public int[] headsFor(int ch) {
        if (num_head_channels == -1) {
            return new int[] {num_heads, ch / num_heads};
        }
        return new int[] {ch / num_head_channels, num_head_channels};
    }

    public static UNetConfig fromJson(JsonObject json) {
        Kwargs k = new Kwargs(json, "UNet config");
        int[] mult = k.getIntList("channel_mult", new int[] {1, 2, 4, 8});
        int levels = mult.length;
        boolean[] dsa = null;
        if (k.has("disable_self_attentions")) {
            var a = json.getAsJsonArray("disable_self_attentions");
            dsa = new boolean[a.size()];
            for (int i = 0; i < dsa.length; i++) {
                dsa[i] = a.get(i).getAsBoolean();
            }
        }
        // SpatialTransformer accepts one context width per transformer block.
        int[] contextDims = k.has("context_dim") && json.get("context_dim").isJsonArray() ? k.getIntList("context_dim", null) : null;
        if (contextDims != null && contextDims.length == 0) {
            throw new IllegalArgumentException("UNet config: kwarg 'context_dim' is an empty list");
        }
        String numClasses = k.has("num_classes") ? json.get("num_classes").getAsString() : null;
        String attnType = k.getString("spatial_transformer_attn_type", "softmax");
        if (!attnType.startsWith("softmax")) {
            throw new IllegalArgumentException("UNet config: spatial_transformer_attn_type '" + attnType + "' is not supported (softmax or softmax-xformers)");
        }
        if (k.getDouble("dropout", 0.0) != 0.0) {
            // Dropout is off in every released config of this family; training here does not use it.
            throw new IllegalArgumentException("UNet config: dropout other than 0 is not supported");
        }
        return new UNetConfig(
                k.requireInt("in_channels"),
                k.requireInt("model_channels"),
                k.requireInt("out_channels"),
                k.getIntPerLevel("num_res_blocks", 2, levels),
                k.getIntList("attention_resolutions", new int[0]),
                mult,
                k.getBool("conv_resample", true),
                k.getInt("dims", 2),
                numClasses,
                k.getInt("num_heads", -1),
                k.getInt("num_head_channels", -1),
                k.getBool("use_scale_shift_norm", false),
                k.getBool("resblock_updown", false),
                k.getIntPerLevel("transformer_depth", 1, levels),
                k.getIntOrNull("transformer_depth_middle"),
                contextDims == null ? k.getIntOrNull("context_dim") : Integer.valueOf(contextDims[0]),
                dsa,
                k.has("num_attention_blocks") ? k.getIntList("num_attention_blocks", null) : null,
                k.getBool("disable_middle_self_attn", false),
                k.getBool("disable_middle_transformer", false),
                k.getBool("use_linear_in_transformer", false),
                k.getIntOrNull("adm_in_channels"),
                contextDims);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("in_channels", in_channels);
        o.addProperty("model_channels", model_channels);
        o.addProperty("out_channels", out_channels);
        o.add("num_res_blocks", Kwargs.array(num_res_blocks));
        o.add("attention_resolutions", Kwargs.array(attention_resolutions));
        o.add("channel_mult", Kwargs.array(channel_mult));
        o.addProperty("conv_resample", conv_resample);
        o.addProperty("dims", dims);
        if (num_classes != null) {
            o.addProperty("num_classes", num_classes);
        }
        o.addProperty("num_heads", num_heads);
        o.addProperty("num_head_channels", num_head_channels);
        o.addProperty("use_scale_shift_norm", use_scale_shift_norm);
        o.addProperty("resblock_updown", resblock_updown);
        o.add("transformer_depth", Kwargs.array(transformer_depth));
        if (transformer_depth_middle != null) {
            o.addProperty("transformer_depth_middle", transformer_depth_middle);
        }
        if (context_dims != null) {
            o.add("context_dim", Kwargs.array(context_dims));
        } else if (context_dim != null) {
            o.addProperty("context_dim", context_dim);
        }
        if (disable_self_attentions != null) {
            o.add("disable_self_attentions", Kwargs.bools(disable_self_attentions));
        }
        if (num_attention_blocks != null) {
            o.add("num_attention_blocks", Kwargs.array(num_attention_blocks));
        }
        o.addProperty("disable_middle_self_attn", disable_middle_self_attn);
        o.addProperty("disable_middle_transformer", disable_middle_transformer);
        o.addProperty("use_linear_in_transformer", use_linear_in_transformer);
        if (adm_in_channels != null) {
            o.addProperty("adm_in_channels", adm_in_channels);
        }
        return o;
    }
}
