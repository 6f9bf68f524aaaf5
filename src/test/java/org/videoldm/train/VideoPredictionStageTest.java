package org.videoldm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.ContextGuider;
import org.videoldm.diffusion.DiffusionSampler;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMDiscretization;
import org.videoldm.diffusion.EulerEDMSampler;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.diffusion.Rollout;
import org.videoldm.diffusion.VScalingWithEDMcNoise;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.util.Progress;

/**
 * The paper's prediction model end to end at toy scale: a VideoUNet taking masked context latents and the mask
 * (4 + 4 + 1 input channels), temporal layers trained with spatial ones frozen and S drawn per video, then a
 * rollout with context guidance.
 */
class VideoPredictionStageTest {
    static final int T = 4;

    @Test
    void trainsTemporalLayersAndRollsOut() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            String cfg = "{\"in_channels\":9,\"model_channels\":32,\"out_channels\":4,\"num_res_blocks\":1,\"attention_resolutions\":[2],"
                    + "\"channel_mult\":[1,2],\"num_head_channels\":16,\"context_dim\":16}";
            VideoUNet unet = new VideoUNet(m, VideoUNetConfig.svd(UNetConfig.fromJson(JsonParser.parseString(cfg).getAsJsonObject())));
            TemporalParameters.freezeSpatial(unet);
            Map<String, byte[]> before = TrainerTest.bytes(unet.stateDict());
            OpenAIWrapper net = new OpenAIWrapper(unet);
            Denoiser den = new Denoiser(new VScalingWithEDMcNoise());
            DiffusionStage stage = new DiffusionStage(net, den, new DiffusionLoss(new EDMSampling(0.7, 1.6), LossWeighting.v()),
                    ctx -> new DiffusionStage.Batch(ctx.normal(new Shape(2 * T, 4, 8, 8)).mul(0.5f),
                            Conditioning.crossattn(ctx.normal(new Shape(2 * T, 3, 16))).withVideo(T, ctx.manager().zeros(new Shape(2, T))), null),
                    DiffusionStage.contextFrames(new double[] {1, 1, 1}));
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(stage, new TrainerConfig().lr(1e-3).emaDecay(0.9).progress(Progress.Mode.QUIET))) {
                double[] last = new double[1];
                t.run(2, (step, loss, lr, g, it, eta) -> last[0] = loss);
                assertTrue(Double.isFinite(last[0]));
            }
            Map<String, byte[]> after = TrainerTest.bytes(unet.stateDict());
            int temporalChanged = 0;
            for (String k : before.keySet()) {
                boolean same = java.util.Arrays.equals(before.get(k), after.get(k));
                if (TemporalParameters.isTemporal(k)) {
                    temporalChanged += same ? 0 : 1;
                } else {
                    assertTrue(same, "spatial parameter " + k + " changed");
                }
            }
            assertTrue(temporalChanged > 0);

            DiffusionSampler sampler = new EulerEDMSampler(new EDMDiscretization(0.002, 80, 7), 2, new ContextGuider(2.0));
            Rollout rollout = new Rollout(sampler, den.bind(net), T, 2);
            Conditioning cond = Conditioning.crossattn(m.zeros(new Shape(T, 3, 16))).withVideo(T, m.zeros(new Shape(1, T)));
            NDArray start = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray video = rollout.generate(m, cond, null, start, 1, new Shape(4, 8, 8), 7, 11, null);
            assertEquals(new Shape(7, 4, 8, 8), video.getShape());
            assertArrayEquals(start.toFloatArray(), video.get("0:2").toFloatArray(), 0f, "the given frames start the video");
            assertTrue(Float.isFinite(video.abs().sum().getFloat()));
        }
    }
}
