package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.DrivingScene;
import org.videoldm.data.DrivingSceneRenderer;
import org.videoldm.data.GifWriter;
import org.videoldm.data.Mp4Writer;

/** The info and dataset commands as a user runs them. */
class DataCommandsTest {
    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static Path shared(String file) {
        return org.videoldm.TestPaths.sharedDatasetsOrSkip().resolve(file);
    }

    @Test
    void infoPrintsFfprobesFacts() {
        Run r = run("info", shared("driving/udacity_project_video_seg2.mp4").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("frames:     139\n"), r.out());
        assertTrue(r.out().contains("codec:      h264 (High, level 3.1)"), r.out());
        assertTrue(r.out().contains("edit list presents 139 of 148 coded frames"), r.out());
    }

    /** An MP4 whose sample entry says HEVC: a known container with a codec the pure-Java decoder does not read. */
    private Path hevcLabelledMp4(int frames) throws Exception {
        Path mp4 = tmp.resolve("scene.mp4");
        Mp4Writer.write(mp4, DrivingSceneRenderer.render(DrivingScene.random(3), frames, 32, 64), 5);
        byte[] b = Files.readAllBytes(mp4);
        int at = lastIndexOf(b, "avc1".getBytes(StandardCharsets.US_ASCII)); // the sample entry, not the ftyp brand
        assertTrue(at > 0, "the writer's sample entry");
        System.arraycopy("hvc1".getBytes(StandardCharsets.US_ASCII), 0, b, at, 4);
        Path hevc = tmp.resolve("scene_hevc.mp4");
        Files.write(hevc, b);
        return hevc;
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Run withFfmpeg(String setting, String... args) {
        String old = System.getProperty("videoldm.ffmpeg");
        System.setProperty("videoldm.ffmpeg", setting);
        try {
            return run(args);
        } finally {
            if (old == null) {
                System.clearProperty("videoldm.ffmpeg");
            } else {
                System.setProperty("videoldm.ffmpeg", old);
            }
        }
    }

    @Test
    void withoutFfmpegAnUndecodableCodecGetsTheConversionCommand() throws Exception {
        Path video = hevcLabelledMp4(6);
        Run r = withFfmpeg("off", "info", video.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("frames:     6\n"), r.out());
        assertTrue(r.out().contains("decoder:    none: hevc video is not H.264"), r.out());
        assertTrue(r.out().contains("convert:    ffmpeg -i " + video + " -c:v libx264 -profile:v baseline -pix_fmt yuv420p -an "), r.out());
        Run decode = withFfmpeg("off", "info", "--decode", video.toString());
        assertTrue(decode.out().contains("decoder:    none"), decode.out());
    }

    @Test
    void withFfmpegAnUndecodableCodecIsDecodedByIt() throws Exception {
        Path video = hevcLabelledMp4(6);
        // A stand-in ffmpeg that writes six 64x32 RGB frames, as "-f rawvideo -pix_fmt rgb24 -" does; the real
        // program's decoding is not ours to test, choosing it and reading its output is.
        Path fake = tmp.resolve("ffmpeg");
        Files.writeString(fake, "#!/bin/sh\nhead -c " + 6 * 64 * 32 * 3 + " /dev/zero\n");
        assertTrue(fake.toFile().setExecutable(true));
        Run r = withFfmpeg(fake.toString(), "info", "--decode", video.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("decoder:    ffmpeg\n"), r.out());
        assertTrue(r.out().contains("ffmpeg decodes it"), r.out());
        assertTrue(r.out().contains("decoded:    6 frames to RGB"), r.out());
        assertFalse(r.out().contains("convert:"), r.out());
    }

    @Test
    void theRealMpeg4Part2ClipWithoutFfmpegSaysHowToConvert() {
        Path avi = shared("nondriving/mmaction2_test_avi.avi");
        Run r = withFfmpeg("off", "info", avi.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("frames:     164\n"), r.out());
        assertTrue(r.out().contains("decoder:    none: MPEG-4 Part 2"), r.out());
        assertTrue(r.out().contains("convert:    ffmpeg -i " + avi + " -c:v libx264 -profile:v baseline -pix_fmt yuv420p -an "), r.out());
    }

    @Test
    void infoOnATextFileIsAOneLineErrorWithoutAConversionHint() throws Exception {
        Path text = Files.writeString(tmp.resolve("fake.mp4"), "just text");
        Run r = run("info", text.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("error: " + text + ": not a video"), r.err());
        assertFalse(r.err().contains("ffmpeg"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Path gif = tmp.resolve("scene.gif");
        GifWriter.write(gif, DrivingSceneRenderer.render(DrivingScene.random(1), 9, 32, 64), 5);
        Run two = run("info", text.toString(), gif.toString());
        assertEquals(1, two.status());
        assertTrue(two.out().contains("frames:     9"), two.out());
    }

    @Test
    void missingFilesFoldersAndCutFilesSayWhatIsWrongWithoutAConversionHint() throws Exception {
        Run missing = run("info", tmp.resolve("nothing.mp4").toString());
        assertEquals(2, missing.status());
        assertEquals("error: " + tmp.resolve("nothing.mp4") + ": no such file", missing.err().strip());
        Path empty = Files.createDirectories(tmp.resolve("empty_folder"));
        Run folder = run("info", empty.toString());
        assertTrue(folder.err().contains("folder without PNG or JPEG frames"), folder.err());
        assertFalse(folder.err().contains("ffmpeg"), folder.err());
        Path mp4 = tmp.resolve("whole.mp4");
        Mp4Writer.write(mp4, DrivingSceneRenderer.render(DrivingScene.random(2), 8, 32, 64), 5);
        byte[] b = Files.readAllBytes(mp4);
        Path cut = tmp.resolve("cut.mp4");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
        Run truncated = run("info", cut.toString());
        assertEquals(2, truncated.status());
        assertTrue(truncated.err().contains("truncated file"), truncated.err());
        assertFalse(truncated.err().contains("ffmpeg"), truncated.err());
    }

    @Test
    void syntheticThenScan() throws Exception {
        Path out = tmp.resolve("synthetic");
        Run made = run("dataset", "synthetic", "--out", out.toString(), "--clips", "5", "--size", "32x64", "--frames", "6", "--seed", "4");
        assertEquals(0, made.status(), made.err());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(6, files.count(), "5 clips and manifest.json");
        }
        Run scan = run("dataset", "scan", out.toString(), "--frames", "6", "--size", "32x64", "--preview", tmp.resolve("p.png").toString());
        assertEquals(0, scan.status(), scan.err());
        assertTrue(scan.out().contains("train: 4 video(s), 4 clip(s)"), scan.out());
        assertTrue(scan.out().contains("validation: 1 video(s), 1 clip(s)"), scan.out());
        assertTrue(Files.size(tmp.resolve("p.png")) > 0);
    }

    @Test
    void badSizeIsAUsageError() {
        Run r = run("dataset", "synthetic", "--out", tmp.toString(), "--size", "64");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("expected HEIGHTxWIDTH such as 64x128"), r.err());
    }
}
