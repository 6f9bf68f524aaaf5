package org.videoldm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipSource;
import org.videoldm.data.SyntheticDriving;
import org.videoldm.metrics.I3DDetector;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.Scale;
import tech.tablesaw.api.Table;

/** The ablations on the shipped toy networks, with few clips, one sampler step and a small random I3D. */
class AblationsTest {
    static final Path SHIPPED = Path.of(CheckpointFolder.SHIPPED_TOY);

    @TempDir
    static Path dir;

    static ClipSource clips;

    @BeforeAll
    static void data() {
        Path data = dir.resolve("data");
        new SyntheticDriving(3, 16, 64, 128, 9).writeFolder(data, SyntheticDriving.Format.MP4, 1);
        clips = ClipDataset.scan(Scale.TOY.clipOptions(0), data).train();
    }

    static Ablations.Settings quick() {
        return new Ablations.Settings(2, new VideoLDMPipeline.Options("euler", 1, 0), 2, 2.0, null, 4);
    }

    @Test
    void everyComparisonScoresTwoVariantsAgainstTheSameRealClips() {
        try (I3DDetector i3d = I3DDetector.random(0, 64); Ablations a = new Ablations(SHIPPED, clips, i3d, quick())) {
            double self = a.fvd(a.real(), a.real()).value();
            double other = a.fvd(a.real(), a.real().get("0:2")).value();
            assertEquals(0, self, 1e-6 * Math.max(1, other), "FVD of a set against itself");
            List<Ablations.Row> rows = a.all(null);
            assertEquals(List.of("reference", "temporal alignment", "temporal alignment", "decoder fine-tuning", "decoder fine-tuning",
                    "context guidance", "context guidance", "upsampling", "upsampling"), rows.stream().map(Ablations.Row::comparison).toList());
            for (Ablations.Row r : rows.subList(1, rows.size())) {
                assertEquals(2, r.generated(), r.line());
                assertEquals(clips.size(), r.real(), r.line());
                assertEquals("FVD-rand", r.metric());
                assertTrue(Double.isFinite(r.value()) && r.value() > 0, r.line());
                assertTrue(r.frameChange() > 0, r.line());
            }
            // The video LDM samples decoded by the image decoder are shared by two comparisons: the same videos, the same score.
            assertEquals(rows.get(2).value(), rows.get(3).value(), 0.0);
            for (int i = 1; i < rows.size(); i += 2) {
                assertNotEquals(rows.get(i).value(), rows.get(i + 1).value(), rows.get(i).comparison() + ": the variants gave identical videos");
            }
            Table t = Ablations.table("t", rows);
            assertEquals(rows.size(), t.rowCount());
            assertEquals(2, t.intColumn("generated").get(1));
        }
    }

    @Test
    void comparisonsWhoseNetworksAreMissingAreSkipped() throws Exception {
        Path partial = dir.resolve("partial");
        Files.createDirectories(partial);
        for (String name : List.of(CheckpointFolder.AUTOENCODER, CheckpointFolder.IMAGE_LDM, CheckpointFolder.VIDEO_LDM)) {
            Files.copy(SHIPPED.resolve(name + ".safetensors"), partial.resolve(name + ".safetensors"));
        }
        try (I3DDetector i3d = I3DDetector.random(0, 64); Ablations a = new Ablations(partial, clips, i3d, quick())) {
            assertEquals(List.of("reference", "temporal alignment", "temporal alignment"), a.all(null).stream().map(Ablations.Row::comparison).toList());
            assertThrows(CheckpointFolder.MissingCheckpointException.class, a::contextGuidance);
        }
    }

    @Test
    void tooFewClipsOrVideosAreRefused() {
        try (I3DDetector i3d = I3DDetector.random(0, 64)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ablations(SHIPPED, clips, i3d, quick().videos(1)));
            assertTrue(e.getMessage().contains("at least 2 generated videos"), e.getMessage());
        }
    }
}
