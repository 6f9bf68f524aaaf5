package org.videoldm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.ContextGuider;
import org.videoldm.diffusion.ContextLabelGuider;
import org.videoldm.diffusion.ContextLabelGuider.Order;
import org.videoldm.diffusion.ContextMask;
import org.videoldm.diffusion.DenoiseFunction;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.Guider;
import org.videoldm.diffusion.IdentityGuider;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.diffusion.Rollout;
import org.videoldm.diffusion.VanillaCFG;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.UNetSurgery;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.notebook.TinyNetworks;
import org.videoldm.train.stages.LabelConditioning;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;

/**
 * Context and label guidance in rollouts, on a tiny random label-conditioned prediction model: the identities the
 * combined guider must meet, what reaches the network in each window, and label guidance 1 as today's rollout.
 */
class RolloutLabelGuidanceTest {
    static final int T = 4;
    static final Shape FRAME = new Shape(4, 8, 8);
    static final Denoiser DENOISER = new Denoiser(new EDMScaling(0.5));
    static NDManager manager;
    static VideoUNet unet;
    static float[] nightCrowded;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(11);
        // scale-shift norm: at 32 channels in 32 groups an embedding added before the norm would be normalised away
        JsonObject cfg = TinyCheckpoints.unet().toJson();
        cfg.addProperty("use_scale_shift_norm", true);
        UNetModel image = new UNetModel(manager, LabelConditioning.withLabels(UNetConfig.fromJson(cfg)));
        unet = UNetSurgery.widenInput(manager, VideoUNet.fromImage(manager, image, VideoUNetConfig.videoLDM(image.config())), 5);
        TinyNetworks.randomise(unet, k -> true, 7); // every layer non-zero, so context and labels both matter
        unet.stateDict().forEach((k, a) -> { // labels strong enough to stand far above rounding
            if (k.equals("label_emb.0.0.weight")) {
                org.videoldm.io.StateDict.assign(a, org.videoldm.nn.Ops.scale(a, 20f));
            }
        });
        unet.setTrainable(k -> false);
        nightCrowded = LabelConditioning.conditioner(0).oneHot(new int[] {2, 2}, null);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static NDArray sample(Guider g, NDArray noise, Conditioning c, Conditioning uc) {
        DenoiseFunction f = DENOISER.bind(new OpenAIWrapper(unet));
        return Samplers.create("heun", 3, g).progress(Progress.Mode.QUIET).sample(f, noise, c, uc);
    }

    private static float diff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void combinedGuiderReducesToEachGuidanceAlone() {
        try (NDManager m = manager.newSubManager()) {
            int videos = 2;
            long rows = (long) videos * T;
            NDArray labels = m.create(nightCrowded, new Shape(1, 6)).repeat(0, rows);
            Conditioning c = Conditioning.none().withVideo(T, m.zeros(new Shape(videos, T))).withVector(labels)
                    .withConcat(ContextMask.fromContext(m.randomNormal(new Shape(videos * 2L).addAll(FRAME)), 2, T));
            Conditioning uc = c.withVector(labels.zerosLike());
            NDArray noise = m.randomNormal(new Shape(rows).addAll(FRAME));

            NDArray plain = sample(new IdentityGuider(), noise, c, uc);
            NDArray context = sample(new ContextGuider(2.5), noise, c, uc);
            NDArray labelCfg = sample(new VanillaCFG(3), noise, c, uc);
            float scale = plain.abs().max().getFloat();
            float tol = 2e-5f * scale; // float arithmetic of a different but equal sum; the guidances below act 250 times as strongly
            assertTrue(diff(context, plain) > 5e-3f * scale, "context guidance matters: " + diff(context, plain) / scale);
            assertTrue(diff(labelCfg, plain) > 1e-2f * scale, "label guidance matters: " + diff(labelCfg, plain) / scale);

            // labels first: s_l = 1 is today's context guidance with the labels in both branches
            assertTrue(diff(sample(new ContextLabelGuider(2.5, 1, Order.LABELS_FIRST), noise, c, uc), context) <= tol);
            // context first: s_c = 1 is label guidance with the context in both branches
            assertTrue(diff(sample(new ContextLabelGuider(1, 3, Order.CONTEXT_FIRST), noise, c, uc), labelCfg) <= tol);
            for (Order order : Order.values()) { // both at 1: the conditional prediction
                assertTrue(diff(sample(new ContextLabelGuider(1, 1, order), noise, c, uc), plain) <= tol, order.toString());
            }
            // the other way round the two differ by (s - 1) x the interaction of context and labels, which this network has
            float contextFirstAtOne = diff(sample(new ContextLabelGuider(2.5, 1, Order.CONTEXT_FIRST), noise, c, uc), context);
            assertTrue(contextFirstAtOne > 1e-3f * scale, "context first, s_l = 1 is not today's rollout: " + contextFirstAtOne / scale);
            NDArray both = sample(new ContextLabelGuider(2.5, 3, Order.LABELS_FIRST), noise, c, uc);
            assertTrue(diff(both, context) > 5e-3f * scale && diff(both, labelCfg) > 5e-3f * scale, "both guidances act");

            // an empty context (a first window from nothing): both orders are label guidance alone
            Conditioning empty = c.withConcat(ContextMask.none(m, videos, T, FRAME));
            NDArray firstWindow = sample(new VanillaCFG(3), noise, empty, uc.withConcat(empty.concat()));
            for (Order order : Order.values()) {
                NDArray x = sample(new ContextLabelGuider(2.5, 3, order), noise, empty, uc.withConcat(empty.concat()));
                assertTrue(diff(x, firstWindow) <= tol, order + ": " + diff(x, firstWindow) / scale);
            }
        }
    }

    static LongVideoPipeline.Options options(double contextGuidance, double labelGuidance) {
        return LongVideoPipeline.Options.defaults().withSampling(new VideoLDMPipeline.Options("euler", 1, 5, 1))
                .withContextGuidance(contextGuidance).withLabelGuidance(labelGuidance);
    }

    @Test
    void windowsSeeTheThreeBranchesAndTheFirstOnlyLabelGuidance() {
        try (NDManager m = manager.newSubManager()) {
            RecordingNetwork rec = new RecordingNetwork(new OpenAIWrapper(unet), m);
            LongVideoPipeline p = new LongVideoPipeline(rec, DENOISER, T, FRAME).progress(Progress.Mode.QUIET);
            NDArray video = p.latents(m, 1, 8, null, options(2, 3), nightCrowded, null, null);
            List<RecordingNetwork.Call> calls = rec.calls;
            assertEquals(3, calls.size(), "three windows, one Euler step each");
            NDArray y = m.create(nightCrowded, new Shape(1, 6)).repeat(0, T);
            RecordingNetwork.Call first = calls.get(0);
            assertEquals(2L * T, first.rows(), "the first window: label guidance alone, [no labels; labels]");
            assertEquals(0f, first.concat().abs().max().getFloat());
            assertArrayEquals(org.videoldm.nn.Ops.cat(0, y.zerosLike(), y).toFloatArray(), first.vector().toFloatArray(), 0f);
            NDArray v = video.reshape(new Shape(8).addAll(FRAME));
            for (int w = 1; w <= 2; w++) {
                RecordingNetwork.Call call = calls.get(w);
                assertEquals(3L * T, call.rows(), "later windows: three branches in one call");
                // labels first: [no context, no labels; no context, labels; context, labels]
                assertArrayEquals(org.videoldm.nn.Ops.cat(0, y.zerosLike(), y, y).toFloatArray(), call.vector().toFloatArray(), 0f);
                assertEquals(0f, call.concat().get("0:" + 2 * T).abs().max().getFloat(), "the first two branches drop the context");
                NDArray cond = call.concat().get(2 * T + ":");
                int start = 2 * w; // windows continue frames 2-3, then 4-5
                for (int t = 0; t < 2; t++) {
                    assertArrayEquals(v.get(start + t).toFloatArray(), cond.get(t).get("0:4").toFloatArray(), 0f, "window " + w + " frame " + t);
                }
            }
            // without labels there is nothing to guide towards: context guidance alone, however the label scale is set
            rec.calls.clear();
            p.latents(m, 1, 8, null, options(2, 3), null, null, null);
            assertEquals(List.of((long) T, 2L * T, 2L * T), rec.calls.stream().map(RecordingNetwork.Call::rows).toList());
        }
    }

    @Test
    void labelGuidanceOneIsTodaysRolloutAndThreeChangesIt() {
        try (NDManager m = manager.newSubManager()) {
            LongVideoPipeline p = new LongVideoPipeline(new OpenAIWrapper(unet), DENOISER, T, FRAME).progress(Progress.Mode.QUIET);
            NDArray start = m.randomNormal(new Shape(2).addAll(FRAME));
            // today's rollout: context guidance with the labels in both branches (the three-argument options)
            LongVideoPipeline.Options today = new LongVideoPipeline.Options(new VideoLDMPipeline.Options("heun", 2, 5, 1), 2, 2.0);
            NDArray old = p.latents(m, 1, 9, start, today, nightCrowded, null, null);
            // the same rollout driven by the three-branch guider at s_l = 1
            Conditioning c = Conditioning.none().withVideo(T, m.zeros(new Shape(1, T))).withVector(m.create(nightCrowded, new Shape(1, 6)).repeat(0, T));
            Rollout r = new Rollout(Samplers.create("heun", 2, new ContextLabelGuider(2, 1, Order.LABELS_FIRST)).progress(Progress.Mode.QUIET),
                    DENOISER.bind(new OpenAIWrapper(unet)), T, 2);
            NDArray combined = r.generate(m, c, c.withVector(m.zeros(new Shape(T, 6))), start, new long[] {Seeds.derive(5, 0)}, FRAME, 9, null);
            float scale = old.abs().max().getFloat();
            assertTrue(diff(combined, old) <= 1e-4f * scale, "s_l = 1 reproduces today's rollout: " + diff(combined, old) / scale);
            NDArray guided = p.latents(m, 1, 9, start, today.withLabelGuidance(3), nightCrowded, null, null);
            assertArrayEquals(start.toFloatArray(), guided.get("0:2").toFloatArray(), 0f);
            assertTrue(diff(guided, old) > 1e-2f * scale, "label guidance 3 changes the rollout: " + diff(guided, old) / scale);
        }
    }
}
