package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.VideoDecoder;
import org.videoldm.model.VideoDecoderConfig;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.model.autoencoder.Encoder;

/** A tiny checkpoint in the SVD layout: inspect recognises its networks and they load with the inferred configs. */
class InspectCommandTest {
    static NDManager manager;
    @TempDir Path tmp;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static VideoUNetConfig tinySvd() {
        return VideoUNetConfig.svd(UNetConfig.fromJson(JsonParser.parseString("""
                {"in_channels": 8, "model_channels": 32, "out_channels": 4, "num_res_blocks": 2, "attention_resolutions": [2, 1],
                 "channel_mult": [1, 2, 2], "num_head_channels": 32, "context_dim": 16, "use_linear_in_transformer": true,
                 "num_classes": "sequential", "adm_in_channels": 12}""").getAsJsonObject()));
    }

    static DDConfig tinyDD() {
        return DDConfig.fromJson(JsonParser.parseString("""
                {"double_z": true, "z_channels": 4, "resolution": 32, "in_channels": 3, "out_ch": 3, "ch": 32,
                 "ch_mult": [1, 2, 2], "num_res_blocks": 1, "attn_resolutions": [], "dropout": 0.0}""").getAsJsonObject());
    }

    private Path svdLayoutCheckpoint(VideoUNet unet, VideoDecoder decoder) {
        Map<String, NDArray> all = new LinkedHashMap<>();
        unet.stateDict().forEach((k, v) -> all.put("model.diffusion_model." + k, v));
        decoder.stateDict().forEach((k, v) -> all.put("first_stage_model.decoder." + k, v));
        new Encoder(manager, tinyDD()).stateDict().forEach((k, v) -> all.put("first_stage_model.encoder." + k, v));
        all.put("conditioner.embedders.0.open_clip.model.positional_embedding", manager.zeros(new Shape(5, 8)));
        all.put("conditioner.embedders.0.open_clip.model.visual.proj", manager.zeros(new Shape(8, 4)));
        Path p = tmp.resolve("svd_tiny.safetensors");
        SafetensorsWriter.write(p, all, Map.of("format", "pt"));
        return p;
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf));
        try {
            assertEquals(0, Main.run(args), buf.toString());
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @Test
    void recognisesTheSvdNetworksAndTheirGroups() {
        VideoUNet unet = new VideoUNet(manager, tinySvd());
        VideoDecoder decoder = new VideoDecoder(manager, VideoDecoderConfig.svd(tinyDD()));
        String out = run("inspect", svdLayoutCheckpoint(unet, decoder).toString());
        assertTrue(out.matches("(?s).*\\nmodel\\.diffusion_model\\s+\\d+\\s+" + String.format("%,d", unet.parameterCount()) + "\\s+F32.*"), out);
        assertTrue(out.matches("(?s).*\\nconditioner\\.embedders\\.0\\s+2\\s+72\\s+F32.*"), out);
        assertTrue(out.matches("(?s).*model\\.diffusion_model\\.\\s+VideoUNet\\s+[\\d,]+\\s+fits \\(strict\\).*"), out);
        assertTrue(out.matches("(?s).*first_stage_model\\.decoder\\.\\s+VideoDecoder\\s+[\\d,]+\\s+fits \\(strict\\).*"), out);
        assertTrue(out.matches("(?s).*first_stage_model\\.encoder\\.\\s+Encoder\\s+[\\d,]+\\s+fits \\(strict\\).*"), out);
        assertTrue(out.contains("\"time_mode\":\"conv-only\"") && out.contains("\"video_kernel_size\":[3,1,1]"), out);
        assertTrue(out.contains("\"channel_mult\":[1,2,2]") && out.contains("\"num_res_blocks\":2") && out.contains("\"attention_resolutions\":[1,2]"), out);
    }

    @Test
    void networksLoadFromTheCheckpointWithInferredConfigs() {
        VideoUNet unet = new VideoUNet(manager, tinySvd());
        VideoDecoder decoder = new VideoDecoder(manager, VideoDecoderConfig.svd(tinyDD()));
        Path ckpt = svdLayoutCheckpoint(unet, decoder);
        VideoUNet u2 = VideoUNet.fromCheckpoint(manager, ckpt);
        VideoDecoder d2 = VideoDecoder.fromCheckpoint(manager, ckpt);
        int frames = 3;
        NDArray x = manager.randomNormal(new Shape(frames, 8, 8, 8));
        NDArray t = manager.randomUniform(0f, 1f, new Shape(frames));
        NDArray ctx = manager.randomNormal(new Shape(frames, 1, 16));
        NDArray y = manager.randomNormal(new Shape(frames, 12));
        assertTrue(u2.forwardVideo(x, t, ctx, y, frames).sub(unet.forwardVideo(x, t, ctx, y, frames)).abs().max().getFloat() < 1e-5);
        NDArray z = manager.randomNormal(new Shape(frames, 4, 4, 4));
        assertTrue(d2.forward(z, frames).sub(decoder.forward(z, frames)).abs().max().getFloat() < 1e-5);
    }

    @Test
    void aMismatchIsReportedWithTheKeys() {
        Map<String, NDArray> sd = new LinkedHashMap<>(new VideoDecoder(manager, VideoDecoderConfig.svd(tinyDD())).stateDict());
        sd.put("mid.block_1.time_stack.extra.weight", manager.zeros(new Shape(2)));
        Path p = tmp.resolve("odd.safetensors");
        SafetensorsWriter.write(p, sd, Map.of());
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf));
        int code;
        try {
            code = Main.run("inspect", p.toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(1, code);
        assertTrue(buf.toString().contains("unexpected") && buf.toString().contains("mid.block_1.time_stack.extra.weight"), buf.toString());
    }
}
