package org.videoldm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipSource;
import org.videoldm.data.SyntheticDriving;
import org.videoldm.metrics.FeatureDetector;
import org.videoldm.metrics.ToyDetector;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.detector.ToyVideoNet;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.Scale;
import tech.tablesaw.api.Table;

/** The ablations on the shipped toy networks, with few clips, one sampler step and an untrained toy detector. */
class AblationsTest {
    static final Path SHIPPED = Path.of(CheckpointFolder.SHIPPED_TOY);

    @TempDir
    static Path dir;

    static ClipSource real;
    static ClipSource procedural;
    static Path toy;

    @BeforeAll
    static void data() {
        Path data = dir.resolve("data");
        new SyntheticDriving(6, 16, 64, 128, 9).writeFolder(data, SyntheticDriving.Format.MP4, 1);
        real = ClipDataset.scan(Scale.TOY.clipOptions(0).withValidationFraction(0), data).train();
        Path other = dir.resolve("other");
        new SyntheticDriving(4, 16, 64, 128, 19).writeFolder(other, SyntheticDriving.Format.MP4, 1);
        procedural = ClipDataset.scan(Scale.TOY.clipOptions(0).withValidationFraction(0), other).train();
        toy = dir.resolve("fvd_toy.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            ToyVideoNet net = new ToyVideoNet(m, new ToyVideoNet.Config(new int[] {8, 8, 16, 16}, 5, Map.of()));
            SavedNetwork.save(toy, net, SavedNetwork.meta().frames(8).frameSize(64, 128), false);
        }
    }

    static Ablations.Settings quick() {
        return new Ablations.Settings(2, 2, new VideoLDMPipeline.Options("euler", 1, 0), 2, 2.0, null, 4, 20);
    }

    @Test
    void everyComparisonScoresItsVariantsWithIntervalsAgainstTheSameClips() {
        try (FeatureDetector clips = ToyDetector.load(toy, FeatureDetector.Input.CLIPS); FeatureDetector frames = ToyDetector.load(toy, FeatureDetector.Input.FRAMES);
                Ablations a = new Ablations(SHIPPED, real, procedural, clips, frames, quick())) {
            List<Ablations.Row> rows = a.all(null);
            assertEquals(List.of("floor", "floor", "temporal alignment", "temporal alignment", "decoder fine-tuning", "decoder fine-tuning",
                    "context guidance", "context guidance", "upsampling", "upsampling"), rows.stream().map(Ablations.Row::comparison).toList());
            for (Ablations.Row r : rows) {
                Ablations.Estimate fvd = r.metric(r.variant().startsWith("procedural") ? Ablations.FVD_PROCEDURAL : Ablations.FVD_REAL);
                assertTrue(Double.isFinite(fvd.value()) && fvd.value() >= 0, r.line());
                assertTrue(fvd.low() <= fvd.high(), r.line());
                Ablations.Estimate cut = r.metric(Ablations.CUT_RATE);
                assertTrue(cut.value() >= 0 && cut.value() <= 1, r.line());
            }
            for (Ablations.Row r : rows.subList(2, rows.size())) {
                assertEquals(4, r.generated(), "2 seeds x 2 videos: " + r.line());
                assertEquals(real.size(), r.real(), r.line());
            }
            // unconditional samples are also scored against the procedural clips; real-conditioned ones are not
            assertTrue(rows.get(2).metrics().containsKey(Ablations.FVD_PROCEDURAL));
            assertTrue(!rows.get(6).metrics().containsKey(Ablations.FVD_PROCEDURAL));
            // the video LDM samples decoded by the image decoder are shared by two comparisons: the same videos, the same score
            assertEquals(rows.get(3).metric(Ablations.FVD_REAL).value(), rows.get(4).metric(Ablations.FVD_REAL).value(), 0.0);
            for (int i = 2; i < rows.size(); i += 2) {
                assertNotEquals(rows.get(i).metric(Ablations.FVD_REAL).value(), rows.get(i + 1).metric(Ablations.FVD_REAL).value(),
                        rows.get(i).comparison() + ": the variants gave identical videos");
            }
            Table t = Ablations.table("t", rows);
            assertEquals(rows.size(), t.rowCount());
            assertTrue(t.columnNames().contains(Ablations.FVD_REAL + " [95% CI]"), t.columnNames().toString());
        }
    }

    @Test
    void overlappingIntervalsAreNoDifference() {
        Ablations.Row a = new Ablations.Row("c", "a", 4, 4, Map.of("m", new Ablations.Estimate(1.0, 0.8, 1.3)), 0);
        Ablations.Row b = new Ablations.Row("c", "b", 4, 4, Map.of("m", new Ablations.Estimate(1.2, 1.1, 1.5)), 0);
        Ablations.Row c = new Ablations.Row("c", "c", 4, 4, Map.of("m", new Ablations.Estimate(2.0, 1.6, 2.4)), 0);
        assertEquals("no difference at this scale", Ablations.verdict(a, b, "m"));
        assertEquals("a lower", Ablations.verdict(a, c, "m"));
        assertEquals("a lower", Ablations.verdict(c, a, "m"));
        Ablations.Estimate e = Ablations.interval(5.0, new double[] {9, 1, 3, 7, 5, 2, 8, 4, 6, 10});
        assertEquals(1.0, e.low(), 0.0);
        assertEquals(10.0, e.high(), 0.0);
    }

    @Test
    void comparisonsWhoseNetworksAreMissingAreSkipped() throws Exception {
        Path partial = dir.resolve("partial");
        Files.createDirectories(partial);
        for (String name : List.of(CheckpointFolder.AUTOENCODER, CheckpointFolder.IMAGE_LDM, CheckpointFolder.VIDEO_LDM)) {
            Files.copy(SHIPPED.resolve(name + ".safetensors"), partial.resolve(name + ".safetensors"));
        }
        try (FeatureDetector clips = ToyDetector.load(toy, FeatureDetector.Input.CLIPS); FeatureDetector frames = ToyDetector.load(toy, FeatureDetector.Input.FRAMES);
                Ablations a = new Ablations(partial, real, null, clips, frames, quick())) {
            assertEquals(List.of("floor", "temporal alignment", "temporal alignment"), a.all(null).stream().map(Ablations.Row::comparison).toList());
            assertThrows(CheckpointFolder.MissingCheckpointException.class, a::contextGuidance);
        }
    }

    @Test
    void tooFewClipsOrVideosAreRefused() {
        try (FeatureDetector clips = ToyDetector.load(toy, FeatureDetector.Input.CLIPS); FeatureDetector frames = ToyDetector.load(toy, FeatureDetector.Input.FRAMES)) {
            Ablations.Settings one = new Ablations.Settings(1, 1, new VideoLDMPipeline.Options("euler", 1, 0), 2, 2.0, null, 4, 20);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ablations(SHIPPED, real, null, clips, frames, one));
            assertTrue(e.getMessage().contains("at least 2 generated videos"), e.getMessage());
        }
    }
}
