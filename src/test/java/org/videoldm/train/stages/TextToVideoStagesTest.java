package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.cli.Main;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.TextToVideoPipeline;
import org.videoldm.train.Scale;

/**
 * The toy text-to-video path, a few steps each on six procedural clips: a tiny CLIP (its text tower the text encoder),
 * the text-to-image LDM trained with captions (cross-attention on the text encoder), then temporal alignment on top.
 */
class TextToVideoStagesTest {
    @TempDir
    Path dir;

    @Test
    void textToImageThenTemporalAlignmentWithCaptions() throws Exception {
        Path videos = StageFixtures.videos(dir);
        StageFixtures.autoencoder(dir);
        Path ckpt = dir.resolve("ckpt");
        int status = Main.run(new String[] {"train", "clip", "--data", videos.toString(), "--steps", "1", "--batch", "4", "--width", "64",
            "--layers", "1", "--heads", "2", "--image-size", "32", "--patch-size", "8", "--out", ckpt.toString(), "--run-dir",
            dir.resolve("runs").resolve("clip").toString(), "--scale", "toy"});
        assertEquals(0, status, "train clip");

        ImageLDMTraining.Settings is = StageFixtures.quiet(ImageLDMTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(2).batch(2).emaDecay(0).previewSamples(2).previewSteps(1).captions(true, List.of()).ucgRate(0.5);
        StageResult image = new ImageLDMTraining(is).run(null);
        assertTrue(Double.isFinite(image.finalLoss()));
        assertTrue(Files.isRegularFile(image.runDir().resolve("samples.png")), "preview sampled with prompts");
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork n = SavedNetwork.load(image.network(), m);
            assertEquals(64, n.module(UNetModel.class).config().context_dim(), "context width = the text encoder's");
            assertTrue(n.conditioning().has("crossattn"), String.valueOf(n.conditioning()));
            assertTrue(n.card().toString().contains("Text-conditioned"), n.card().toString());
            assertTrue(!Denoisers.isDiscrete(n.denoiser()), "the toy models are EDM: " + n.denoiser());
            // before temporal alignment the folder samples text-to-image
            TextToVideoPipeline p = TextToVideoPipeline.load(ckpt, m);
            assertTrue(!p.isVideo());
            assertEquals(64, p.generate(m, List.of("a road at night"), "", 1, 64, 128,
                    new TextToVideoPipeline.Options("euler", 1, 3, 0, true)).get(0).get(0).height());
        }

        // --init-from: a text-to-image model started from an unconditional one (a learning rate of 1e-30: the export is the start)
        ImageLDMTraining.Settings plain = StageFixtures.quiet(ImageLDMTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(1).batch(2).emaDecay(0).previewSamples(0).checkpoints(ckpt).out(dir.resolve("plain")).runDir(dir.resolve("runs").resolve("plain"));
        Path plainFile = new ImageLDMTraining(plain).run(null).network();
        ImageLDMTraining.Settings from = StageFixtures.quiet(ImageLDMTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(1).batch(2).emaDecay(0).lr(1e-30).previewSamples(0).captions(true, List.of()).initFrom(plainFile).checkpoints(ckpt)
                .out(dir.resolve("from")).runDir(dir.resolve("runs").resolve("from"));
        Path fromFile = new ImageLDMTraining(from).run(null).network();
        try (NDManager m = NDManager.newBaseManager()) {
            java.util.Map<String, ai.djl.ndarray.NDArray> a = SavedNetwork.load(plainFile, m).module().stateDict();
            java.util.Map<String, ai.djl.ndarray.NDArray> b = SavedNetwork.load(fromFile, m).module().stateDict();
            String conv = "input_blocks.0.0.weight";
            assertEquals(a.get(conv).getShape(), b.get(conv).getShape());
            assertTrue(a.get(conv).sub(b.get(conv)).abs().max().getFloat() < 1e-6, "copied where key and shape agree");
            // the text width (64) equals the UNet's width at the attention levels, so the shapes agree: the unconditional
            // model's self-attention keys and values must still not be taken for cross-attention
            String k = a.keySet().stream().filter(x -> x.endsWith("attn2.to_k.weight")).findFirst().orElseThrow();
            assertEquals(a.get(k).getShape(), b.get(k).getShape());
            assertTrue(a.get(k).sub(b.get(k)).abs().max().getFloat() > 1e-3, "cross-attention keys start fresh: " + k);
            assertTrue(SavedNetwork.load(fromFile, m).card().toString().contains("freshly initialised"));
        }

        TemporalAlignment.Settings ts = StageFixtures.quiet(TemporalAlignment.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(2).batch(1).emaDecay(0).previewVideos(1).previewSteps(1).captions(true, List.of());
        StageResult video = new TemporalAlignment(ts).run(null);
        assertTrue(Double.isFinite(video.finalLoss()));
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork n = SavedNetwork.load(video.network(), m);
            assertEquals(64, n.module(VideoUNet.class).config().context_dim());
            TextToVideoPipeline p = TextToVideoPipeline.load(ckpt, m);
            assertTrue(p.isVideo());
            assertEquals(8, p.trainedFrames());
        }
        assertTrue(Files.isRegularFile(ckpt.resolve(CheckpointFolder.TOKENIZER_DIR).resolve("vocab.json")));

        // generate --prompt: one video per prompt and --videos, their prompts listed
        Path out = dir.resolve("out");
        assertEquals(0, Main.run(new String[] {"generate", "--checkpoints", ckpt.toString(), "--prompt", "a road at night", "--prompt",
            "a sunny day on a highway", "--videos", "1", "--frames", "3", "--steps", "1", "--sampler", "euler", "--out", out.toString()}));
        assertEquals(List.of("video_00\ta road at night", "video_01\ta sunny day on a highway"), Files.readAllLines(out.resolve("prompts.txt")));
        assertEquals(3, org.videoldm.data.VideoReader.standard().read(out.resolve("video_01.mp4")).size());
        assertEquals(2, Main.run(new String[] {"generate", "--checkpoints", ckpt.toString(), "--prompt", "night", "--long", "20", "--out",
            out.toString()}), "--long does not apply to --prompt");
        assertEquals(2, Main.run(new String[] {"generate", "--checkpoints", dir.resolve("none").toString(), "--prompt", "night", "--out",
            out.toString()}), "a missing folder is an error");
    }
}
