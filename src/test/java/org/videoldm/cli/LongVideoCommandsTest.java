package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.Video;
import org.videoldm.data.VideoReader;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.UNetSurgery;
import org.videoldm.model.VideoUNet;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.TinyCheckpoints;
import org.videoldm.train.Scale;

/** {@code generate --long / --interpolate} and {@code upsample} on tiny untrained networks laid out as the stages write them. */
public class LongVideoCommandsTest {
    @TempDir
    Path dir;

    /** TinyCheckpoints plus prediction, interpolation (2 keyframes per window) and both upsamplers. */
    public static Path checkpoints(Path dir) {
        Path ckpt = TinyCheckpoints.write(dir.resolve("ckpt"));
        CheckpointFolder f = CheckpointFolder.of(ckpt);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            VideoUNet video = SavedNetwork.load(f.network(CheckpointFolder.VIDEO_LDM), m).module(VideoUNet.class);
            JsonObject latent = JsonParser.parseString("{\"latent_frame\": [4, 8, 16]}").getAsJsonObject();
            JsonObject pred = latent.deepCopy();
            pred.addProperty("type", "prediction");
            SavedNetwork.save(f.network(CheckpointFolder.PREDICTION), UNetSurgery.widenInput(m, video, 5),
                    SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).frames(TinyCheckpoints.FRAMES).conditioning(pred), true);
            JsonObject interp = latent.deepCopy();
            interp.addProperty("stride", 4);
            interp.addProperty("window_keyframes", 2);
            SavedNetwork.save(f.network(CheckpointFolder.INTERPOLATION), UNetSurgery.widenInput(m, video, 5),
                    SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).frames(5).conditioning(interp), true);
            JsonObject up = JsonParser.parseString("""
                    {"latent_frame": [4, 8, 16], "concat": {"channels": 3, "low_resolution": [8, 16], "latent_grid": [8, 16]},
                     "vector": {"max_noise_level": 350, "default_noise_level": 20}}""").getAsJsonObject();
            UNetModel image = SavedNetwork.load(f.network(CheckpointFolder.IMAGE_LDM), m).module(UNetModel.class);
            UNetModel imageUp = UNetSurgery.addClassEmbedding(m, UNetSurgery.widenInput(m, image, 3), 350);
            SavedNetwork.save(f.network(CheckpointFolder.UPSAMPLER_IMAGE), imageUp, SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).conditioning(up), true);
            SavedNetwork.save(f.network(CheckpointFolder.UPSAMPLER_VIDEO), VideoUNet.fromImage(m, imageUp, Scale.TOY.videoUNet(imageUp.config())),
                    SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).frames(TinyCheckpoints.FRAMES).conditioning(up), true);
        }
        return ckpt;
    }

    @Test
    void longRolloutThenInterpolationThenUpsampling() throws Exception {
        Path ckpt = checkpoints(dir);
        Path out = dir.resolve("long");
        String[] r = GenerateCommandTest.run("generate", "--checkpoints", ckpt.toString(), "--long", "7", "--steps", "1", "--sampler", "euler",
                "--fps", "5", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("prediction model (4-frame windows, 2 context frames, context guidance 2.00)"), r[1]);
        Video v = VideoReader.standard().read(out.resolve("video_00.mp4"));
        assertEquals(7, v.size());
        assertEquals(TinyCheckpoints.HEIGHT, v.height());

        Path out4 = dir.resolve("interp");
        String[] i = GenerateCommandTest.run("generate", "--checkpoints", ckpt.toString(), "--long", "3", "--interpolate", "--steps", "1", "--sampler",
                "euler", "--fps", "5", "--decoder", "image", "--out", out4.toString());
        assertEquals("0", i[0], i[2]);
        Video v4 = VideoReader.standard().read(out4.resolve("video_00.mp4"));
        assertEquals(9, v4.size(), "3 keyframes at stride 4: 9 frames");
        assertEquals(20.0, v4.fps(), 1e-6, "written at 4x the rate");

        Path up = dir.resolve("up");
        String[] u = GenerateCommandTest.run("upsample", out.resolve("video_00.mp4").toString(), "--checkpoints", ckpt.toString(), "--frames", "6",
                "--steps", "1", "--sampler", "euler", "--out", up.toString());
        assertEquals("0", u[0], u[2]);
        for (String name : new String[] {"input.mp4", "upsampled_image.mp4", "upsampled_video.mp4", "compare.png"}) {
            assertTrue(Files.isRegularFile(up.resolve(name)), name);
        }
        // by default the given video is the input: its 6 frames come out at twice its size
        Video upsampled = VideoReader.standard().read(up.resolve("upsampled_video.mp4"));
        assertEquals(6, upsampled.size());
        assertEquals(2 * TinyCheckpoints.HEIGHT, upsampled.height());
        assertEquals(TinyCheckpoints.HEIGHT, VideoReader.standard().read(up.resolve("input.mp4")).height());
        assertTrue(u[1].contains("of its output shrunk back against the input"), u[1]);
        assertFalse(Files.exists(up.resolve("reference.mp4")));

        // --compare: the video is the reference, shrunk to half and upsampled back, scored against it beside bicubic
        Path cmp = dir.resolve("cmp");
        String[] c = GenerateCommandTest.run("upsample", out.resolve("video_00.mp4").toString(), "--compare", "--checkpoints", ckpt.toString(),
                "--frames", "6", "--steps", "1", "--sampler", "euler", "--out", cmp.toString());
        assertEquals("0", c[0], c[2]);
        assertEquals(TinyCheckpoints.HEIGHT, VideoReader.standard().read(cmp.resolve("reference.mp4")).height());
        assertEquals(TinyCheckpoints.HEIGHT / 2, VideoReader.standard().read(cmp.resolve("input.mp4")).height());
        assertEquals(TinyCheckpoints.HEIGHT, VideoReader.standard().read(cmp.resolve("upsampled_image.mp4")).height());
        assertTrue(c[1].contains("bicubic: PSNR "), c[1]);
        // --size resizes the reference first; a malformed size is refused by name
        String[] sized = GenerateCommandTest.run("upsample", out.resolve("video_00.mp4").toString(), "--compare", "--size", "64x96", "--checkpoints",
                ckpt.toString(), "--frames", "6", "--steps", "1", "--sampler", "euler", "--model", "image", "--out", cmp.resolve("sized").toString());
        assertEquals("0", sized[0], sized[2]);
        assertEquals(96, VideoReader.standard().read(cmp.resolve("sized/reference.mp4")).width());
        String[] bad = GenerateCommandTest.run("upsample", out.resolve("video_00.mp4").toString(), "--compare", "--size", "64", "--checkpoints",
                ckpt.toString(), "--out", cmp.resolve("bad").toString());
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("--size"), bad[2]);
        assertTrue(c[1].contains("dB against the reference, temporal error"), c[1]);
    }

    @Test
    void badRequestsAreRefusedBeforeAnyWork() {
        Path ckpt = checkpoints(dir);
        String[] img = GenerateCommandTest.run("generate", "--checkpoints", ckpt.toString(), "--long", "7", "--model", "image", "--out",
                dir.resolve("o").toString());
        assertEquals("2", img[0]);
        assertTrue(img[2].contains("--long"), img[2]);
        String[] level = GenerateCommandTest.run("upsample", dir.resolve("missing.mp4").toString(), "--checkpoints", ckpt.toString(), "--model",
                "sideways", "--out", dir.resolve("o").toString());
        assertEquals("2", level[0]);
        assertTrue(level[2].contains("--model"), level[2]);
        assertTrue(!Files.exists(dir.resolve("o")));
    }
}
