package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.ContextMask;
import org.videoldm.diffusion.InterpolationMask;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.nn.Module;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.StepContext;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainerConfig;
import org.videoldm.train.TrainingCheckpoint;
import org.videoldm.util.Progress;

/**
 * The prediction, interpolation and upsampler stages on tiny networks and four procedural clips: the loss on fixed
 * batches falls, only the intended layers move, the masks and levels reach the network, and the exported network
 * reloads with the trained outputs.
 */
class LatentStagesTest {
    @TempDir
    static Path root;

    @BeforeAll
    static void parents() throws Exception {
        Files.createDirectories(root.resolve("checkpoints"));
        TinyParents.write(root.resolve("checkpoints"), root.resolve("data"));
    }

    /** Mean loss over a few fixed (seeded) batches: the same data, sigmas, noise and masks each time it is asked. */
    static double fixedLoss(DiffusionStage stage) {
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            try (NDManager sm = stage.module().manager().newSubManager()) {
                StepContext ctx = new StepContext(1234, k, 0, sm);
                sum += stage.loss(stage.batch(ctx), ctx).getFloat();
            }
        }
        return sum / 3;
    }

    /** Trains {@code steps} steps at lr 1e-3 and checks that the fixed-batch loss fell and stayed finite. */
    static void lossFalls(DiffusionStage stage, int steps) {
        double before = fixedLoss(stage);
        try (Trainer<DiffusionStage.Batch> t = new Trainer<>(stage, new TrainerConfig().lr(1e-3).emaDecay(0).seed(5).progress(Progress.Mode.QUIET))) {
            t.run(steps, null);
        }
        double after = fixedLoss(stage);
        assertTrue(Double.isFinite(before) && Double.isFinite(after));
        assertTrue(after < before, "fixed-batch loss went from " + before + " to " + after);
    }

    static Map<String, float[]> weights(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** The reloaded network gives exactly the in-memory network's output. */
    static void sameOutputs(UNetModel a, UNetModel b, int frames, int extra, boolean labels) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(frames, 4 + extra, 16, 32));
            NDArray t = m.randomUniform(-1f, 1f, new Shape(frames));
            NDArray y = labels ? m.zeros(new Shape(frames)).add(17f) : null;
            NDArray ind = frames > 1 ? m.zeros(new Shape(1, frames)) : null;
            assertArrayEquals(a.forward(x, t, null, y, frames, ind, null).toFloatArray(), b.forward(x, t, null, y, frames, ind, null).toFloatArray(), 0f);
        }
    }

    private <S extends MaskedVideoTraining.Settings<S>> void maskedStage(MaskedVideoTraining<S> training, int frames) {
        try (NDManager m = NDManager.newBaseManager(); MaskedVideoTraining.Data data = training.data(m)) {
            assertEquals(frames, data.frames());
            VideoUNet net = training.network(m);
            assertEquals(9, net.config().in_channels());
            lossFalls(training.stage(net, data.latents()), 4);
        }
        StageResult r = training.run(null);
        assertEquals(2, r.steps());
        assertTrue(Double.isFinite(r.finalLoss()));
        assertTrue(Files.isRegularFile(r.card()));
        assertTrue(Files.isRegularFile(r.runDir().resolve("samples.png")));
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork saved = SavedNetwork.load(r.network(), m);
            VideoUNet reloaded = saved.module(VideoUNet.class);
            VideoUNet trained = training.network(m);
            Map<String, float[]> parent = weights(trained);
            TrainingCheckpoint.loadWeights(r.runDir().resolve(StageRuns.CHECKPOINT), trained, false);
            sameOutputs(trained, reloaded, frames, 5, false);
            Map<String, float[]> after = weights(reloaded);
            for (String k : parent.keySet()) {
                if (!MaskedVideoTraining.trains(k)) {
                    assertTrue(Arrays.equals(parent.get(k), after.get(k)), "frozen " + k + " changed");
                }
            }
            assertFalse(Arrays.equals(parent.get("input_blocks.0.0.weight"), after.get("input_blocks.0.0.weight")), "the input conv learns");
            assertEquals(frames, saved.frames().getAsInt());
            assertEquals(0.8, saved.scaleFactor().getAsDouble(), 1e-6);
            assertEquals("edm", saved.denoiser().get("scaling").getAsString());
            assertEquals(5, saved.conditioning().getAsJsonObject("concat").get("channels").getAsInt());
            assertEquals(training.name(), saved.card().get("name").getAsString());
        }
    }

    @Test
    void predictionTrainsTemporalLayersAndInputConvAndExports() {
        PredictionTraining p = new PredictionTraining(TinyParents.quiet(PredictionTraining.Settings.defaults(Scale.TOY, RunMode.FULL), root, 2, 1)
                .previewVideos(1).previewSteps(1).previewFrames(10));
        maskedStage(p, 8);
        // What the network sees: S in {0, 1, 2} context frames per clip through the stage's hook.
        try (NDManager m = NDManager.newBaseManager(); MaskedVideoTraining.Data data = p.data(m)) {
            DiffusionStage stage = p.stage(p.network(m), data.latents());
            Set<Integer> seen = new HashSet<>();
            for (int step = 0; step < 12; step++) {
                try (NDManager sm = m.newSubManager()) {
                    StepContext ctx = new StepContext(1, step, 0, sm);
                    DiffusionStage.Batch b = stage.batch(ctx);
                    NDArray concat = stage.conditioning(b, ctx).concat();
                    int s = (int) concat.get(":, 4, 0, 0").sum().getFloat();
                    seen.add(s);
                    assertArrayEquals(ContextMask.concat(b.latents(), 8, s).toFloatArray(), concat.toFloatArray(), 0f);
                }
            }
            assertEquals(Set.of(0, 1, 2), seen);
        }
    }

    @Test
    void interpolationTrainsOnNineFrameWindowsWithKeyframesEveryFourth() {
        InterpolationTraining i = new InterpolationTraining(TinyParents.quiet(InterpolationTraining.Settings.defaults(Scale.TOY, RunMode.FULL), root, 2, 1)
                .previewVideos(1).previewSteps(1));
        maskedStage(i, 9);
        try (NDManager m = NDManager.newBaseManager(); MaskedVideoTraining.Data data = i.data(m)) {
            // The procedural clips are rendered at 10 fps, below 4 x 5 fps: the highest rate found is used.
            assertEquals(10.0, data.options().targetFps(), 1e-9);
            DiffusionStage stage = i.stage(i.network(m), data.latents());
            try (NDManager sm = m.newSubManager()) {
                StepContext ctx = new StepContext(1, 0, 0, sm);
                DiffusionStage.Batch b = stage.batch(ctx);
                NDArray concat = stage.conditioning(b, ctx).concat();
                assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, concat.get(":, 4, 0, 0").toFloatArray(), 0f);
                assertArrayEquals(InterpolationMask.concat(b.latents(), 9, 4).toFloatArray(), concat.toFloatArray(), 0f);
            }
        }
    }

    @Test
    void upsamplerImageThenVideo() {
        UpsamplerTraining u = new UpsamplerTraining(TinyParents.quiet(UpsamplerTraining.Settings.defaults(Scale.TOY, RunMode.FULL), root, 2, 4)
                .videoSteps(2).videoBatch(1).previewVideos(1).previewSteps(1));
        try (NDManager m = NDManager.newBaseManager(); UpsamplerTraining.Data data = u.data(m)) {
            assertEquals(new Shape(8, 3, 32, 64), data.lowRes().clipShape(), "the input frames at half the size, every pixel kept");
            UNetModel net = u.imageNetwork(m);
            assertEquals(4 + 12, net.config().in_channels(), "latents and the input by space-to-depth (3 x 2 x 2 channels)");
            assertEquals("350", net.config().num_classes());
            DiffusionStage stage = u.imageStage(net, data);
            try (NDManager sm = m.newSubManager()) {
                StepContext ctx = new StepContext(1, 0, 0, sm);
                DiffusionStage.Batch b = stage.batch(ctx);
                Conditioning c = stage.conditioning(b, ctx);
                assertEquals(new Shape(4, 12, 16, 32), c.concat().getShape());
                float[] levels = c.vector().toFloatArray();
                assertEquals(4, levels.length);
                for (float l : levels) {
                    assertTrue(l >= 0 && l < 350 && l == Math.rint(l), "level " + l);
                }
            }
            lossFalls(stage, 4);
        }
        StageResult image = u.runImage(null);
        StageResult video = u.runVideo(null);
        assertTrue(Double.isFinite(video.metrics().get("temporal_error_image_upsampler")));
        assertTrue(Double.isFinite(video.metrics().get("temporal_error_video_upsampler")));
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel imageUp = SavedNetwork.load(image.network(), m).module(UNetModel.class);
            UNetModel trainedImage = u.imageNetwork(m);
            TrainingCheckpoint.loadWeights(image.runDir().resolve(StageRuns.CHECKPOINT), trainedImage, false);
            sameOutputs(trainedImage, imageUp, 1, 12, true);

            SavedNetwork vs = SavedNetwork.load(video.network(), m);
            VideoUNet videoUp = vs.module(VideoUNet.class);
            VideoUNet trainedVideo = u.videoNetwork(m, imageUp);
            TrainingCheckpoint.loadWeights(video.runDir().resolve(StageRuns.CHECKPOINT), trainedVideo, false);
            sameOutputs(trainedVideo, videoUp, 8, 12, true);
            // Spatial layers are the image upsampler's.
            assertArrayEquals(imageUp.stateDict().get("input_blocks.0.0.weight").toFloatArray(),
                    videoUp.stateDict().get("input_blocks.0.0.weight").toFloatArray(), 0f);
            org.videoldm.train.ModelCard card = org.videoldm.train.ModelCard.fromJson(vs.card());
            assertEquals(org.videoldm.temporal.TemporalParameters.report(videoUp).temporalCount(), card.trainableParameters(), "only temporal layers train");
            JsonObject cond = vs.conditioning();
            assertEquals(350, cond.getAsJsonObject("vector").get("max_noise_level").getAsInt());
            assertEquals(12, cond.getAsJsonObject("concat").get("channels").getAsInt());
            assertEquals(2, cond.getAsJsonObject("concat").get("unshuffle").getAsInt());
            assertEquals(2, cond.get("upscale").getAsInt());
        }
    }
}
