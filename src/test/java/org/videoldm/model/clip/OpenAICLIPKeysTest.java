package org.videoldm.model.clip;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.videoldm.TestPaths;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.io.StateDict;

/**
 * The fixtures' transformers weights are rewritten here, by hand, into OpenAI's layout (fused in_proj,
 * x @ P projections, OpenAI's names); loading that file must give the same outputs.
 */
class OpenAICLIPKeysTest {
    static Path fixture(String name) {
        return TestPaths.conformance().resolve(name);
    }

    static JsonObject kwargs(String name) throws Exception {
        return JsonParser.parseString(Files.readString(fixture(name).resolve("config.json"))).getAsJsonObject().getAsJsonObject("kwargs");
    }

    /** transformers names to OpenAI names, written independently of OpenAICLIPKeys. */
    static Map<String, NDArray> toOpenAI(Map<String, NDArray> hf, int layers, String tower, String openaiPrefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < layers; i++) {
            String h = tower + ".encoder.layers." + i + ".";
            String o = openaiPrefix + "transformer.resblocks." + i + ".";
            for (String kind : new String[] {"weight", "bias"}) {
                out.put(o + "attn.in_proj_" + kind, NDArrays.concat(new NDList(
                        hf.get(h + "self_attn.q_proj." + kind), hf.get(h + "self_attn.k_proj." + kind), hf.get(h + "self_attn.v_proj." + kind)), 0));
                out.put(o + "attn.out_proj." + kind, hf.get(h + "self_attn.out_proj." + kind));
                out.put(o + "ln_1." + kind, hf.get(h + "layer_norm1." + kind));
                out.put(o + "ln_2." + kind, hf.get(h + "layer_norm2." + kind));
                out.put(o + "mlp.c_fc." + kind, hf.get(h + "mlp.fc1." + kind));
                out.put(o + "mlp.c_proj." + kind, hf.get(h + "mlp.fc2." + kind));
            }
        }
        return out;
    }

    static Map<String, NDArray> readAll(Path file, NDManager m) {
        Map<String, NDArray> t = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String k : f.keys()) {
                t.put(k, f.get(k, m));
            }
        }
        return t;
    }

    @Test
    void openAILayoutGivesTheSameTextAndImageEmbeddings() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            CLIPTextConfig tc = CLIPTextConfig.fromJson(kwargs("clip_text_projection"));
            CLIPVisionConfig vc = CLIPVisionConfig.fromJson(kwargs("clip_vision"));
            Map<String, NDArray> text = readAll(fixture("clip_text_projection").resolve("weights.safetensors"), m);
            Map<String, NDArray> vision = readAll(fixture("clip_vision").resolve("weights.safetensors"), m);

            Map<String, NDArray> openai = new LinkedHashMap<>(toOpenAI(text, tc.num_hidden_layers(), "text_model", ""));
            openai.put("token_embedding.weight", text.get("text_model.embeddings.token_embedding.weight"));
            openai.put("positional_embedding", text.get("text_model.embeddings.position_embedding.weight"));
            openai.put("ln_final.weight", text.get("text_model.final_layer_norm.weight"));
            openai.put("ln_final.bias", text.get("text_model.final_layer_norm.bias"));
            openai.put("text_projection", text.get("text_projection.weight").transpose().duplicate());
            openai.putAll(toOpenAI(vision, vc.num_hidden_layers(), "vision_model", "visual."));
            openai.put("visual.class_embedding", vision.get("vision_model.embeddings.class_embedding"));
            openai.put("visual.conv1.weight", vision.get("vision_model.embeddings.patch_embedding.weight"));
            openai.put("visual.positional_embedding", vision.get("vision_model.embeddings.position_embedding.weight"));
            openai.put("visual.ln_pre.weight", vision.get("vision_model.pre_layrnorm.weight"));
            openai.put("visual.ln_pre.bias", vision.get("vision_model.pre_layrnorm.bias"));
            openai.put("visual.ln_post.weight", vision.get("vision_model.post_layernorm.weight"));
            openai.put("visual.ln_post.bias", vision.get("vision_model.post_layernorm.bias"));
            openai.put("visual.proj", vision.get("visual_projection.weight").transpose().duplicate());
            openai.put("logit_scale", m.create(new float[] {4.6052f}));
            Path file = Files.createTempDirectory("openai-clip").resolve("model.safetensors");
            SafetensorsWriter.write(file, openai, Map.of());

            Map<String, NDArray> io = readAll(fixture("clip_text_projection").resolve("io.safetensors"), m);
            Map<String, NDArray> vio = readAll(fixture("clip_vision").resolve("io.safetensors"), m);

            CLIPTextModelWithProjection hfText = new CLIPTextModelWithProjection(m, tc);
            StateDict.load(hfText, fixture("clip_text_projection").resolve("weights.safetensors"), "");
            CLIPTextModelWithProjection oaText = new CLIPTextModelWithProjection(m, tc);
            CLIPWeights.load(oaText, file, "");
            NDArray a = hfText.textEmbeds(io.get("in.input_ids"));
            NDArray b = oaText.textEmbeds(io.get("in.input_ids"));
            assertTrue(a.allClose(b, 1e-6, 1e-6, false), "text embeddings differ");
            assertTrue(b.allClose(io.get("out.text_embeds"), 1e-4, 1e-4, false));

            CLIPVisionModelWithProjection oaVision = new CLIPVisionModelWithProjection(m, vc);
            CLIPWeights.load(oaVision, file, "");
            assertTrue(oaVision.imageEmbeds(vio.get("in.pixel_values")).allClose(vio.get("out.image_embeds"), 1e-4, 1e-4, false));

            // Shapes read off the OpenAI file rebuild the towers' configs.
            Map<String, NDArray> mapped = CLIPWeights.read(file, "", m);
            assertEquals(tc.hidden_size(), CLIPWeights.inferText(mapped).hidden_size());
            assertEquals(tc.projection_dim(), CLIPWeights.inferText(mapped).projection_dim());
            assertEquals(vc.patch_size(), CLIPWeights.inferVision(mapped).patch_size());
            assertEquals(vc.image_size(), CLIPWeights.inferVision(mapped).image_size());
            assertEquals(vc.num_hidden_layers(), CLIPWeights.inferVision(mapped).num_hidden_layers());
        }
    }

    @Test
    void sdCheckpointPrefixLoadsTheTextEncoderAndEmbedderEncodes() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> text = readAll(fixture("clip_text").resolve("weights.safetensors"), m);
            Map<String, NDArray> ckpt = new LinkedHashMap<>();
            text.forEach((k, v) -> ckpt.put(FrozenCLIPEmbedder.SD_PREFIX + k, v));
            ckpt.put("model.diffusion_model.out.0.weight", m.zeros(new ai.djl.ndarray.types.Shape(4)));
            Path file = Files.createTempDirectory("sd").resolve("sd.safetensors");
            SafetensorsWriter.write(file, ckpt, Map.of());
            JsonObject cfg = JsonParser.parseString(Files.readString(fixture("clip_text").resolve("config.json"))).getAsJsonObject();
            FrozenCLIPEmbedder emb = FrozenCLIPEmbedder.load(m, fixture("clip_tokenizer"), file, FrozenCLIPEmbedder.SD_PREFIX,
                    CLIPTextConfig.fromJson(cfg.getAsJsonObject("kwargs")));
            java.util.List<String> prompts = new java.util.ArrayList<>();
            cfg.getAsJsonObject("call").getAsJsonArray("prompts").forEach(p -> prompts.add(p.getAsString()));
            Map<String, NDArray> io = readAll(fixture("clip_text").resolve("io.safetensors"), m);
            assertArrayEquals(io.get("in.input_ids").toLongArray(), emb.tokenize(m, prompts).toLongArray());
            NDArray ctx = emb.encode(m, prompts);
            assertEquals(new ai.djl.ndarray.types.Shape(2, 77, 64), ctx.getShape());
            assertTrue(ctx.allClose(io.get("out.last_hidden_state"), 1e-4, 1e-4, false));
        }
    }
}
