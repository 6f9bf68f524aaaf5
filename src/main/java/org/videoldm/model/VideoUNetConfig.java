package org.videoldm.model;

import com.google.gson.JsonObject;
import org.videoldm.io.Kwargs;
import org.videoldm.temporal.AlphaBlender;

/**
 * The constructor arguments of the reference's {@code VideoUNet}: the image UNet's ({@link UNetConfig}) plus
 * the temporal ones, under the reference's names. {@code video_kernel_size} given as an int k means
 * k x k x k. {@code time_downup} only acts on 3D UNets in the reference, so it changes nothing here (dims 2).
 *
 * <p>Unlike the reference, {@code context_dim} may be null, for unconditional models (our driving models): the
 * cross-attention layers then attend to the features themselves, as the image UNet's do without a context.
 */
public record VideoUNetConfig(
        UNetConfig unet,
        Integer time_context_dim,
        boolean extra_ff_mix_layer,
        boolean use_spatial_context,
        String merge_strategy,
        double merge_factor,
        long[] video_kernel_size,
        boolean disable_temporal_crossattention,
        int max_ddpm_temb_period,
        boolean time_downup) {

    /** Image-UNet kwargs that the reference VideoUNet does not take. */
    private static final String[] NOT_VIDEO_KWARGS = {
        "disable_self_attentions", "num_attention_blocks", "disable_middle_self_attn", "disable_middle_transformer"};

    public VideoUNetConfig {
        if (unet.disable_self_attentions() != null || unet.num_attention_blocks() != null || unet.disable_middle_self_attn()
                || unet.disable_middle_transformer()) {
            throw new IllegalArgumentException("VideoUNet config: the video UNet has no disable_self_attentions, num_attention_blocks, "
                    + "disable_middle_self_attn or disable_middle_transformer");
        }
        if (video_kernel_size.length != 3) {
            throw new IllegalArgumentException("VideoUNet config: video_kernel_size needs 3 entries (t, h, w), got " + video_kernel_size.length);
        }
        AlphaBlender.Strategy.parse(merge_strategy);
    }

    /** The reference's defaults for the temporal kwargs (fixed merge at 0.5, 3x3x3 kernels) on an image UNet config. */
    public static VideoUNetConfig defaults(UNetConfig unet) {
        return new VideoUNetConfig(unet, null, false, false, "fixed", 0.5, new long[] {3, 3, 3}, false, 10000, false);
    }

    /** Stable Video Diffusion's temporal settings: learned_with_images at 0, [3, 1, 1] kernels, spatial context, ff_in. */
    public static VideoUNetConfig svd(UNetConfig unet) {
        return new VideoUNetConfig(unet, null, true, true, "learned_with_images", 0.0, new long[] {3, 1, 1}, false, 10000, false);
    }

    /** The full-size network of Stable Video Diffusion (configs/inference/svd.yaml). */
    public static VideoUNetConfig stableVideoDiffusion() {
        return fromJson(com.google.gson.JsonParser.parseString("""
                {"adm_in_channels": 768, "num_classes": "sequential", "in_channels": 8, "out_channels": 4, "model_channels": 320,
                 "attention_resolutions": [4, 2, 1], "num_res_blocks": 2, "channel_mult": [1, 2, 4, 4], "num_head_channels": 64,
                 "use_linear_in_transformer": true, "transformer_depth": 1, "context_dim": 1024, "extra_ff_mix_layer": true,
                 "use_spatial_context": true, "merge_strategy": "learned_with_images", "video_kernel_size": [3, 1, 1]}""").getAsJsonObject());
    }

    /**
     * Video LDM's temporal layers over an image UNet: a learned per-layer alpha (logit 0, alpha 0.5;
     * {@code learned_with_images}, so frames marked as images skip the temporal path), [3, 1, 1] temporal convolutions,
     * an extra feed-forward before temporal attention, temporal attention without context.
     */
    public static VideoUNetConfig videoLDM(UNetConfig unet) {
        return new VideoUNetConfig(unet, null, true, false, "learned_with_images", 0.0, new long[] {3, 1, 1}, false, 10000, false);
    }

    public VideoUNetConfig withMerge(String strategy, double factor) {
        return new VideoUNetConfig(unet, time_context_dim, extra_ff_mix_layer, use_spatial_context, strategy, factor, video_kernel_size,
                disable_temporal_crossattention, max_ddpm_temb_period, time_downup);
    }

    public AlphaBlender.Strategy strategy() {
        return AlphaBlender.Strategy.parse(merge_strategy);
    }

    /** From the reference kwargs (one flat object, as VideoUNet takes them). */
    public static VideoUNetConfig fromJson(JsonObject json) {
        for (String key : NOT_VIDEO_KWARGS) {
            if (json.has(key)) {
                throw new IllegalArgumentException("VideoUNet config: kwarg '" + key + "' is not a VideoUNet argument");
            }
        }
        Kwargs k = new Kwargs(json, "VideoUNet config");
        return new VideoUNetConfig(
                UNetConfig.fromJson(json),
                k.getIntOrNull("time_context_dim"),
                k.getBool("extra_ff_mix_layer", false),
                k.getBool("use_spatial_context", false),
                k.getString("merge_strategy", "fixed"),
                k.getDouble("merge_factor", 0.5),
                k.getKernel("video_kernel_size", new long[] {3, 3, 3}),
                k.getBool("disable_temporal_crossattention", false),
                k.getInt("max_ddpm_temb_period", 10000),
                k.getBool("time_downup", false));
    }

    public JsonObject toJson() {
        JsonObject o = unet.toJson();
        for (String key : NOT_VIDEO_KWARGS) {
            o.remove(key);
        }
        if (time_context_dim != null) {
            o.addProperty("time_context_dim", time_context_dim);
        }
        o.addProperty("extra_ff_mix_layer", extra_ff_mix_layer);
        o.addProperty("use_spatial_context", use_spatial_context);
        o.addProperty("merge_strategy", merge_strategy);
        o.addProperty("merge_factor", merge_factor);
        o.add("video_kernel_size", Kwargs.array(video_kernel_size));
        o.addProperty("disable_temporal_crossattention", disable_temporal_crossattention);
        o.addProperty("max_ddpm_temb_period", max_ddpm_temb_period);
        o.addProperty("time_downup", time_downup);
        return o;
    }
}
