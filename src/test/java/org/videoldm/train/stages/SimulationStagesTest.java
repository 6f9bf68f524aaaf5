package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.model.BoxLDM;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.Scale;

/** The simulation's stages, a few steps each on six procedural clips: the box LDM, and image + temporal training on scene labels. */
class SimulationStagesTest {
    @TempDir
    Path dir;

    @Test
    void boxLdmTrainsOnExactBoxesAndExports() {
        Path videos = StageFixtures.videos(dir);
        StageFixtures.autoencoder(dir);
        BoxLDMTraining.Settings s = StageFixtures.quiet(BoxLDMTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(2).batch(2).emaDecay(0).previewSamples(2).previewSteps(1);
        List<Double> losses = new ArrayList<>();
        StageResult r = new BoxLDMTraining(s).run((step, loss, lr, g, it, eta) -> losses.add(loss));
        assertEquals(2, losses.size());
        assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
        assertTrue(Files.isRegularFile(r.runDir().resolve("samples.png")));
        try (NDManager m = NDManager.newBaseManager()) {
            BoxLDM b = SavedNetwork.load(r.network(), m).module(BoxLDM.class);
            assertEquals(64, b.unet().config().context_dim());
        }
    }

    @Test
    void labelConditionedImageThenTemporalStage() {
        Path videos = StageFixtures.videos(dir);
        StageFixtures.autoencoder(dir);
        ImageLDMTraining.Settings is = StageFixtures.quiet(ImageLDMTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(2).batch(2).emaDecay(0).previewSamples(0).labels(true, List.of()).ucgRate(0.5);
        StageResult image = new ImageLDMTraining(is).run(null);
        assertTrue(Double.isFinite(image.finalLoss()));
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork n = SavedNetwork.load(image.network(), m);
            assertEquals("sequential", n.module(UNetModel.class).config().num_classes());
            assertEquals(6, n.module(UNetModel.class).config().adm_in_channels());
            assertTrue(LabelConditioning.isLabelConditioned(n.conditioning()), String.valueOf(n.conditioning()));
        }
        // an unlabelled temporal run on a labelled image LDM is refused
        TemporalAlignment.Settings plain = StageFixtures.quiet(TemporalAlignment.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(1).batch(1).previewVideos(0);
        assertThrows(IllegalArgumentException.class, () -> new TemporalAlignment(plain).run(null));

        TemporalAlignment.Settings ts = StageFixtures.quiet(TemporalAlignment.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(2).batch(1).emaDecay(0).previewVideos(1).previewSteps(1).labels(true, List.of());
        StageResult video = new TemporalAlignment(ts).run(null);
        assertTrue(Double.isFinite(video.finalLoss()));
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork n = SavedNetwork.load(video.network(), m);
            assertEquals("sequential", n.module(VideoUNet.class).config().num_classes());
            assertTrue(LabelConditioning.isLabelConditioned(n.conditioning()));
            VideoLDMPipeline p = VideoLDMPipeline.load(dir.resolve("ckpt"), m).progress(org.videoldm.util.Progress.Mode.QUIET);
            NDArray z = p.sampleVideo(m, 1, 8, p.latentShape(64, 128), new VideoLDMPipeline.Options("euler", 1, 0), null,
                    new VideoLDMPipeline.Labels(LabelConditioning.conditioner(0).oneHot(new int[] {2, 2}, null), 2));
            assertEquals(8, z.getShape().get(0));
        }
        // the prediction model keeps its parent's labels; a labelled rollout and a free one differ
        PredictionTraining.Settings ps = StageFixtures.quiet(PredictionTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(1).batch(1).emaDecay(0).previewVideos(1).previewSteps(1).previewFrames(9).labels(true, List.of());
        StageResult pred = new PredictionTraining(ps).run(null);
        assertTrue(Double.isFinite(pred.finalLoss()));
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork n = SavedNetwork.load(pred.network(), m);
            assertTrue(LabelConditioning.isLabelConditioned(n.conditioning()), String.valueOf(n.conditioning()));
            org.videoldm.pipeline.LongVideoPipeline lp = org.videoldm.pipeline.LongVideoPipeline.load(dir.resolve("ckpt"), m)
                    .progress(org.videoldm.util.Progress.Mode.QUIET);
            org.videoldm.pipeline.LongVideoPipeline.Options o = new org.videoldm.pipeline.LongVideoPipeline.Options(
                    new VideoLDMPipeline.Options("euler", 1, 0), 1, 1);
            NDArray free = lp.latents(m, 1, 8, null, o, null, null, null);
            NDArray night = lp.latents(m, 1, 8, null, o, LabelConditioning.conditioner(0).oneHot(new int[] {2, 2}, null), null, null);
            assertEquals(free.getShape(), night.getShape());
            assertTrue(free.sub(night).abs().max().getFloat() > 0, "the labels reach the prediction model");
            NDArray guided = lp.latents(m, 1, 8, null, o.withLabelGuidance(3), LabelConditioning.conditioner(0).oneHot(new int[] {2, 2}, null), null, null);
            assertTrue(guided.sub(night).abs().max().getFloat() > 0, "label guidance acts on the stage's model");
        }
        PredictionTraining.Settings unlabelled = StageFixtures.quiet(PredictionTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(1).batch(1).previewVideos(0).runDir(dir.resolve("runs").resolve("p2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PredictionTraining(unlabelled).run(null));
        assertTrue(e.getMessage().contains("--labels"), e.getMessage());
    }
}
