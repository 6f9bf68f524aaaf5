package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.videoldm.io.Kwargs;

/**
 * The sampling side of sgm's {@code DiffusionEngine}: a network, its denoiser and a sampler (with its guider), plus the
 * first stage's latent scale factor. Pipelines (text-to-image, text-to-video) build it from the reference's kwargs
 * and call {@link #sample}; decoding scales latents by {@code 1 / scale_factor} first ({@link #toFirstStage}).
 */
public final class DiffusionEngine {
    private final DiffusionNetwork model;
    private final Denoiser denoiser;
    private final DiffusionSampler sampler;
    private final double scaleFactor;

    public DiffusionEngine(DiffusionNetwork model, Denoiser denoiser, DiffusionSampler sampler, double scaleFactor) {
        this.model = model;
        this.denoiser = denoiser;
        this.sampler = sampler;
        this.scaleFactor = scaleFactor;
    }

    /**
     * From kwargs holding {@code denoiser} (scaling/discretization config), {@code sampler} (sgm sampler config with
     * its guider) and optionally {@code engine} ({@code scale_factor}, default 1), as the sd_pipeline fixture has them.
     */
    public static DiffusionEngine fromConfig(DiffusionNetwork model, JsonObject kwargs) {
        for (String key : new String[] {"denoiser", "sampler"}) {
            if (!kwargs.has(key)) {
                throw new IllegalArgumentException("diffusion engine config: missing '" + key + "'");
            }
        }
        double scale = kwargs.has("engine") ? new Kwargs(kwargs.getAsJsonObject("engine"), "engine").getDouble("scale_factor", 1.0) : 1.0;
        return new DiffusionEngine(model, DiffusionConfigs.denoiser(kwargs.getAsJsonObject("denoiser")), DiffusionConfigs.sampler(kwargs.get("sampler")), scale);
    }

    public DiffusionSampler sampler() {
        return sampler;
    }

    public Denoiser denoiser() {
        return denoiser;
    }

    public DiffusionNetwork model() {
        return model;
    }

    public double scaleFactor() {
        return scaleFactor;
    }

    /** Latents from the given standard normal noise (not modified); callback and seed as in {@link DiffusionSampler}. */
    public NDArray sample(NDArray noise, Conditioning cond, Conditioning uc, long seed, SamplerCallback callback) {
        return sampler.sample(denoiser.bind(model), noise, cond, uc, seed, callback);
    }

    /** Latents of {@code shape} from noise drawn from {@code seed}: the same seed gives the same latents. */
    public NDArray sample(NDManager manager, Shape shape, Conditioning cond, Conditioning uc, long seed, SamplerCallback callback) {
        return sampler.sample(denoiser.bind(model), manager, shape, cond, uc, seed, callback);
    }

    /** What the first stage decodes: {@code latents / scale_factor} (decode_first_stage). */
    public NDArray toFirstStage(NDArray latents) {
        return Ops.scale(latents, (float) (1.0 / scaleFactor));
    }

    /** Encoder output to diffusion latents: {@code z * scale_factor} (encode_first_stage). */
    public NDArray fromFirstStage(NDArray z) {
        return Ops.scale(z, (float) scaleFactor);
    }
}
