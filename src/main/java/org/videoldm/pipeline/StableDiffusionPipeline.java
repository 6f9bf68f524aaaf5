package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.DiffusionEngine;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.diffusion.SamplerCallback;
import org.videoldm.io.StateDict;
import org.videoldm.model.UNetModel;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.clip.FrozenCLIPEmbedder;

/**
 * Stable Diffusion 1.x text-to-image, as sgm's {@code DiffusionEngine} runs it: prompts and the negative
 * prompt through CLIP's text tower ({@code last_hidden_state}), the sampler with classifier-free
 * guidance (the negative prompt is the unconditional branch), then {@code decode_first_stage}. The
 * same pieces with temporal layers inserted make the paper's text-to-video model.
 */
public final class StableDiffusionPipeline {
    /** Prefixes of the three networks in an SD 1.x checkpoint. */
    public static final String UNET_PREFIX = "model.diffusion_model.";
    public static final String FIRST_STAGE_PREFIX = "first_stage_model.";

    private final FrozenCLIPEmbedder text;
    private final AutoencoderKL firstStage;
    private final DiffusionEngine engine;

    public StableDiffusionPipeline(FrozenCLIPEmbedder text, UNetModel unet, AutoencoderKL firstStage, DiffusionEngine engine) {
        if (!(engine.model() instanceof OpenAIWrapper w) || w.unet() != unet) {
            throw new IllegalArgumentException("the diffusion engine must wrap the given UNet");
        }
        this.text = text;
        this.firstStage = firstStage;
        this.engine = engine;
    }

    /** Loads the UNet and the first stage out of one SD 1.x checkpoint (strictly, under their prefixes). */
    public static void loadNetworks(Path checkpoint, UNetModel unet, AutoencoderKL firstStage) {
        StateDict.load(unet, checkpoint, UNET_PREFIX);
        StateDict.load(firstStage, checkpoint, FIRST_STAGE_PREFIX);
    }

    public FrozenCLIPEmbedder text() {
        return text;
    }

    public DiffusionEngine engine() {
        return engine;
    }

    /** Everything a run produces; {@code latentsPerStep.get(i)} is the sample after step i. */
    public record Result(NDArray inputIds, NDArray textEmbeddings, float[] sigmas, List<NDArray> latentsPerStep, NDArray latents, NDArray images) {}

    /**
     * Generates one image per prompt from {@code noise} [B, C, h, w] (standard normal).
     *
     * @param negativePrompt the unconditional prompt of classifier-free guidance ("" in SD)
     * @param keepSteps whether to keep a copy of the latents after every step (for inspection)
     */
    public Result generate(NDManager m, List<String> prompts, String negativePrompt, NDArray noise, long seed, boolean keepSteps, SamplerCallback callback) {
        if (noise.getShape().get(0) != prompts.size()) {
            throw new IllegalArgumentException("noise has " + noise.getShape().get(0) + " rows for " + prompts.size() + " prompts");
        }
        List<String> all = new ArrayList<>(prompts);
        all.add(negativePrompt);
        NDArray ids = text.tokenize(m, all);
        NDArray emb = text.encode(m, all);
        int b = prompts.size();
        NDArray cond = emb.get("0:" + b);
        NDArray uc = emb.get(b + ":" + (b + 1)).repeat(0, b);
        List<NDArray> steps = new ArrayList<>();
        NDArray latents = engine.sample(noise, Conditioning.crossattn(cond), Conditioning.crossattn(uc), seed, step -> {
            if (keepSteps) {
                NDArray copy = step.x().duplicate();
                copy.attach(m);
                steps.add(copy);
            }
            if (callback != null) {
                callback.onStep(step);
            }
        });
        NDArray images = firstStage.decode(engine.toFirstStage(latents));
        return new Result(ids, emb, engine.sampler().sigmas(), steps, latents, images);
    }
}
