package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolveSibling("shared").resolve("datasets").resolve(file);
            if (Files.exists(p)) {
                return p;
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(false, "shared clips not found");
        return null;
    }

    @Test
    void infoPrintsFfprobesFacts() {
        Run r = run("info", shared("driving/udacity_project_video_seg2.mp4").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("frames:     139\n"), r.out());
        assertTrue(r.out().contains("codec:      h264 (High, level 3.1)"), r.out());
        assertTrue(r.out().contains("edit list presents 139 of 148 coded frames"), r.out());
    }

    @Test
    void infoOnUndecodableFileSaysHowToConvert() {
        Path avi = shared("nondriving/mmaction2_test_avi.avi");
        Run r = run("info", avi.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("frames:     164\n"), r.out());
        assertTrue(r.out().contains("decoder:    none: MPEG-4 Part 2"), r.out());
        assertTrue(r.out().contains("convert:    ffmpeg -i " + avi + " -c:v libx264 -profile:v baseline -pix_fmt yuv420p -an "), r.out());
    }

    @Test
    void infoOnATextFileIsAOneLineError() throws Exception {
        Path text = Files.writeString(tmp.resolve("fake.mp4"), "just text");
        Run r = run("info", text.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("error: " + text + ": not a video"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Run two = run("info", text.toString(), shared("driving/yolop_input1.gif").toString());
        assertEquals(1, two.status());
        assertTrue(two.out().contains("frames:     72"), two.out());
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
