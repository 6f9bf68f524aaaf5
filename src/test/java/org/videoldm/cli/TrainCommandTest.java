package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.DataSources;
import org.videoldm.model.SavedNetwork;
import org.videoldm.train.LossLog;

class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainsAStageWithTheGivenOptionsAndResumes() {
        Path videos = DataSources.synthetic(dir.resolve("videos"), new DataSources.Synthetic(4, 16, 64, 128, 1));
        Path out = dir.resolve("ckpt");
        Path run = dir.resolve("run");
        String[] args = {"train", "autoencoder", "--data", videos.toString(), "--batch", "2", "--out", out.toString(),
            "--run-dir", run.toString(), "--scale", "toy", "--float32", "--steps", "3"};
        String[] r = GenerateCommandTest.run(args);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("autoencoder: 3 steps (3 this run"), r[1]);
        assertTrue(Files.isRegularFile(out.resolve("autoencoder.md")));
        assertEquals("float32", SavedNetwork.metadata(out.resolve("autoencoder.safetensors")).get(SavedNetwork.KEY_DTYPE));
        assertEquals(3, LossLog.read(run.resolve("loss.csv")).size());

        String[] five = args.clone();
        five[five.length - 1] = "5";
        String[] more = GenerateCommandTest.run(five);
        assertEquals("0", more[0], more[2]);
        assertTrue(more[1].contains("autoencoder: 5 steps (2 this run"), "resumed at step 3: " + more[1]);

        String[] fresh = GenerateCommandTest.run(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--no-resume"))
                .toArray(String[]::new));
        assertTrue(fresh[1].contains("autoencoder: 3 steps (3 this run"), "--no-resume starts afresh: " + fresh[1]);
        assertEquals(3, LossLog.read(run.resolve("loss.csv")).size());
    }

    @Test
    void badOptionsAreOneLineErrors() {
        String[] r = GenerateCommandTest.run("train", "image-ldm", "--scale", "huge", "--out", dir.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: ") && r[2].contains("toy or paper"), r[2]);
        String[] missing = GenerateCommandTest.run("train", "image-ldm", "--out", dir.resolve("empty").toString(), "--data", dir.toString());
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("autoencoder.safetensors") && missing[2].contains("./videoldm train autoencoder"), missing[2]);
    }
}
