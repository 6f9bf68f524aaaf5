package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipSource;
import org.videoldm.data.RgbFrame;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.stages.ImageLDMTraining;

class TextToVideoRunsTest {
    @TempDir
    Path root;

    @Test
    void textStagesGetRunFoldersOfTheirOwnApartFromTheUnconditionalOnes() throws Exception {
        Workbench wb = new Workbench(Scale.TOY, "synthetic", RunMode.SMOKE, root);
        TextToVideoRuns t2v = new TextToVideoRuns(wb);
        ImageLDMTraining.Settings s = t2v.stage(ImageLDMTraining.Settings.defaults(wb.scale, wb.mode));
        assertEquals(wb.runs().resolve("t2v/image-ldm"), s.runDirOrDefault(), "as scripts/train-toy.sh t2v names it");
        assertEquals(wb.runs().resolve("t2v/checkpoints"), s.checkpointsOrDefault());
        assertEquals(wb.runs().resolve("t2v/checkpoints"), s.outOrDefault());
        assertFalse(t2v.hasShipped());
        assertNull(t2v.unconditionalImageLdm());

        Files.createDirectories(wb.checkpoints());
        Files.write(wb.checkpoints().resolve("autoencoder.safetensors"), new byte[] {1, 2, 3});
        Files.writeString(wb.checkpoints().resolve("autoencoder.md"), "# autoencoder");
        assertEquals(wb.checkpoints().resolve("autoencoder.safetensors"), t2v.copyAutoencoder(), "notebook 01's");
        Path copied = t2v.checkpoints().resolve("autoencoder.safetensors");
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(copied));
        assertTrue(Files.isRegularFile(t2v.checkpoints().resolve("autoencoder.md")));
        Files.write(wb.checkpoints().resolve("autoencoder.safetensors"), new byte[] {9});
        assertEquals(copied, t2v.copyAutoencoder());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(copied), "one already there is kept");

        Files.writeString(t2v.checkpoints().resolve("clip_toy.md"), "# clip_toy\n\n| | |\n|---|---|\n| steps | 4, batch 32 |\n| seed | 0 |\n"
                + "| zero-shot weather accuracy synthetic | 0.5 |\n");
        assertEquals("| steps | 4, batch 32 |\n| zero-shot weather accuracy synthetic | 0.5 |",
                TextToVideoRuns.cardRows(t2v.checkpoints().resolve("clip_toy.md"), "steps", "zero-shot"));
    }

    static Clip clip(String id, int level) {
        List<RgbFrame> frames = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            byte[] rgb = new byte[4 * 2 * 3];
            java.util.Arrays.fill(rgb, (byte) (level + t));
            frames.add(new RgbFrame(4, 2, rgb));
        }
        return Clip.of(id, frames);
    }

    static ClipSource source(List<Clip> clips) {
        return new ClipSource() {
            @Override
            public int size() {
                return clips.size();
            }

            @Override
            public String clipId(int index) {
                return clips.get(index).id();
            }

            @Override
            public Clip clip(int index, long augmentSeed) {
                return clips.get(index);
            }
        };
    }

    @Test
    void theSubjectIsOneDriveOrElseOneProceduralClip() throws Exception {
        TextToVideoRuns t2v = new TextToVideoRuns(new Workbench(Scale.TOY, "synthetic", RunMode.SMOKE, root));
        ClipSource real = source(List.of(clip("driving/a.mp4@0", 10), clip("driving/b.mp4@0", 50), clip("driving/a.mp4@12", 100),
                clip("driving/a.mp4@24", 150)));
        ClipSource procedural = source(List.of(clip("synthetic/s0.mp4@0", 200), clip("synthetic/s1.mp4@0", 220)));
        TextToVideoRuns.Subject s = t2v.writeSubject(real, procedural, 2);
        assertEquals("driving/a.mp4", s.video());
        assertTrue(s.real());
        assertEquals(6, s.frames(), "two clips of video a, three frames each; video b skipped");
        assertEquals(6, Files.list(s.dir()).count());
        assertEquals(100 + 2, RgbFrame.fromImage(ImageIO.read(s.dir().resolve("frame_005.png").toFile())).get(0, 0, 0));

        TextToVideoRuns.Subject p = t2v.writeSubject(source(List.of()), procedural, 2);
        assertFalse(p.real());
        assertEquals("synthetic/s0.mp4", p.video());
        assertEquals(3, Files.list(p.dir()).count(), "the earlier subject's frames are gone");
        assertEquals(200, RgbFrame.fromImage(ImageIO.read(p.dir().resolve("frame_000.png").toFile())).get(0, 0, 0));
    }
}
