package org.videoldm.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Module;
import org.videoldm.temporal.TemporalParameters;

/** The paper's construction of a video UNet from a trained image UNet. */
class ImageToVideoTest {
    static NDManager manager;
    @TempDir Path tmp;

    static final int FRAMES = 3;
    static final int VIDEOS = 2;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(7);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static UNetConfig tinyImageConfig() {
        return UNetConfig.fromJson(JsonParser.parseString("""
                {"in_channels": 4, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1,
                 "attention_resolutions": [1, 2], "channel_mult": [1, 2], "num_head_channels": 16,
                 "context_dim": 16, "use_linear_in_transformer": true}""").getAsJsonObject());
    }

    /**
     * Stands in for training: every parameter random and non-zero, including the zero-initialised output
     * layers, drawn as the conformance fixtures draw them (weights N(0,1)/sqrt(fan_in), norm weights near 1).
     */
    static void randomise(Module m) {
        for (Map.Entry<String, NDArray> e : m.stateDict().entrySet()) {
            NDArray p = e.getValue();
            Shape s = p.getShape();
            NDArray v;
            if (s.dimension() >= 2) {
                v = manager.randomNormal(s).div((float) Math.sqrt(s.size() / s.get(0)));
            } else if (e.getKey().contains("norm") && e.getKey().endsWith("weight")) {
                v = manager.randomNormal(s).mul(0.1f).add(1f);
            } else {
                v = manager.randomNormal(s).mul(0.05f);
            }
            StateDict.assign(p, v);
        }
    }

    record Batch(NDArray x, NDArray t, NDArray ctx) {}

    static Batch batch() {
        int n = VIDEOS * FRAMES;
        return new Batch(manager.randomNormal(new Shape(n, 4, 8, 6)), manager.randomUniform(0f, 999f, new Shape(n)),
                manager.randomNormal(new Shape(n, 5, 16)));
    }

    static double relativeDifference(NDArray a, NDArray b) {
        return a.sub(b).norm().getFloat() / b.norm().getFloat();
    }

    @Test
    void allImagesReproduceTheImageUNetAndVideosDiffer() {
        UNetModel image = new UNetModel(manager, tinyImageConfig());
        randomise(image);
        VideoUNet video = VideoUNet.fromImage(manager, image, VideoUNetConfig.svd(tinyImageConfig()));
        Batch in = batch();
        NDArray want = image.forward(in.x(), in.t(), in.ctx(), null);

        NDArray ones = manager.ones(new Shape(VIDEOS, FRAMES));
        NDArray asImages = video.forward(in.x(), in.t(), in.ctx(), null, FRAMES, ones, null);
        assertTrue(asImages.sub(want).abs().max().getFloat() < 1e-5, "image_only_indicator all ones must give the image UNet's output");

        NDArray asVideo = video.forward(in.x(), in.t(), in.ctx(), null, FRAMES, manager.zeros(new Shape(VIDEOS, FRAMES)), null);
        double diff = relativeDifference(asVideo, want);
        System.out.printf("image->video right after conversion (learned_with_images, merge_factor 0): relative L2 difference %.4f%n", diff);
        assertTrue(diff > 1e-3, "with all-zero indicator the temporal layers must act");
    }

    @Test
    void temporalAlignmentTrainsOnlyTheTemporalLayers() {
        UNetModel image = new UNetModel(manager, tinyImageConfig());
        randomise(image);
        VideoUNet video = VideoUNet.fromImage(manager, image, VideoUNetConfig.svd(tinyImageConfig()));
        TemporalParameters.Report r = TemporalParameters.freezeSpatial(video);
        assertEquals(image.parameterCount(), r.spatialCount());
        assertEquals(video.parameterCount(), r.spatialCount() + r.temporalCount());
        assertEquals(r.temporalCount(), r.trainableCount());
        assertFalse(r.trainable().isEmpty());
        for (String k : r.trainable()) {
            assertTrue(k.matches(".*\\.(time_stack|time_mixer|time_pos_embed)\\..*|.*\\.mix_factor"), k);
        }
        // Gradients reach exactly the trainable set.
        Batch in = batch();
        try (var gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(video.forwardVideo(in.x(), in.t(), in.ctx(), null, FRAMES).square().mean());
        }
        for (Map.Entry<String, NDArray> e : video.stateDict().entrySet()) {
            assertEquals(r.trainable().contains(e.getKey()), e.getValue().hasGradient(), e.getKey());
        }
        assertTrue(video.stateDict().get("input_blocks.1.1.time_mixer.mix_factor").getGradient().abs().getFloat(0) > 0);
    }

    @Test
    void convertsFromAnImageCheckpointInTheSdLayout() {
        UNetModel image = new UNetModel(manager, tinyImageConfig());
        randomise(image);
        Path ckpt = tmp.resolve("sd.safetensors");
        StateDict.save(image, ckpt, "model.diffusion_model.", Map.of());
        VideoUNet video = VideoUNet.fromImageCheckpoint(manager, ckpt, "model.diffusion_model.", VideoUNetConfig.svd(tinyImageConfig()));
        String k = "input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight";
        assertTrue(video.stateDict().get(k).contentEquals(image.stateDict().get(k)));
        // Temporal 3D ResBlocks start with a zero output layer, as the reference's zero_module.
        assertEquals(0f, video.stateDict().get("middle_block.0.time_stack.out_layers.3.weight").abs().sum().getFloat());
        assertEquals(0f, video.stateDict().get("middle_block.0.time_mixer.mix_factor").getFloat(0));
    }

    @Test
    void mismatchedConfigsAreNamed() {
        UNetModel image = new UNetModel(manager, tinyImageConfig());
        UNetConfig other = UNetConfig.fromJson(JsonParser.parseString("""
                {"in_channels": 8, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1,
                 "attention_resolutions": [1, 2], "channel_mult": [1, 2], "num_head_channels": 16,
                 "context_dim": 16, "use_linear_in_transformer": true}""").getAsJsonObject());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VideoUNet.fromImage(manager, image, VideoUNetConfig.svd(other)));
        assertTrue(e.getMessage().contains("input_blocks.0.0.weight"), e.getMessage());
    }

    @Test
    void configRoundTripsThroughJson() {
        VideoUNetConfig c = VideoUNetConfig.svd(tinyImageConfig());
        VideoUNetConfig back = VideoUNetConfig.fromJson(c.toJson());
        assertEquals(c.toJson(), back.toJson());
        assertArrayEquals(new long[] {3, 1, 1}, back.video_kernel_size());
        assertEquals("learned_with_images", back.merge_strategy());
    }
}
