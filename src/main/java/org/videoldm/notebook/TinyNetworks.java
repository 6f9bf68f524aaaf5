package org.videoldm.notebook;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.videoldm.io.StateDict;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.nn.Module;

/**
 * Small random networks for the notebooks' mechanism cells, which show an equation on real library classes in
 * seconds and without trained weights.
 */
public final class TinyNetworks {
    private TinyNetworks() {}

    /** An unconditional image UNet on 4-channel latents: 32 base channels, two levels, attention on the second. */
    public static UNetConfig imageUNetConfig() {
        return UNetConfig.fromJson(JsonParser.parseString("""
                {"in_channels": 4, "out_channels": 4, "model_channels": 32, "channel_mult": [1, 2], "num_res_blocks": 1,
                 "attention_resolutions": [2], "num_head_channels": 16}""").getAsJsonObject());
    }

    /**
     * A tiny image UNet standing in for a trained one: every parameter drawn at random, including the layers the
     * reference initialises to zero (its output conv among them), so that its output depends on its input.
     */
    public static UNetModel imageUNet(NDManager m, long seed) {
        UNetModel unet = new UNetModel(m, imageUNetConfig());
        randomise(unet, k -> true, seed);
        return unet;
    }

    /**
     * As {@link #imageUNet}, with cross-attention on a text context {@code contextDim} wide (a text-to-image UNet in SD's
     * layout), so that its output depends on the prompt's embedding too.
     */
    public static UNetModel textImageUNet(NDManager m, long seed, int contextDim) {
        com.google.gson.JsonObject json = imageUNetConfig().toJson();
        json.addProperty("context_dim", contextDim);
        UNetModel unet = new UNetModel(m, UNetConfig.fromJson(json));
        randomise(unet, k -> true, seed);
        return unet;
    }

    /**
     * Draws the parameters of {@code module} whose state-dict key {@code which} accepts, from {@code seed}: matrices and
     * kernels N(0, 1/fan_in), norm weights N(1, 0.1^2), everything else N(0, 0.05^2).
     */
    public static void randomise(Module module, Predicate<String> which, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        try (NDManager scratch = NDManager.newBaseManager()) {
            for (Map.Entry<String, NDArray> e : module.stateDict().entrySet()) {
                if (!which.test(e.getKey())) {
                    continue;
                }
                Shape s = e.getValue().getShape();
                double std;
                double mean = 0;
                if (s.dimension() >= 2) {
                    std = 1 / Math.sqrt(s.size() / (double) s.get(0));
                } else if (e.getKey().contains("norm") && e.getKey().endsWith("weight")) {
                    mean = 1;
                    std = 0.1;
                } else {
                    std = 0.05;
                }
                float[] v = new float[Math.toIntExact(s.size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (mean + std * rng.nextGaussian());
                }
                StateDict.assign(e.getValue(), scratch.create(v, s));
            }
        }
    }
}
