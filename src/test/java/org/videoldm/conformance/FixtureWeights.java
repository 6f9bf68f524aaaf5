package org.videoldm.conformance;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoDecoder;
import org.videoldm.model.VideoDecoderConfig;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.model.clip.CLIPTextModelWithProjection;
import org.videoldm.model.clip.CLIPVisionConfig;
import org.videoldm.model.clip.CLIPVisionModelWithProjection;
import org.videoldm.model.clip.Embedding;
import org.videoldm.nn.GroupNorm;
import org.videoldm.nn.LayerNorm;
import org.videoldm.nn.Module;

/**
 * Rebuilds the conformance fixtures' random weights from the rules their notes state, so the repository carries only
 * each fixture's config and io tensors (a few hundred KB) instead of 21 MB of weights. The rules, in state_dict order
 * from one seeded CPU generator: norm weight {@code 1 + 0.1 N}, norm bias {@code 0.1 N},
 * {@code mix_factor N}, tensors of two or more dims {@code N / sqrt(numel / shape[0])}, other 1-dim tensors
 * {@code 0.05 N}; CLIP's embedding tables and class embedding {@code 0.02 N}. libtorch's CPU generator gives the same draws as the reference's {@code torch.Generator}, so the
 * result is bit for bit the shared files ({@code FixtureWeightsTest} checks digests of every tensor).
 */
final class FixtureWeights {
    private FixtureWeights() {}

    /** Writes the fixture's weights file ({@code weights.safetensors}, or {@code model.safetensors}) into {@code dir}. */
    static void materialise(Path dir, Fixture f, NDManager m) {
        String name = dir.getFileName().toString();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        switch (name) {
            case "unet2d" -> tensors.putAll(draw(new UNetModel(m, UNetConfig.fromJson(f.kwargs())), 0, m));
            case "video_unet" -> tensors.putAll(draw(new VideoUNet(m, VideoUNetConfig.fromJson(f.kwargs())), 0, m));
            case "autoencoder_kl" -> tensors.putAll(draw(AutoencoderKL.fromJson(m, f.kwargs()), 0, m));
            case "video_decoder", "video_decoder_all" -> tensors.putAll(draw(new VideoDecoder(m, VideoDecoderConfig.fromJson(f.kwargs())), 0, m));
            case "clip_text" -> tensors.putAll(draw(new CLIPTextModel(m, CLIPTextConfig.fromJson(f.kwargs())), 0, m));
            case "clip_vision" -> tensors.putAll(draw(new CLIPVisionModelWithProjection(m, CLIPVisionConfig.fromJson(f.kwargs())), 3, m));
            case "clip_text_projection" -> {
                // the text tower is clip_text's (seed 0); the projection alone is drawn from seed 2
                CLIPTextModelWithProjection model = new CLIPTextModelWithProjection(m, CLIPTextConfig.fromJson(f.kwargs()));
                Map<String, NDArray> all = draw(model, 0, m);
                all.remove("text_projection.weight");
                tensors.putAll(all);
                Engine.getInstance().setRandomSeed(2);
                Shape s = new Shape(model.namedParameters().get("text_projection.weight").getArray().getShape().getShape());
                tensors.put("text_projection.weight", m.randomNormal(s).div((float) Math.sqrt(s.size() / s.get(0))));
            }
            case "sd_pipeline" -> {
                JsonObject kw = f.kwargs();
                prefixed(tensors, "model.diffusion_model.", draw(new UNetModel(m, UNetConfig.fromJson(kw.getAsJsonObject("unet"))), 0, m));
                prefixed(tensors, "first_stage_model.", draw(AutoencoderKL.fromJson(m, kw.getAsJsonObject("first_stage")), 1, m));
                prefixed(tensors, "cond_stage_model.transformer.", draw(new CLIPTextModel(m, CLIPTextConfig.fromJson(kw.getAsJsonObject("text_encoder"))), 2, m));
                tensors.replaceAll((k, v) -> v.toType(DataType.FLOAT16, false));
            }
            default -> {
                return; // no weights (discretization, frechet, clip_tokenizer)
            }
        }
        String file = name.equals("sd_pipeline") ? "model.safetensors" : "weights.safetensors";
        SafetensorsWriter.write(dir.resolve(file), tensors, Map.of("fixture", name, "made_by", FixtureWeights.class.getSimpleName()));
    }

    private static void prefixed(Map<String, NDArray> into, String prefix, Map<String, NDArray> tensors) {
        tensors.forEach((k, v) -> into.put(prefix + k, v));
    }

    /** Draws every parameter of {@code net} in registration (state_dict) order from a generator seeded with {@code seed}. */
    static Map<String, NDArray> draw(Module net, long seed, NDManager m) {
        Map<String, String> kind = new LinkedHashMap<>();
        collectKinds("", net, kind);
        Engine.getInstance().setRandomSeed((int) seed);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            String k = e.getKey();
            Shape s = e.getValue().getArray().getShape();
            NDArray n = m.randomNormal(s);
            NDArray w;
            if ("norm".equals(kind.get(k))) {
                w = k.endsWith("weight") ? n.mul(0.1f).add(1f) : n.mul(0.1f);
            } else if ("embedding".equals(kind.get(k)) || k.endsWith("class_embedding")) {
                w = n.mul(0.02f);
            } else if (k.endsWith("mix_factor")) {
                w = n;
            } else if (s.dimension() >= 2) {
                w = n.div((float) Math.sqrt(s.size() / s.get(0)));
            } else {
                w = n.mul(0.05f);
            }
            out.put(k, w);
        }
        return out;
    }

    private static void collectKinds(String prefix, Block block, Map<String, String> out) {
        String kind = block instanceof GroupNorm || block instanceof LayerNorm ? "norm" : block instanceof Embedding ? "embedding" : "";
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + p.getKey(), kind);
        }
        for (Pair<String, Block> c : block.getChildren()) {
            collectKinds(prefix + c.getKey() + ".", c.getValue(), out);
        }
    }
}
