package org.videoldm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.TestPaths;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.pipeline.TextToVideoInit;

/** Config inference on an SD-layout checkpoint none of the fixtures has: other widths, depths, levels and attention placement. */
class StableDiffusionCheckpointTest {
    static final String UNET = """
            {"in_channels": 4, "out_channels": 4, "model_channels": 32, "channel_mult": [1, 1, 2], "num_res_blocks": 2,
             "attention_resolutions": [1, 4], "num_head_channels": 32, "transformer_depth": [1, 1, 2], "context_dim": 48,
             "use_linear_in_transformer": true}""";
    static final String FIRST_STAGE = """
            {"embed_dim": 3, "ddconfig": {"double_z": true, "z_channels": 3, "resolution": 32, "in_channels": 3, "out_ch": 3, "ch": 32,
             "ch_mult": [1, 2, 2], "num_res_blocks": 2, "attn_resolutions": [8]}}""";

    @TempDir
    Path dir;

    @Test
    void recoversAnUnseenConfigurationFromShapes() {
        Path file = dir.resolve("other-sd.safetensors");
        UNetConfig unet = UNetConfig.fromJson(JsonParser.parseString(UNET).getAsJsonObject());
        JsonObject firstStage = JsonParser.parseString(FIRST_STAGE).getAsJsonObject();
        CLIPTextConfig text = CLIPTextConfig.fromJson(JsonParser.parseString("""
                {"vocab_size": 949, "hidden_size": 48, "intermediate_size": 96, "num_hidden_layers": 3, "num_attention_heads": 2,
                 "max_position_embeddings": 77, "bos_token_id": 947, "eos_token_id": 948, "pad_token_id": 948}""").getAsJsonObject());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> all = new LinkedHashMap<>();
            new UNetModel(m, unet).stateDict().forEach((k, v) -> all.put("model.diffusion_model." + k, v));
            AutoencoderKL.fromJson(m, firstStage).stateDict().forEach((k, v) -> all.put("first_stage_model." + k, v));
            new CLIPTextModel(m, text).stateDict().forEach((k, v) -> all.put("cond_stage_model.transformer." + k, v));
            all.put("cond_stage_model.transformer.text_model.embeddings.position_ids", m.arange(77).reshape(1, 77));
            all.put("model_ema.decay", m.create(0.9999f)); // released checkpoints carry more than the three networks
            SafetensorsWriter.write(file, all, Map.of());
        }

        StableDiffusionCheckpoint.Configs c = StableDiffusionCheckpoint.infer(file, new StableDiffusionCheckpoint.Heads(null, null, 2));
        UNetConfig got = UNetConfig.fromJson(c.unet());
        JsonObject want = unet.toJson();
        want.addProperty("transformer_depth_middle", 2);
        assertEquals(want, got.toJson(), "UNet config (the assumed 32-channel heads hold here)");
        assertTrue(c.assumptions().stream().anyMatch(a -> a.contains("num_head_channels 32")), c.assumptions().toString());

        assertEquals(3, c.firstStage().get("embed_dim").getAsInt());
        DDConfig dd = DDConfig.fromJson(c.firstStage().getAsJsonObject("ddconfig"));
        assertEquals(32, dd.ch());
        assertArrayEquals(new int[] {1, 2, 2}, dd.ch_mult());
        assertEquals(2, dd.num_res_blocks());
        assertEquals(3, dd.z_channels());
        // resolution 256 is assumed: attention at 8 of 32 is the same level as 64 of 256
        assertArrayEquals(new int[] {64}, dd.attn_resolutions());

        JsonObject t = c.text().toJson();
        JsonObject wt = text.toJson();
        t.remove("projection_dim");
        wt.remove("projection_dim");
        assertEquals(wt, t, "text encoder config");

        // the inferred configs load the checkpoint strictly, and make a folder
        Path out = dir.resolve("t2v");
        TextToVideoInit.run(file, TestPaths.conformance().resolve("clip_tokenizer"), out,
                new TextToVideoInit.Options(new StableDiffusionCheckpoint.Heads(null, null, 2), new int[] {32, 32}, 4, 0, true));
        try (NDManager m = NDManager.newBaseManager()) {
            VideoUNet v = SavedNetwork.load(out.resolve("video_ldm.safetensors"), m).module(VideoUNet.class);
            assertEquals(want, v.config().toJson());
            assertEquals(4, SavedNetwork.load(out.resolve("video_ldm.safetensors"), m).frames().getAsInt());
        }
    }

    @Test
    void aContextWidthTheTextEncoderDoesNotGiveIsAnError() {
        Path file = dir.resolve("mismatch.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> all = new LinkedHashMap<>();
            new UNetModel(m, UNetConfig.fromJson(JsonParser.parseString(UNET).getAsJsonObject())).stateDict().forEach((k, v) -> all.put("model.diffusion_model." + k, v));
            AutoencoderKL.fromJson(m, JsonParser.parseString(FIRST_STAGE).getAsJsonObject()).stateDict().forEach((k, v) -> all.put("first_stage_model." + k, v));
            new CLIPTextModel(m, CLIPTextConfig.fromJson(JsonParser.parseString("""
                    {"vocab_size": 949, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 1, "num_attention_heads": 2}""")
                    .getAsJsonObject())).stateDict().forEach((k, v) -> all.put("cond_stage_model.transformer." + k, v));
            SafetensorsWriter.write(file, all, Map.of());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StableDiffusionCheckpoint.infer(file, StableDiffusionCheckpoint.Heads.assumed()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("48-wide context") && e.getMessage().contains("64"), e.getMessage());
    }
}
