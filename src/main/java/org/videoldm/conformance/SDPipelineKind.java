package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.videoldm.diffusion.DiffusionEngine;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.model.clip.CLIPTokenizer;
import org.videoldm.model.clip.CLIPWeights;
import org.videoldm.model.clip.FrozenCLIPEmbedder;
import org.videoldm.pipeline.StableDiffusionPipeline;

/** A whole SD 1.x text-to-image run (sgm's DiffusionEngine with CLIP text conditioning) from one checkpoint. */
final class SDPipelineKind implements FixtureKind {
    @Override
    public String name() {
        return "StableDiffusionPipeline";
    }

    @Override
    public boolean accepts(Fixture f) {
        JsonObject kw = f.kwargs();
        return f.reference().contains("DiffusionEngine") && kw.has("unet") && kw.has("first_stage") && kw.has("text_encoder")
                && kw.has("tokenizer") && kw.has("denoiser") && kw.has("sampler");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        JsonObject kw = f.kwargs();
        UNetModel unet = new UNetModel(m, UNetConfig.fromJson(kw.getAsJsonObject("unet")));
        AutoencoderKL firstStage = AutoencoderKL.fromJson(m, kw.getAsJsonObject("first_stage"));
        CLIPTextModel textModel = new CLIPTextModel(m, CLIPTextConfig.fromJson(kw.getAsJsonObject("text_encoder")));
        Path checkpoint = f.dir().resolve(checkpointFile(f.config()));
        StableDiffusionPipeline.loadNetworks(checkpoint, unet, firstStage);
        CLIPWeights.load(textModel, checkpoint, FrozenCLIPEmbedder.SD_PREFIX);
        JsonObject tok = kw.getAsJsonObject("tokenizer");
        CLIPTokenizer tokenizer = CLIPTokenizer.fromFiles(f.dir().resolve(tok.get("vocab_file").getAsString()),
                f.dir().resolve(tok.get("merges_file").getAsString()));
        DiffusionEngine engine = DiffusionEngine.fromConfig(new OpenAIWrapper(unet), kw);
        StableDiffusionPipeline pipeline = new StableDiffusionPipeline(new FrozenCLIPEmbedder(tokenizer, textModel), unet, firstStage, engine);

        JsonElement negative = f.constant("negative_prompt");
        StableDiffusionPipeline.Result r = pipeline.generate(m, prompts(f), negative == null ? "" : negative.getAsString(),
                f.input("noise"), 0, true, null);
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("out.input_ids", r.inputIds());
        out.put("out.text_embeddings", r.textEmbeddings());
        out.put("out.sigmas", m.create(r.sigmas()));
        out.put("out.latents_step1", r.latentsPerStep().get(0));
        out.put("out.latents", r.latents());
        out.put("out.images", r.images());
        return out;
    }

    private static String checkpointFile(JsonObject config) {
        if (config.has("checkpoint") && config.getAsJsonObject("checkpoint").has("file")) {
            return config.getAsJsonObject("checkpoint").get("file").getAsString();
        }
        return "model.safetensors";
    }

    private static List<String> prompts(Fixture f) {
        JsonElement p = f.constant("prompts");
        if (p == null && f.call().has("prompts")) {
            p = f.call().get("prompts");
        }
        if (p == null || !p.isJsonArray()) {
            throw new IllegalArgumentException(f.dir() + "/config.json: call.constants.prompts is missing");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement e : (JsonArray) p) {
            out.add(e.getAsString());
        }
        return out;
    }
}
