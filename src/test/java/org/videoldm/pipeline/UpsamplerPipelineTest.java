package org.videoldm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.diffusion.NoiseAugmentation;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.util.Progress;

/** The upsampler's conditioning: the low-resolution frames on the latent grid, their noise level as the class label. */
class UpsamplerPipelineTest {
    static final Shape FRAME = new Shape(4, 8, 16);
    static NDManager manager;
    static UNetModel unet;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(9);
        unet = new UNetModel(manager, UNetConfig.fromJson(JsonParser.parseString("""
                {"in_channels": 7, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1, "attention_resolutions": [],
                 "channel_mult": [1, 2], "num_head_channels": 32, "num_classes": "350"}""").getAsJsonObject()));
        // As if trained: the zero-initialised output layer would make the network's output (and the level) irrelevant.
        NDArray w = unet.stateDict().get("out.2.weight");
        org.videoldm.io.StateDict.assign(w, manager.randomNormal(w.getShape()).mul(0.05f));
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static UpsamplerPipeline pipeline(RecordingNetwork rec) {
        return new UpsamplerPipeline(rec, new Denoiser(new EDMScaling()),
                new ImageConcatWithNoiseAugmentation(NoiseAugmentation.sdUpscaler(350, 0), 8, 16), 1, FRAME, 20, new int[] {16, 32})
                .progress(Progress.Mode.QUIET);
    }

    @Test
    void noiseLevelReachesTheVectorConditioningAndTheLowResolutionFramesTheConcat() {
        try (NDManager m = manager.newSubManager()) {
            RecordingNetwork rec = new RecordingNetwork(new OpenAIWrapper(unet), m);
            UpsamplerPipeline p = pipeline(rec);
            NDArray lowRes = m.randomUniform(-1f, 1f, new Shape(6, 3, 16, 32));
            VideoLDMPipeline.Options s = new VideoLDMPipeline.Options("euler", 2, 5);
            NDArray out = p.latents(m, lowRes, 3, 37, s, null);
            assertEquals(new Shape(6).addAll(FRAME), out.getShape());
            assertEquals(4, rec.calls.size(), "two videos of three frames, two Euler steps each");
            float[] levels = new float[3];
            Arrays.fill(levels, 37f);
            // The 2x2 area average of the frames: the low-resolution image on the latent grid.
            NDArray all = lowRes.reshape(6, 3, 8, 2, 16, 2).mean(new int[] {5}).mean(new int[] {3});
            for (int k = 0; k < rec.calls.size(); k++) {
                RecordingNetwork.Call c = rec.calls.get(k);
                NDArray expected = all.get((k / 2) * 3 + ":" + (k / 2 + 1) * 3);
                assertArrayEquals(levels, c.vector().toFloatArray(), 0f);
                assertEquals(1, c.frames(), "the image upsampler treats frames independently");
                // sqrt(abar_37) ~ 0.998, sqrt(1 - abar_37) ~ 0.06: close to the frames, but noised.
                float err = c.concat().sub(expected).abs().max().getFloat();
                assertTrue(err < 0.35f && err > 0.01f, "augmented conditioning off by " + err);
            }
            NDArray clean = p.latents(m, lowRes, 3, 0, s, null);
            assertEquals(new Shape(6).addAll(FRAME), clean.getShape());
            float err0 = rec.calls.get(4).concat().sub(all.get("0:3")).abs().max().getFloat();
            assertTrue(err0 < 0.06f, "level 0 leaves the frames almost clean, off by " + err0);
            assertThrows(IllegalArgumentException.class, () -> p.latents(m, lowRes, 3, 350, s, null));
        }
    }

    @Test
    void differentLevelsGiveDifferentSamples() {
        try (NDManager m = manager.newSubManager()) {
            // A trained class embedding makes the level matter; here random rows do.
            UpsamplerPipeline p = pipeline(new RecordingNetwork(new OpenAIWrapper(unet), m));
            NDArray lowRes = m.randomUniform(-1f, 1f, new Shape(2, 3, 16, 32));
            VideoLDMPipeline.Options s = new VideoLDMPipeline.Options("euler", 2, 5);
            NDArray a = p.latents(m, lowRes, 2, 10, s, null);
            NDArray b = p.latents(m, lowRes, 2, 10, s, null);
            NDArray c = p.latents(m, lowRes, 2, 200, s, null);
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f, "same seed and level, same result");
            assertTrue(a.sub(c).abs().max().getFloat() > 1e-3f);
        }
    }

    @Test
    void spaceToDepthKeepsEveryInputPixelOnTheGrid() {
        try (NDManager m = manager.newSubManager()) {
            Engine.getInstance().setRandomSeed(4);
            UNetModel wide = new UNetModel(m, UNetConfig.fromJson(JsonParser.parseString("""
                    {"in_channels": 16, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1, "attention_resolutions": [],
                     "channel_mult": [1, 2], "num_head_channels": 32, "num_classes": "350"}""").getAsJsonObject()));
            RecordingNetwork rec = new RecordingNetwork(new OpenAIWrapper(wide), m);
            ImageConcatWithNoiseAugmentation cond = new ImageConcatWithNoiseAugmentation(NoiseAugmentation.sdUpscaler(350, 0), 8, 16, 2);
            assertEquals(12, cond.channels());
            UpsamplerPipeline p = new UpsamplerPipeline(rec, new Denoiser(new EDMScaling()), cond, 1, FRAME, 20, new int[] {16, 32})
                    .withScale(2, 2).progress(Progress.Mode.QUIET);
            NDArray lowRes = m.randomUniform(-1f, 1f, new Shape(2, 3, 16, 32));
            p.latents(m, lowRes, 2, 0, new VideoLDMPipeline.Options("euler", 1, 5), null);
            NDArray concat = rec.calls.get(0).concat();
            assertEquals(new Shape(2, 12, 8, 16), concat.getShape());
            // channel c*4 + i*2 + j at (y, x) holds pixel (2y + i, 2x + j) of colour c; level 0 adds almost no noise
            float[] in = lowRes.toFloatArray();
            float[] out = concat.toFloatArray();
            float worst = 0;
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            for (int y = 0; y < 8; y++) {
                                for (int x = 0; x < 16; x++) {
                                    float a = out[((n * 12 + c * 4 + i * 2 + j) * 8 + y) * 16 + x];
                                    float b = in[((n * 3 + c) * 16 + 2 * y + i) * 32 + 2 * x + j];
                                    worst = Math.max(worst, Math.abs(a - b));
                                }
                            }
                        }
                    }
                }
            }
            assertTrue(worst < 0.06f, "off by " + worst);
            // inputs of another size go onto their own grid; sizes off the grid are refused with the rule
            NDArray bigger = m.randomUniform(-1f, 1f, new Shape(1, 3, 32, 64));
            assertEquals(new Shape(1, 4, 16, 32), p.latents(m, bigger, 1, 0, new VideoLDMPipeline.Options("euler", 1, 5), null).getShape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.latents(m, m.zeros(new Shape(1, 3, 18, 32)), 1, 0, new VideoLDMPipeline.Options("euler", 1, 5), null));
            assertTrue(e.getMessage().contains("height must be a multiple of 4"), e.getMessage());
        }
    }
}
