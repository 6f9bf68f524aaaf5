package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.DataSources;
import org.videoldm.metrics.CLIPSim;
import org.videoldm.model.clip.CLIPWeights;
import org.videoldm.model.clip.FrozenCLIPEmbedder;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.TextToVideoPipeline;

/** `train clip` at a tiny size: it trains, measures, and writes a CLIP folder CLIPSim reads as CLIPSIM-toy and a text encoder. */
class TrainClipCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainsATinyClipAndWritesWhatCLIPSimAndTextConditioningRead() throws Exception {
        Path videos = DataSources.synthetic(dir.resolve("videos"), new DataSources.Synthetic(6, 16, 64, 128, 3));
        Path holdout = Files.writeString(dir.resolve("holdout.txt"), "fraction 0.5 videos/*\n");
        Path out = dir.resolve("out");
        String[] r = GenerateCommandTest.run("train", "clip", "--data", videos.toString(), "--holdout", holdout.toString(), "--steps", "2", "--batch", "4",
                "--width", "32", "--layers", "1", "--heads", "2", "--image-size", "32", "--patch-size", "8", "--out", out.toString(),
                "--run-dir", dir.resolve("run").toString(), "--scale", "toy");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("zero-shot time_of_day accuracy videos"), r[1]);
        assertTrue(r[1].contains("CLIPSIM-toy own caption videos"), r[1]);

        Path clip = out.resolve(CheckpointFolder.CLIP_TOY);
        for (String f : List.of("model.safetensors", "config.json", "vocab.json", "merges.txt")) {
            assertTrue(Files.isRegularFile(clip.resolve(f)), f);
        }
        String card = Files.readString(out.resolve(CheckpointFolder.CLIP_TOY + ".md"));
        assertTrue(card.contains("zero-shot weather accuracy videos") && card.contains("CLIPSIM-toy"), card);
        // 32-wide towers with 2 heads: a width/64 guess would say 1; config.json carries the truth
        assertArrayEquals(new int[] {2, 2}, CLIPWeights.headsFromConfig(clip.resolve("config.json")));

        try (CLIPSim sim = CLIPSim.load(clip); NDManager m = NDManager.newBaseManager()) {
            assertEquals(CLIPSim.TOY, sim.metricName());
            NDArray frames = m.randomUniform(0, 255, new Shape(2, 64, 128, 3)).toType(DataType.UINT8, false);
            double c = sim.videoScore(frames, "driving at night in the rain", 2);
            assertTrue(c >= -1 && c <= 1, "a cosine: " + c);
            assertEquals(CLIPSim.TOY, sim.compute(List.of(frames), List.of("a road"), 2).metric());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            FrozenCLIPEmbedder text = TextToVideoPipeline.loadTextEmbedder(out, m);
            assertEquals(new Shape(2, 77, 32), text.encode(m, List.of("a road at night", "")).getShape());
        }
    }
}
