package org.videoldm.model;

import com.google.gson.JsonObject;
import java.util.Locale;
import org.videoldm.io.Kwargs;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.temporal.AlphaBlender;

/**
 * The constructor arguments of the reference's {@code VideoDecoder}: the decoder's {@code ddconfig} plus
 * {@code video_kernel_size} (an int k means k x k x k), {@code alpha} (initial {@code mix_factor}),
 * {@code merge_strategy} (fixed or learned) and {@code time_mode}.
 */
public record VideoDecoderConfig(DDConfig ddconfig, long[] video_kernel_size, double alpha, String merge_strategy, String time_mode) {

    /** Which layers are temporal: resnet blocks and output conv ({@code conv-only}), attention ({@code attn-only}), or all. */
    public enum TimeMode {
        ALL, CONV_ONLY, ATTN_ONLY;

        public static TimeMode parse(String s) {
            for (TimeMode t : values()) {
                if (t.key().equals(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("VideoDecoder config: time_mode '" + s + "' is not one of all, conv-only, attn-only");
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public boolean temporalResBlocks() {
            return this != ATTN_ONLY;
        }

        public boolean temporalAttention() {
            return this != CONV_ONLY;
        }
    }

    public VideoDecoderConfig {
        if (video_kernel_size.length != 3) {
            throw new IllegalArgumentException("VideoDecoder config: video_kernel_size needs 3 entries (t, h, w), got " + video_kernel_size.length);
        }
        AlphaBlender.Strategy s = AlphaBlender.Strategy.parse(merge_strategy);
        if (s == AlphaBlender.Strategy.LEARNED_WITH_IMAGES) {
            throw new IllegalArgumentException("VideoDecoder config: merge_strategy must be fixed or learned, got learned_with_images");
        }
        TimeMode mode = TimeMode.parse(time_mode);
        if (mode.temporalAttention() && "none".equals(ddconfig.attn_type())) {
            throw new IllegalArgumentException("VideoDecoder config: time_mode '" + time_mode + "' needs attention blocks, but attn_type is 'none'");
        }
    }

    /** The reference's defaults (kernel 3, alpha 0, learned, conv-only) on top of an image decoder's ddconfig. */
    public static VideoDecoderConfig defaults(DDConfig dd) {
        return new VideoDecoderConfig(dd, new long[] {3, 3, 3}, 0.0, "learned", "conv-only");
    }

    /** SVD's first-stage decoder settings: kernel [3, 1, 1], conv-only. */
    public static VideoDecoderConfig svd(DDConfig dd) {
        return new VideoDecoderConfig(dd, new long[] {3, 1, 1}, 0.0, "learned", "conv-only");
    }

    /** The full-size temporal decoder of Stable Video Diffusion (configs/inference/svd.yaml). */
    public static VideoDecoderConfig stableVideoDiffusion() {
        return fromJson(com.google.gson.JsonParser.parseString("""
                {"attn_type": "vanilla", "double_z": true, "z_channels": 4, "resolution": 256, "in_channels": 3, "out_ch": 3,
                 "ch": 128, "ch_mult": [1, 2, 4, 4], "num_res_blocks": 2, "attn_resolutions": [], "dropout": 0.0,
                 "video_kernel_size": [3, 1, 1]}""").getAsJsonObject());
    }

    public TimeMode timeMode() {
        return TimeMode.parse(time_mode);
    }

    public AlphaBlender.Strategy strategy() {
        return AlphaBlender.Strategy.parse(merge_strategy);
    }

    /** From the reference kwargs: ddconfig keys and the temporal keys side by side, as VideoDecoder takes them. */
    public static VideoDecoderConfig fromJson(JsonObject json) {
        Kwargs k = new Kwargs(json, "VideoDecoder config");
        return new VideoDecoderConfig(DDConfig.fromJson(json), k.getKernel("video_kernel_size", new long[] {3, 3, 3}),
                k.getDouble("alpha", 0.0), k.getString("merge_strategy", "learned"), k.getString("time_mode", "conv-only"));
    }

    public JsonObject toJson() {
        JsonObject o = ddconfig.toJson();
        o.add("video_kernel_size", Kwargs.array(video_kernel_size));
        o.addProperty("alpha", alpha);
        o.addProperty("merge_strategy", merge_strategy);
        o.addProperty("time_mode", time_mode);
        return o;
    }
}
