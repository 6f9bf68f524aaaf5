package org.videoldm.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.videoldm.io.StateDict;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.model.autoencoder.Decoder;
import org.videoldm.nn.Module;

/** Configs inferred from a network's tensor shapes rebuild a network with exactly those tensors. */
class ShapeInferenceTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static Map<String, Shape> shapes(Module m) {
        Map<String, Shape> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.getShape()));
        return out;
    }

    private static void roundTrip(Module original, ShapeInference.Inferred inferred, String expectModule) {
        assertEquals(expectModule, inferred.module());
        try (NDManager scratch = manager.newSubManager()) {
            Module rebuilt = CheckpointInspector.build(scratch, inferred);
            assertNull(StateDict.mismatch(rebuilt, shapes(original), "test"), inferred.kwargs().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // updown, no context, per-level res blocks
        """
        {"in_channels": 5, "model_channels": 32, "out_channels": 3, "num_res_blocks": [1, 2], "attention_resolutions": [1, 2],
         "channel_mult": [1, 2], "num_head_channels": 16, "resblock_updown": true, "num_classes": "sequential", "adm_in_channels": 12}""",
        // no conv resampling, partial attention, disabled self-attention, integer classes, three levels
        """
        {"in_channels": 4, "model_channels": 32, "out_channels": 4, "num_res_blocks": 2, "attention_resolutions": [1, 4],
         "channel_mult": [1, 2, 2], "num_heads": 4, "context_dim": 24, "conv_resample": false, "num_attention_blocks": [1, 2, 2],
         "disable_self_attentions": [true, false, false], "disable_middle_self_attn": true, "num_classes": 10, "transformer_depth": [2, 1, 3]}""",
        // linear projections, scale-shift norm, no middle transformer
        """
        {"in_channels": 4, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1, "attention_resolutions": [2],
         "channel_mult": [1, 2], "num_head_channels": 32, "context_dim": 16, "use_linear_in_transformer": true,
         "use_scale_shift_norm": true, "disable_middle_transformer": true}"""})
    void imageUNets(String json) {
        UNetModel u = new UNetModel(manager, UNetConfig.fromJson(JsonParser.parseString(json).getAsJsonObject()));
        roundTrip(u, ShapeInference.unet(shapes(u)), "UNetModel");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        """
        {"in_channels": 8, "model_channels": 32, "out_channels": 4, "num_res_blocks": 2, "attention_resolutions": [2, 4],
         "channel_mult": [1, 2, 2], "num_head_channels": 16, "context_dim": 24, "use_linear_in_transformer": true,
         "use_spatial_context": true, "merge_strategy": "learned_with_images", "video_kernel_size": [3, 1, 1], "resblock_updown": true}""",
        """
        {"in_channels": 4, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1, "attention_resolutions": [1],
         "channel_mult": [1, 2], "num_head_channels": 16, "context_dim": 24, "time_context_dim": 12, "video_kernel_size": 3,
         "merge_strategy": "fixed", "transformer_depth": 2}""",
        """
        {"in_channels": 4, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1, "attention_resolutions": [1],
         "channel_mult": [1], "num_heads": 2, "context_dim": 24, "disable_temporal_crossattention": true, "video_kernel_size": [5, 3, 3]}"""})
    void videoUNets(String json) {
        VideoUNet u = new VideoUNet(manager, VideoUNetConfig.fromJson(JsonParser.parseString(json).getAsJsonObject()));
        ShapeInference.Inferred inf = ShapeInference.unet(shapes(u));
        roundTrip(u, inf, "VideoUNet");
        JsonObject kw = inf.kwargs();
        assertEquals(u.videoConfig().video_kernel_size()[0], kw.getAsJsonArray("video_kernel_size").get(0).getAsLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv-only", "attn-only", "all", "image"})
    void decoders(String mode) {
        DDConfig dd = DDConfig.fromJson(JsonParser.parseString("""
                {"double_z": true, "z_channels": 8, "resolution": 32, "in_channels": 3, "out_ch": 3, "ch": 32,
                 "ch_mult": [1, 2, 4], "num_res_blocks": 2, "attn_resolutions": [16], "dropout": 0.0}""").getAsJsonObject());
        Module d = mode.equals("image") ? new Decoder(manager, dd)
                : new VideoDecoder(manager, new VideoDecoderConfig(dd, new long[] {3, 1, 1}, 0.0, "learned", mode));
        roundTrip(d, ShapeInference.decoder(shapes(d)), mode.equals("image") ? "Decoder" : "VideoDecoder");
    }
}
