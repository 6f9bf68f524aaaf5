package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.cli.Main;
import org.videoldm.data.SubjectFrames;
import org.videoldm.data.SyntheticDriving;
import org.videoldm.data.VideoReader;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.TextToVideoPipeline;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.Scale;
import org.videoldm.train.StepContext;
import org.videoldm.util.Progress;

/**
 * DreamBooth fine-tuning on the tiny text-to-video folder of {@link TextToVideoStagesTest}: the prior set, exact resume,
 * which weights the personalised video model takes from where, that the output folder samples, and the input errors.
 */
class DreamBoothFinetuningTest {
    @TempDir
    Path dir;

    @Test
    void personalisesTheImageModelAndKeepsTheTemporalLayers() throws Exception {
        Path videos = StageFixtures.videos(dir);
        StageFixtures.autoencoder(dir);
        Path ckpt = dir.resolve("ckpt");
        assertEquals(0, Main.run(new String[] {"train", "clip", "--data", videos.toString(), "--steps", "1", "--batch", "4", "--width", "32",
            "--layers", "1", "--heads", "2", "--image-size", "32", "--patch-size", "8", "--out", ckpt.toString(), "--run-dir",
            dir.resolve("runs").resolve("clip").toString(), "--scale", "toy"}));
        new ImageLDMTraining(StageFixtures.quiet(ImageLDMTraining.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(2).batch(2).emaDecay(0).previewSamples(0).captions(true, List.of()).ucgRate(0.5)).run(null);
        new TemporalAlignment(StageFixtures.quiet(TemporalAlignment.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(2).batch(1).emaDecay(0).previewVideos(0).captions(true, List.of())).run(null);
        Path subject = videos.resolve(SyntheticDriving.clipName(0) + ".mp4");

        Path runA = dir.resolve("runs").resolve("db-a");
        StageResult a = new DreamBoothFinetuning(settings(ckpt, subject, runA, dir.resolve("out-a")).steps(2)).run(null);
        assertTrue(Double.isFinite(a.finalLoss()), "loss " + a.finalLoss());
        assertEquals(2, a.stepsThisRun());
        Path priorFile = runA.resolve(DreamBoothParts.PRIOR_FILE);
        assertTrue(Files.isRegularFile(priorFile), "prior set written");
        byte[] prior = Files.readAllBytes(priorFile);
        FileTime written = Files.getLastModifiedTime(priorFile);
        assertTrue(Files.isRegularFile(runA.resolve("samples.png")), "preview");
        assertTrue(a.metrics().containsKey("subject_sim_instance") && a.metrics().containsKey("subject_sim_class_before"), a.metrics().toString());

        Path outA = dir.resolve("out-a");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> baseImage = SavedNetwork.load(ckpt.resolve("image_ldm.safetensors"), m).module().stateDict();
            Map<String, NDArray> tunedImage = SavedNetwork.load(outA.resolve("image_ldm.safetensors"), m).module().stateDict();
            Map<String, NDArray> baseVideo = SavedNetwork.load(ckpt.resolve("video_ldm.safetensors"), m).module().stateDict();
            SavedNetwork video = SavedNetwork.load(outA.resolve("video_ldm.safetensors"), m);
            Map<String, NDArray> tunedVideo = video.module().stateDict();
            assertEquals(baseImage.keySet(), tunedImage.keySet());
            assertTrue(baseImage.keySet().stream().anyMatch(k -> !same(baseImage.get(k), tunedImage.get(k))), "fine-tuning changed the image weights");
            int temporal = 0;
            int spatialChanged = 0;
            for (String k : baseVideo.keySet()) {
                if (TemporalParameters.isTemporal(k)) {
                    temporal++;
                    assertTrue(same(baseVideo.get(k), tunedVideo.get(k)), "temporal weight " + k + " is the base video model's");
                } else {
                    assertTrue(same(tunedImage.get(k), tunedVideo.get(k)), "spatial weight " + k + " is the fine-tuned image model's");
                    spatialChanged += same(baseVideo.get(k), tunedVideo.get(k)) ? 0 : 1;
                }
            }
            assertTrue(temporal > 0 && spatialChanged > 0, temporal + " temporal keys, " + spatialChanged + " spatial keys changed");
            assertTrue(video.card().toString().contains("inserted unchanged"), video.card().toString());
            assertTrue(Files.readString(outA.resolve("image_ldm.md")).contains("prior preservation"));

            // the output folder samples on its own: autoencoder, text encoder and tokenizer were copied
            TextToVideoPipeline p = TextToVideoPipeline.load(outA, m);
            assertTrue(p.isVideo());
        }
        Path gen = dir.resolve("gen");
        assertEquals(0, Main.run(new String[] {"generate", "--checkpoints", outA.toString(), "--prompt", "a sks road", "--videos", "1", "--frames", "3",
            "--steps", "1", "--sampler", "euler", "--out", gen.toString()}));
        assertEquals(3, VideoReader.standard().read(gen.resolve("video_00.mp4")).size());

        // resumed to 3 steps: the prior set is read, not made again, and the weights equal an uninterrupted 3-step run's
        // (through the command line, with the settings of settings(...) but float16 export: the image model is rounded, while
        // the video model keeps its float32 base's precision, so its temporal layers stay bit-equal)
        assertEquals(0, Main.run(new String[] {"train", "dreambooth", "--subject", subject.toString(), "--checkpoints", ckpt.toString(), "--out",
            dir.resolve("out-b").toString(), "--run-dir", runA.toString(), "--steps", "3", "--batch", "1", "--subject-frames", "3", "--prior-images", "2",
            "--prior-steps", "1", "--prior-guidance", "3", "--eval-images", "2", "--scale", "toy", "--mode", "full"}));
        assertEquals(3, org.videoldm.train.LossLog.read(runA.resolve(StageRuns.LOSS_CSV)).size(), "resumed at step 2: one more step logged");
        assertArrayEquals(prior, Files.readAllBytes(priorFile));
        assertEquals(written, Files.getLastModifiedTime(priorFile), "the prior set is written once");
        new DreamBoothFinetuning(settings(ckpt, subject, dir.resolve("runs").resolve("db-c"), dir.resolve("out-c")).steps(3).float16(true)).run(null);
        assertArrayEquals(prior, Files.readAllBytes(dir.resolve("runs").resolve("db-c").resolve(DreamBoothParts.PRIOR_FILE)),
                "a fresh run samples the same prior set");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> baseVideo = SavedNetwork.load(ckpt.resolve("video_ldm.safetensors"), m).module().stateDict();
            Map<String, NDArray> videoB = SavedNetwork.load(dir.resolve("out-b").resolve("video_ldm.safetensors"), m).module().stateDict();
            assertTrue(baseVideo.keySet().stream().filter(TemporalParameters::isTemporal).allMatch(k -> same(baseVideo.get(k), videoB.get(k))),
                    "float16 export keeps a float32 base's temporal layers");
            Map<String, NDArray> resumed = SavedNetwork.load(dir.resolve("out-b").resolve("image_ldm.safetensors"), m).module().stateDict();
            Map<String, NDArray> straight = SavedNetwork.load(dir.resolve("out-c").resolve("image_ldm.safetensors"), m).module().stateDict();
            Map<String, NDArray> twoSteps = SavedNetwork.load(outA.resolve("image_ldm.safetensors"), m).module().stateDict();
            assertTrue(resumed.keySet().stream().allMatch(k -> same(resumed.get(k), straight.get(k))), "exact resume");
            assertTrue(resumed.keySet().stream().anyMatch(k -> !same(resumed.get(k), twoSteps.get(k))), "the third step trained");
        }
        // a prior set made for other settings is refused, not silently reused
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> new DreamBoothFinetuning(
                settings(ckpt, subject, runA, dir.resolve("out-d")).steps(4).classPrompt("a street")).run(null));
        assertTrue(other.getMessage().contains(DreamBoothParts.PRIOR_FILE) && other.getMessage().contains("a road"), other.getMessage());

        // input errors, one line naming the file
        Path missing = dir.resolve("no-such-subject.mp4");
        String err = cli("train", "dreambooth", "--subject", missing.toString(), "--checkpoints", ckpt.toString(), "--out", dir.resolve("x").toString());
        assertTrue(err.startsWith("error: subject ") && err.contains(missing.toString()) && err.strip().lines().count() == 1, err);
        Path empty = Files.createDirectories(dir.resolve("empty-subject"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new DreamBoothFinetuning(settings(ckpt, empty, dir.resolve("runs").resolve("db-e"), dir.resolve("x"))).run(null));
        assertTrue(none.getMessage().contains("no frames") && none.getMessage().contains(empty.toString()), none.getMessage());
        Path unconditional = Files.createDirectories(dir.resolve("unconditional"));
        Files.copy(ckpt.resolve("autoencoder.safetensors"), unconditional.resolve("autoencoder.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            SavedNetwork.save(unconditional.resolve("image_ldm.safetensors"), new UNetModel(m, Scale.TOY.imageUNet()), SavedNetwork.meta(), false);
        }
        String err2 = cli("train", "dreambooth", "--subject", subject.toString(), "--checkpoints", unconditional.toString(), "--out", dir.resolve("x").toString());
        assertTrue(err2.contains(unconditional.resolve("image_ldm.safetensors").toString()) && err2.contains("not a text-conditioned image LDM"), err2);
        String err3 = cli("train", "dreambooth", "--subject", subject.toString(), "--checkpoints", ckpt.toString(), "--out", ckpt.toString());
        assertTrue(err3.contains("--out must differ"), err3);
    }

    @Test
    void subjectFramesAreEvenlySpacedAndResized() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("subject"));
        for (int i = 0; i < 12; i++) {
            BufferedImage img = new BufferedImage(40 + i, 30, BufferedImage.TYPE_INT_RGB); // sizes differ: each image is fitted alone
            java.awt.Graphics2D g = img.createGraphics();
            g.setColor(new java.awt.Color(20 * i, 20 * i, 20 * i));
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.dispose();
            ImageIO.write(img, "png", folder.resolve("img_" + i + ".png").toFile());
        }
        Files.writeString(folder.resolve("notes.txt"), "not a frame");
        SubjectFrames.Result r = SubjectFrames.read(folder, 4, 16, 32, VideoReader.pureJava());
        assertEquals(12, r.total());
        assertEquals(12, r.sources().size(), "the text file is not a source");
        assertEquals(4, r.frames().size());
        r.frames().forEach(f -> assertEquals(List.of(32, 16), List.of(f.width(), f.height())));
        // the middles of four equal stretches of 12, in natural name order (img_2 before img_10): images 1, 4, 7 and 10
        assertEquals(List.of(20, 80, 140, 200), r.frames().stream().map(f -> f.get(5, 5, 0)).toList());
        assertEquals(12, SubjectFrames.read(folder, 50, 16, 32, VideoReader.pureJava()).frames().size(), "never more frames than there are");
        assertThrows(IllegalArgumentException.class, () -> SubjectFrames.read(dir.resolve("nothing"), 4, 16, 32, VideoReader.pureJava()));
    }

    @Test
    void priorRowsFollowInstanceRowsAndAreWeightedByLambda() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape latent = new Shape(2, 3, 3);
            float[][] instance = {filled(18, 1f), filled(18, 1.5f)};
            float[][] prior = {filled(18, -2f), filled(18, -3f), filled(18, -4f)};
            NDArray x = DreamBoothParts.batch(m, instance, prior, new java.util.SplittableRandom(5), 2, latent);
            assertEquals(new Shape(4, 2, 3, 3), x.getShape());
            float[] rows = x.get(":, 0, 0, 0").toFloatArray();
            assertTrue(rows[0] > 0 && rows[1] > 0 && rows[2] < 0 && rows[3] < 0, Arrays.toString(rows));

            // the network predicts zeros: every row has its own loss, and lambda scales the prior rows' share
            DiffusionNetwork zero = new DiffusionNetwork() {
                @Override
                public NDArray apply(NDArray in, NDArray cNoise, Conditioning cond) {
                    return in.zerosLike();
                }

                @Override
                public org.videoldm.nn.Module module() {
                    return null;
                }
            };
            DiffusionLoss objective = new DiffusionLoss(new EDMSampling(-1.2, 1.2), LossWeighting.edm(0.5));
            Denoiser den = ImageLDMTraining.denoiser(0.5);
            DiffusionStage.Batch batch = new DiffusionStage.Batch(x, Conditioning.none(), null);
            float[] perRow = objective.loss(zero, den, x, Conditioning.none(), StepContext.forLoss(7, 3, 0, m)).toFloatArray();
            DiffusionStage plain = new DiffusionStage(zero, den, objective, ctx -> batch);
            float lambda = 0.25f;
            DiffusionStage weighted = plain.withRowWeights((b, ctx) -> ctx.manager().create(new float[] {1, 1, lambda, lambda}));
            double instanceLoss = (perRow[0] + perRow[1]) / 2.0;
            double priorLoss = (perRow[2] + perRow[3]) / 2.0;
            double want = (instanceLoss + lambda * priorLoss) / 2;
            assertEquals(want, weighted.loss(batch, StepContext.forLoss(7, 3, 0, m)).getFloat(), 1e-5 * want);
            assertEquals((instanceLoss + priorLoss) / 2, plain.loss(batch, StepContext.forLoss(7, 3, 0, m)).getFloat(), 1e-5 * want);
            assertTrue(Math.abs(want - (instanceLoss + priorLoss) / 2) > 1e-3 * want, "lambda matters");
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    private DreamBoothFinetuning.Settings settings(Path ckpt, Path subject, Path run, Path out) {
        return DreamBoothFinetuning.Settings.defaults(Scale.TOY, StageFixtures.FULL).projectRoot(dir).checkpoints(ckpt).out(out).runDir(run)
                .progress(Progress.Mode.QUIET).float16(false).checkpointEvery(0).subject(subject).batch(1).subjectFrames(3).priorImages(2)
                .priorSampling(1, 3).evalImages(2);
    }

    private static boolean same(NDArray a, NDArray b) {
        return a.getShape().equals(b.getShape()) && Arrays.equals(a.toFloatArray(), b.toFloatArray());
    }

    /** Runs the command line, expecting exit status 2, and returns what it printed to stderr. */
    private static String cli(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, Main.run(args), String.join(" ", args));
        } finally {
            System.setErr(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
