package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.LatentDataset;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.Scale;
import org.videoldm.train.TrainingCheckpoint;

/** Latent caching, image pre-training and temporal alignment, a few steps each on six procedural clips. */
class DiffusionStagesTest {
    @TempDir
    Path dir;

    @Test
    void imageThenTemporalStage() {
        Path videos = StageFixtures.videos(dir);
        Path ae = StageFixtures.autoencoder(dir);

        ImageLDMTraining.Settings is = StageFixtures.quiet(ImageLDMTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(3).batch(2).emaDecay(0.5).previewSamples(0);
        List<Double> losses = new ArrayList<>();
        StageResult image = new ImageLDMTraining(is).run((step, loss, lr, g, it, eta) -> losses.add(loss));
        assertEquals(3, losses.size());
        assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());

        try (NDManager m = NDManager.newBaseManager()) {
            LatentCaching.Result cache = LatentCaching.ensure(is, ae);
            assertTrue(cache.reused(), "the second request uses the cache the stage made");
            try (LatentDataset d = LatentDataset.open(cache.train())) {
                assertEquals(5, d.size());
                assertEquals(new Shape(8, 4, 16, 32), d.clipShape());
                assertEquals(0.8f, d.scaleFactor());
            }
            SavedNetwork saved = SavedNetwork.load(image.network(), m);
            UNetModel exported = saved.module(UNetModel.class);
            assertEquals("edm", saved.denoiser().get("scaling").getAsString());
            assertEquals(0.8, saved.scaleFactor().getAsDouble(), 1e-6);
            // the export holds the EMA weights of the trainer's checkpoint
            UNetModel ema = new UNetModel(m, Scale.TOY.imageUNet());
            TrainingCheckpoint.loadWeights(image.runDir().resolve(StageRuns.CHECKPOINT), ema, true);
            NDArray x = m.randomNormal(new Shape(2, 4, 16, 32));
            NDArray t = m.create(new float[] {-0.5f, 0.3f});
            assertArrayEquals(ema.forward(x, t, null, null).toFloatArray(), exported.forward(x, t, null, null).toFloatArray(), 0f);
        }

        TemporalAlignment.Settings ts = StageFixtures.quiet(TemporalAlignment.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(3).batch(1).lr(1e-3).emaDecay(0).previewVideos(0);
        StageResult video = new TemporalAlignment(ts).run(null);
        assertTrue(Double.isFinite(video.finalLoss()));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> img = SavedNetwork.load(image.network(), m).module().stateDict();
            VideoUNet v = SavedNetwork.load(video.network(), m).module(VideoUNet.class);
            assertEquals("8", SavedNetwork.metadata(video.network()).get(SavedNetwork.KEY_FRAMES));
            Engine.getInstance().setRandomSeed((int) ts.seed);
            VideoUNet initial = VideoUNet.fromImage(m, SavedNetwork.load(image.network(), m).module(UNetModel.class), Scale.TOY.videoUNet());
            Map<String, NDArray> start = initial.stateDict();
            int temporalChanged = 0;
            for (Map.Entry<String, NDArray> e : v.stateDict().entrySet()) {
                String k = e.getKey();
                if (TemporalParameters.isTemporal(k)) {
                    boolean same = java.util.Arrays.equals(start.get(k).toFloatArray(), e.getValue().toFloatArray());
                    temporalChanged += same ? 0 : 1;
                } else {
                    assertArrayEquals(img.get(k).toFloatArray(), e.getValue().toFloatArray(), 0f, "spatial " + k + " changed in temporal alignment");
                }
            }
            assertTrue(temporalChanged > 10, "temporal parameters trained: " + temporalChanged);
        }
        Path alphaCsv = video.runDir().resolve(TemporalAlignment.ALPHA_CSV);
        List<String> layers = AlphaLog.readLayers(alphaCsv);
        assertFalse(layers.isEmpty());
        assertTrue(layers.stream().allMatch(l -> l.contains("time_mixer") || l.contains("time_stack")), layers.toString());
        List<double[]> rows = AlphaLog.read(alphaCsv);
        assertEquals(4, rows.size(), "alpha at step 0 and after each of 3 steps");
        assertEquals(0.5, rows.get(0)[1], 1e-6, "merge factor 0: alpha starts at 0.5");
        assertTrue(rows.get(3)[1] != 0.5, "alpha learns");
    }
}
