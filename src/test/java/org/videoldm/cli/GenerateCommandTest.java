package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.Video;
import org.videoldm.data.VideoReader;
import org.videoldm.pipeline.TinyCheckpoints;

class GenerateCommandTest {
    @TempDir
    Path dir;

    /** Runs the command line, returning {exit status, stdout, stderr}. */
    static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new String[] {Integer.toString(status), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void writesVideosOfTheRequestedLengthAndSize() throws Exception {
        Path ckpt = TinyCheckpoints.write(dir.resolve("ckpt"));
        Path out = dir.resolve("out");
        String[] r = run("generate", "--checkpoints", ckpt.toString(), "--videos", "2", "--frames", "5", "--steps", "2", "--sampler", "euler",
                "--fps", "4", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        for (String name : new String[] {"video_00.mp4", "video_01.mp4", "video_00.gif", "video_01.gif", "grid.png"}) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name + " missing; stdout: " + r[1]);
            assertTrue(r[1].contains(out.resolve(name).toString()), "the command says it wrote " + name + ": " + r[1]);
        }
        Video v = VideoReader.standard().read(out.resolve("video_01.mp4"));
        assertEquals(5, v.size());
        assertEquals(TinyCheckpoints.HEIGHT, v.height());
        assertEquals(TinyCheckpoints.WIDTH, v.width());
        assertEquals(4.0, v.fps(), 1e-6);
        Video g = VideoReader.standard().read(out.resolve("video_00.gif"));
        assertEquals(5, g.size());
    }

    @Test
    void imageBaselineWithTheImageDecoder() {
        Path ckpt = TinyCheckpoints.write(dir.resolve("ckpt"));
        String[] r = run("generate", "--checkpoints", ckpt.toString(), "--videos", "1", "--steps", "1", "--model", "image", "--decoder", "image",
                "--out", dir.resolve("o").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("4 frames"), "default length: the trained clip length: " + r[1]);
    }

    @Test
    void missingCheckpointsGiveAClearError() throws Exception {
        String[] none = run("generate", "--checkpoints", dir.resolve("nothing").toString(), "--out", dir.resolve("o").toString());
        assertEquals("2", none[0]);
        assertTrue(none[2].startsWith("error: ") && none[2].contains("run notebooks 01-03 or `./videoldm train ...`"), none[2]);

        Path ckpt = TinyCheckpoints.write(dir.resolve("ckpt"));
        Files.delete(ckpt.resolve("video_decoder.safetensors"));
        String[] noDecoder = run("generate", "--checkpoints", ckpt.toString(), "--out", dir.resolve("o").toString());
        assertEquals("2", noDecoder[0]);
        assertTrue(noDecoder[2].contains("video_decoder.safetensors") && noDecoder[2].contains("run notebooks 01-03"), noDecoder[2]);
        assertTrue(noDecoder[2].contains("./videoldm train decoder"), noDecoder[2]);

        String[] noPrediction = run("generate", "--checkpoints", ckpt.toString(), "--long", "32", "--out", dir.resolve("o").toString());
        assertEquals("2", noPrediction[0]);
        assertTrue(noPrediction[2].contains("prediction.safetensors") && noPrediction[2].contains("missing"), noPrediction[2]);

        String[] guidance = run("generate", "--checkpoints", ckpt.toString(), "--guidance", "2", "--decoder", "image", "--out", dir.resolve("o").toString());
        assertEquals("2", guidance[0]);
        assertTrue(guidance[2].contains("--guidance") && guidance[2].contains("unconditional"), guidance[2]);
        assertTrue(!Files.exists(dir.resolve("o")), "nothing is written when the request is refused");
    }
}
