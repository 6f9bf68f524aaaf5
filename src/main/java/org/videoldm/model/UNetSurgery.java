package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import java.util.Map;
import org.videoldm.io.StateDict;

/**
 * Changes to a trained UNet's interface that keep what it computes: a wider input for concatenated
 * conditioning (context frames and masks of prediction models, low-resolution frames of upsamplers) and
 * a class embedding for a discrete conditioning (an upsampler's noise level). The new weights are zero,
 * so the converted network gives the original's output whatever the new inputs hold, and training starts
 * from the trained model instead of from scratch (the paper builds its prediction models from the
 * image/video LDM this way). Works for {@link UNetModel} and {@link VideoUNet}.
 */
public final class UNetSurgery {
    /** The input convolution, whose weight [out, in, 3, 3] grows along {@code in}. */
    public static final String INPUT_CONV = "input_blocks.0.0";

    private UNetSurgery() {}

    /**
     * A copy of {@code unet} taking {@code extraChannels} more input channels (appended after the original ones,
     * where {@code OpenAIWrapper} puts {@code concat}), their input-conv weights zero.
     */
    public static <U extends UNetModel> U widenInput(NDManager m, U unet, int extraChannels) {
        if (extraChannels < 1) {
            throw new IllegalArgumentException("widen input: need at least one extra channel, got " + extraChannels);
        }
        JsonObject c = unet.config().toJson();
        c.addProperty("in_channels", unet.config().in_channels() + extraChannels);
        return convert(m, unet, c);
    }

    /**
     * A copy of {@code unet} with a class embedding ({@code num_classes} = {@code classes}, sgm's
     * {@code label_emb}, an {@code nn.Embedding} added to the time embedding) whose rows start at zero.
     */
    public static <U extends UNetModel> U addClassEmbedding(NDManager m, U unet, int classes) {
        if (unet.config().num_classes() != null) {
            throw new IllegalArgumentException("add class embedding: the UNet already has num_classes " + unet.config().num_classes());
        }
        JsonObject c = unet.config().toJson();
        c.addProperty("num_classes", Integer.toString(classes));
        return convert(m, unet, c);
    }

    /**
     * Builds the same kind of network from {@code unetKwargs} (plus the video kwargs of a VideoUNet) and copies
     * every parameter: equal shapes verbatim, a wider input conv into its leading channels, parameters the
     * original lacks as zeros. Anything else is an error naming the key.
     */
    @SuppressWarnings("unchecked")
    private static <U extends UNetModel> U convert(NDManager m, U unet, JsonObject unetKwargs) {
        UNetConfig target = UNetConfig.fromJson(unetKwargs);
        UNetModel out;
        if (unet instanceof VideoUNet v) {
            VideoUNetConfig vc = v.videoConfig();
            out = new VideoUNet(m, new VideoUNetConfig(target, vc.time_context_dim(), vc.extra_ff_mix_layer(), vc.use_spatial_context(),
                    vc.merge_strategy(), vc.merge_factor(), vc.video_kernel_size(), vc.disable_temporal_crossattention(),
                    vc.max_ddpm_temb_period(), vc.time_downup()));
        } else if (unet.getClass() == UNetModel.class) {
            out = new UNetModel(m, target);
        } else {
            throw new IllegalArgumentException("UNet surgery: unsupported network class " + unet.getClass().getName());
        }
        Map<String, NDArray> source = unet.stateDict();
        for (Map.Entry<String, Parameter> e : out.namedParameters().entrySet()) {
            String key = e.getKey();
            NDArray dst = e.getValue().getArray();
            NDArray src = source.get(key);
            try (NDManager scratch = m.newSubManager()) {
                if (src == null) {
                    StateDict.assign(dst, scratch.zeros(dst.getShape(), dst.getDataType()));
                } else if (src.getShape().equals(dst.getShape())) {
                    StateDict.assign(dst, src);
                } else if (key.equals(INPUT_CONV + ".weight")) {
                    NDArray w = scratch.zeros(dst.getShape(), dst.getDataType());
                    w.set(new NDIndex(":, 0:" + src.getShape().get(1)), src);
                    StateDict.assign(dst, w);
                } else {
                    throw new IllegalArgumentException("UNet surgery: " + key + " changes shape from " + src.getShape() + " to " + dst.getShape());
                }
            }
        }
        for (String key : source.keySet()) {
            if (!out.namedParameters().containsKey(key)) {
                throw new IllegalArgumentException("UNet surgery: " + key + " has no place in the converted network");
            }
        }
        return (U) out;
    }
}
