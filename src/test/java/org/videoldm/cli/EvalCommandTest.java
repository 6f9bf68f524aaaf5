package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.data.DrivingScene;
import org.videoldm.data.DrivingSceneRenderer;
import org.videoldm.data.Mp4Writer;

/** {@code eval} end to end on tiny folders with the random detectors: table, CSV, JSON, and the feature cache. */
class EvalCommandTest {
    @Test
    void fvdAndIsWithRandomDetectorsAndCache() throws Exception {
        Path dir = Files.createTempDirectory("eval");
        Path gen = Files.createDirectories(dir.resolve("generated"));
        for (int i = 0; i < 2; i++) {
            Mp4Writer.write(gen.resolve("scene_" + i + ".mp4"), DrivingSceneRenderer.render(DrivingScene.random(i), 8, 48, 64), 8);
        }
        Path real = Files.createDirectories(dir.resolve("real"));
        // a GIF on the real side, so both readers are exercised (the project's own rendered scenes, not shared clips)
        org.videoldm.data.GifWriter.write(real.resolve("scene_real.gif"), DrivingSceneRenderer.render(DrivingScene.random(100), 16, 48, 64), 8);
        Path out = dir.resolve("results");
        Path cache = dir.resolve("cache");
        String[] args = {"eval", "-g", gen.toString(), "-r", real.toString(), "--metrics", "fvd,is", "-T", "8", "--max-clips", "2",
            "--random-detectors", "--random-resolution", "64", "--cache", cache.toString(), "-o", out.toString()};
        assertEquals(0, Main.run(args));
        String csv = Files.readString(dir.resolve("results.csv"));
        List<String> lines = csv.lines().toList();
        assertEquals("metric,value,std,generated,real,clip_length,detector", lines.get(0));
        assertTrue(lines.get(1).startsWith("FVD-rand,"), csv);
        assertTrue(lines.get(1).endsWith(",2,2,8,\"i3d-rand(seed=0,res=64)\""), csv);
        assertTrue(lines.get(2).startsWith("IS-rand,"), csv);
        assertTrue(Files.readString(dir.resolve("results.json")).contains("\"random_detectors\": true"));
        try (var s = Files.list(cache)) {
            assertEquals(3, s.filter(p -> p.toString().endsWith(".features.safetensors")).count(), "one cache file per video (2 generated, 1 real)");
        }
        // Second run: same numbers from the cache.
        Files.delete(dir.resolve("results.csv"));
        assertEquals(0, Main.run(args));
        assertEquals(csv, Files.readString(dir.resolve("results.csv")));
    }

    @Test
    void missingWeightsWithoutRandomDetectorsSaysWhatToDownload() throws Exception {
        Path dir = Files.createTempDirectory("eval");
        Path gen = Files.createDirectories(dir.resolve("g"));
        Mp4Writer.write(gen.resolve("a.mp4"), DrivingSceneRenderer.render(DrivingScene.random(0), 8, 32, 32), 8);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        int code;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            code = Main.run("eval", "-g", gen.toString(), "-r", gen.toString(), "--metrics", "fvd", "-T", "8",
                    "--detectors", dir.resolve("nothing-here").toString(), "-o", dir.resolve("r").toString());
        } finally {
            System.setErr(old);
        }
        assertNotEquals(0, code);
        assertTrue(err.toString().contains("i3d_pretrained_400.safetensors") && err.toString().contains("docs/metrics.md"), err.toString());
    }

    @Test
    void defaultsFitGeneratedVideosAndSubFoldersStayOut() throws Exception {
        Path dir = Files.createTempDirectory("eval");
        Path gen = Files.createDirectories(dir.resolve("generated"));
        for (int i = 0; i < 3; i++) { // 8 frames each, as `generate` writes by default
            Mp4Writer.write(gen.resolve("video_0" + i + ".mp4"), DrivingSceneRenderer.render(DrivingScene.random(i), 8, 48, 64), 5);
        }
        Path side = Files.createDirectories(gen.resolve("upsample")); // what `upsample` leaves under out/
        for (int i = 0; i < 2; i++) {
            Mp4Writer.write(side.resolve("upsampled_" + i + ".mp4"), DrivingSceneRenderer.render(DrivingScene.random(50 + i), 20, 48, 64), 5);
        }
        Path real = Files.createDirectories(dir.resolve("real"));
        for (int i = 0; i < 3; i++) {
            Mp4Writer.write(real.resolve("real_" + i + ".mp4"), DrivingSceneRenderer.render(DrivingScene.random(20 + i), 24, 48, 64), 5);
        }
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        int code;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            code = Main.run("eval", "-g", gen.toString(), "-r", real.toString(), "--metrics", "fvd", "--random-detectors", "--random-resolution", "32",
                    "--cache", "none", "-o", dir.resolve("r").toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(0, code, err.toString());
        String e = err.toString();
        assertTrue(e.contains("clip length 8 frames: the shortest video has 8"), e);
        assertTrue(e.contains("generated: 3 clips from 3 videos"), e);
        String csv = Files.readString(dir.resolve("r.csv"));
        assertTrue(csv.lines().skip(1).findFirst().orElseThrow().contains(",3,9,8,"), csv); // 3 generated, 3 x 3 real clips of 8 frames
        // with --recursive the upsampled videos count too
        code = Main.run("eval", "-g", gen.toString(), "-r", real.toString(), "--metrics", "fvd", "--random-detectors", "--random-resolution", "32",
                "--cache", "none", "--recursive", "-T", "8", "-o", dir.resolve("r2").toString());
        assertEquals(0, code);
        assertTrue(Files.readString(dir.resolve("r2.csv")).contains(",7,9,8,"), Files.readString(dir.resolve("r2.csv")));
        // the cut rate of both sets: rendered drives never jump to another scene between frames
        code = Main.run("eval", "-g", gen.toString(), "-r", real.toString(), "--metrics", "cut", "-o", dir.resolve("r3").toString());
        assertEquals(0, code);
        String cuts = Files.readString(dir.resolve("r3.csv"));
        assertTrue(cuts.contains("cut rate,0.0000,,21,0,8,"), cuts); // 3 clips x 7 frame pairs
        assertTrue(cuts.contains("cut rate (real),0.0000,,0,63,8,"), cuts);
    }
}
