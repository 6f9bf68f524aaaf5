package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.ClipDataset;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.train.LossLog;
import org.videoldm.train.ModelCard;
import org.videoldm.train.Scale;
import org.videoldm.train.TrainingCheckpoint;

class AutoencoderTrainingTest {
    @TempDir
    Path dir;

    @Test
    void lossFallsExportReloadsAndScaleFactorIsMeasured() throws Exception {
        Path videos = StageFixtures.videos(dir);
        AutoencoderTraining.Settings s = StageFixtures.quiet(AutoencoderTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(20).batch(4).crop(16, 32).lr(2e-3).scaleSamples(8).validationFrames(8);
        ClipDataset data = ClipDataset.scan(Scale.TOY.clipOptions(0), videos);
        double before;
        try (NDManager m = NDManager.newBaseManager()) {
            // the stage's own initialisation (seeded), scored on the held-out video before any step
            Engine.getInstance().setRandomSeed((int) s.seed);
            before = AutoencoderTraining.reconstruction(AutoencoderKL.fromJson(m, Scale.TOY.autoencoderKwargs()), data.validation(), 8, m)[0];
        }
        List<Double> losses = new ArrayList<>();
        StageResult r = new AutoencoderTraining(s).run((step, loss, lr, g, it, eta) -> losses.add(loss));
        assertEquals(20, losses.size());
        assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
        // per-step losses vary with the random crops more than 20 steps improve them; held-out L1 on fixed frames does not
        double after = r.metrics().get("validation_l1");
        System.out.printf("autoencoder: held-out L1 %.4f -> %.4f after 20 steps%n", before, after);
        assertTrue(after < 0.8 * before, "held-out reconstruction L1 should fall by a fifth in 20 steps: " + before + " -> " + after);
        assertEquals(20, LossLog.read(r.lossLog()).size());
        assertEquals(20, r.stepsThisRun());

        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork saved = SavedNetwork.load(r.network(), m);
            AutoencoderKL ae = saved.module(AutoencoderKL.class);
            // the exported weights are the trained ones: same outputs as the trainer's checkpoint
            AutoencoderKL fromCheckpoint = AutoencoderKL.fromJson(m, Scale.TOY.autoencoderKwargs());
            TrainingCheckpoint.loadWeights(r.runDir().resolve(StageRuns.CHECKPOINT), fromCheckpoint, false);
            Engine.getInstance().setRandomSeed(5);
            NDArray x = m.randomUniform(-1f, 1f, new Shape(2, 3, 64, 128));
            assertArrayEquals(fromCheckpoint.decode(fromCheckpoint.encode(x).mode()).toFloatArray(), ae.decode(ae.encode(x).mode()).toFloatArray(), 0f);

            // the scale factor is 1 / std of the latents of the training frames it names
            ClipDataset ds = ClipDataset.scan(Scale.TOY.clipOptions(0), videos);
            AutoencoderTraining.LatentStats stats = AutoencoderTraining.latentStats(ae, ds.train(), 8, 0, m);
            assertEquals(stats.scaleFactor(), saved.scaleFactor().getAsDouble(), 1e-9);
            assertEquals(1 / stats.std(), stats.scaleFactor(), 1e-12);
            assertEquals(64, saved.frameSize()[0]);
            ModelCard card = ModelCard.fromJson(saved.card());
            assertEquals(20, card.steps());
            assertEquals(5, card.data().videos());
            assertEquals(1, card.data().validationVideos());
            assertTrue(Files.readString(r.card()).contains("scale factor"));
        }

        // a finished run is not trained again: its network, logs and card's figures are read back as they are
        assertTrue(Files.readString(r.runDir().resolve(StageRuns.FINISHED)).endsWith("after 20 steps\n"));
        byte[] exported = Files.readAllBytes(r.network());
        StageResult again = new AutoencoderTraining(s).run(null);
        assertEquals(0, again.stepsThisRun());
        assertEquals(20, again.steps());
        assertEquals(r.metrics(), again.metrics());
        assertEquals(r.finalLoss(), again.finalLoss(), 0);
        assertArrayEquals(exported, Files.readAllBytes(again.network()));
        assertEquals(20, LossLog.read(again.lossLog()).size());
        // more steps go on from its trainer state; with that gone they are refused, and nothing of the run is overwritten
        Files.delete(r.runDir().resolve(StageRuns.CHECKPOINT));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AutoencoderTraining(s.steps(25)).run(null));
        assertTrue(e.getMessage().contains(StageRuns.FINISHED) && e.getMessage().contains(StageRuns.CHECKPOINT), e.getMessage());
        assertEquals(20, LossLog.read(r.lossLog()).size());
        assertArrayEquals(exported, Files.readAllBytes(r.network()));
    }
}
