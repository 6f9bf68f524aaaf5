package org.videoldm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.ContextGuider;
import org.videoldm.diffusion.ContextMask;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.IdentityGuider;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetSurgery;
import org.videoldm.model.VideoUNet;
import org.videoldm.train.Scale;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;

/** The prediction model's rollout: what reaches the network, the first window, context guidance. */
class LongVideoPipelineTest {
    static final int T = 4;
    static final Shape FRAME = new Shape(4, 8, 8);
    static NDManager manager;
    static VideoUNet unet;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(5);
        UNetConfig c = UNetConfig.fromJson(JsonParser.parseString("""
                {"in_channels": 4, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1, "attention_resolutions": [2],
                 "channel_mult": [1, 2], "num_head_channels": 16}""").getAsJsonObject());
        // A prediction model as the stage builds it: a video UNet with 4 + 1 extra input channels, whose new
        // weights are made non-zero here so that the context matters.
        unet = UNetSurgery.widenInput(manager, new VideoUNet(manager, Scale.TOY.videoUNet(c)), 5);
        NDArray w = unet.stateDict().get(UNetSurgery.INPUT_CONV + ".weight");
        w.set(new ai.djl.ndarray.index.NDIndex(":, 4:"), manager.randomNormal(new Shape(32, 5, 3, 3)).mul(0.3f));
        NDArray out = unet.stateDict().get("out.2.weight"); // zero at initialisation: the output would not depend on anything
        org.videoldm.io.StateDict.assign(out, manager.randomNormal(out.getShape()).mul(0.05f));
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static final Denoiser DENOISER = new Denoiser(new EDMScaling());

    static LongVideoPipeline.Options options(double guidance, long seed) {
        // one video per network call, so the calls can be read video by video; batching has its own test
        return LongVideoPipeline.Options.defaults().withSampling(new VideoLDMPipeline.Options("euler", 2, seed, 1)).withContextGuidance(guidance);
    }

    static LongVideoPipeline pipeline(org.videoldm.diffusion.DiffusionNetwork net) {
        return new LongVideoPipeline(net, DENOISER, T, FRAME).progress(Progress.Mode.QUIET);
    }

    @Test
    void masksReachTheNetworkExactly() {
        try (NDManager m = manager.newSubManager()) {
            RecordingNetwork rec = new RecordingNetwork(new OpenAIWrapper(unet), m);
            LongVideoPipeline p = pipeline(rec);
            int videos = 2;
            NDArray video = p.latents(m, videos, 8, null, options(2.0, 3), null, null);
            assertEquals(new Shape(videos * 8L).addAll(FRAME), video.getShape());
            NDArray v = video.reshape(new Shape(videos, 8).addAll(FRAME));
            // Windows: frames 0-3 from nothing, then 4-5 and 6-7 each after the two frames before them.
            assertEquals(3, p.windows(8, options(2.0, 3), false));
            List<RecordingNetwork.Call> calls = rec.calls;
            assertEquals(videos * 2 * 3, calls.size(), "two Euler steps per window, three windows per video");
            int[] contextStart = {2, 4};
            for (int b = 0; b < videos; b++) {
                for (int c = 0; c < 2; c++) {
                    RecordingNetwork.Call first = calls.get(6 * b + c);
                    assertEquals(T, first.rows(), "the first window has no context, so no guidance batch");
                    assertEquals(0f, first.concat().abs().max().getFloat(), "nothing is given in the first window");
                }
                for (int w = 1; w <= 2; w++) {
                    for (int c = 0; c < 2; c++) {
                        RecordingNetwork.Call call = calls.get(6 * b + 2 * w + c);
                        assertEquals(2L * T, call.rows(), "context guidance: unconditional and conditional halves");
                        NDArray uncond = call.concat().get("0:" + T);
                        NDArray cond = call.concat().get(T + ":");
                        assertEquals(0f, uncond.abs().max().getFloat(), "the unconditional branch drops the context (S = 0)");
                        for (int t = 0; t < T; t++) {
                            float mask = t < 2 ? 1f : 0f;
                            NDArray row = cond.get(t);
                            assertArrayEquals(manager.full(new Shape(1, 8, 8), mask).toFloatArray(), row.get("4:5").toFloatArray(), 0f);
                            NDArray expected = t < 2 ? v.get(b + "," + (contextStart[w - 1] + t)) : v.get(b + ",0").zerosLike();
                            assertArrayEquals(expected.toFloatArray(), row.get("0:4").toFloatArray(), 0f,
                                    "window " + w + " video " + b + " frame " + t + ": the masked latents are the previous frames");
                        }
                    }
                }
            }
        }
    }

    @Test
    void firstWindowIsAPlainSampleWithTheSameSeed() {
        try (NDManager m = manager.newSubManager()) {
            LongVideoPipeline p = pipeline(new OpenAIWrapper(unet));
            long seed = 42;
            NDArray longVideo = p.latents(m, 2, 10, null, options(3.0, seed), null, null).get("10:");
            assertEquals(new Shape(10).addAll(FRAME), longVideo.getShape());
            Conditioning cond = Conditioning.none().withVideo(T, m.zeros(new Shape(1, T))).withConcat(ContextMask.none(m, 1, T, FRAME));
            // Video 1 of the call: its seed is derived from (seed, 1), its first window's from that and 0.
            NDArray plain = Samplers.create("euler", 2, null)
                    .sample(DENOISER.bind(new OpenAIWrapper(unet)), m, new Shape(T).addAll(FRAME), cond, null, Seeds.derive(Seeds.derive(seed, 1), 0), null);
            assertArrayEquals(plain.toFloatArray(), longVideo.get("0:" + T).toFloatArray(), 0f);
            assertTrue(longVideo.get(T + ":").sub(longVideo.get("0:6")).abs().max().getFloat() > 0.01f, "later windows are new frames");
        }
    }

    @Test
    void contextGuidanceAtScaleOneIsNoGuidance() {
        try (NDManager m = manager.newSubManager()) {
            NDArray context = m.randomNormal(new Shape(4, 4, 8, 8));
            Conditioning cond = Conditioning.none().withVideo(T, m.zeros(new Shape(2, T))).withConcat(ContextMask.fromContext(context, 2, T));
            NDArray noise = m.randomNormal(new Shape(2 * T).addAll(FRAME));
            var den = DENOISER.bind(new OpenAIWrapper(unet));
            NDArray none = Samplers.create("heun", 3, new IdentityGuider()).progress(Progress.Mode.QUIET).sample(den, noise, cond, null);
            NDArray one = Samplers.create("heun", 3, new ContextGuider(1.0)).progress(Progress.Mode.QUIET).sample(den, noise, cond, null);
            NDArray strong = Samplers.create("heun", 3, new ContextGuider(3.0)).progress(Progress.Mode.QUIET).sample(den, noise, cond, null);
            float scale = none.abs().max().getFloat();
            assertTrue(one.sub(none).abs().max().getFloat() <= 1e-5f * scale, "scale 1 reproduces the conditional prediction");
            assertTrue(strong.sub(none).abs().max().getFloat() > 1e-2f * scale, "scale 3 pushes away from the context-free prediction");
        }
    }

    @Test
    void batchedRolloutsAreTheSameVideos() {
        try (NDManager m = manager.newSubManager()) {
            LongVideoPipeline p = pipeline(new OpenAIWrapper(unet));
            LongVideoPipeline.Options one = options(2.0, 9);
            LongVideoPipeline.Options three = one.withSampling(one.sampling().withBatch(3));
            NDArray start = m.randomNormal(new Shape(6).addAll(FRAME));
            NDArray single = p.latents(m, 3, 8, start, one, null, null);
            NDArray batched = p.latents(m, 3, 8, start, three, null, null);
            float diff = batched.sub(single).abs().max().getFloat();
            assertTrue(diff < 1e-4f, "batched vs one by one: " + diff);
            assertTrue(batched.get("8:16").sub(batched.get("16:24")).abs().max().getFloat() > 1e-2f, "videos of a batch differ");
        }
    }

    @Test
    void givenContextStartsTheVideo() {
        try (NDManager m = manager.newSubManager()) {
            LongVideoPipeline p = pipeline(new OpenAIWrapper(unet));
            NDArray start = m.randomNormal(new Shape(2).addAll(FRAME));
            List<Integer> done = new ArrayList<>();
            NDArray video = p.latents(m, 1, 7, start, options(2.0, 1), (w, d, n) -> done.add(d), null);
            assertEquals(new Shape(7).addAll(FRAME), video.getShape());
            assertArrayEquals(start.toFloatArray(), video.get("0:2").toFloatArray(), 0f);
            assertEquals(List.of(4, 6, 7), done);
        }
    }
}
