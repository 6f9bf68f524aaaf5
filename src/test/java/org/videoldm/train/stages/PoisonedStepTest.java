package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.train.LossLog;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.util.TorchFlags;

/**
 * The first training step of every stage, once as usual and once with libtorch's allocations poisoned (every buffer
 * starts as NaN) and the garbage collector run between forward and backward (freed Java buffers that a graph still
 * reads become garbage). A computation that reads memory nobody wrote, or memory already freed, gives NaN or a
 * different number under poisoning, on any CPU; a correct one gives bit for bit the same loss and gradient norm.
 * (The trainer also computes every first step twice, so a poisoned read that survived would show as disagreement.)
 */
class PoisonedStepTest {
    @TempDir
    Path tmp;

    /** Runs {@code stage} in a fresh folder (made by {@code setUp}) normally and poisoned; compares every loss log. */
    void sameUnderPoison(Function<Path, Runnable> setUp) throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        Path poisoned = Files.createDirectories(tmp.resolve("poisoned"));
        setUp.apply(plain).run();
        Runnable poisonedRun = setUp.apply(poisoned);
        TorchFlags.poisonAllocations(true);
        try {
            poisonedRun.run();
        } finally {
            TorchFlags.poisonAllocations(false);
        }
        Map<String, List<LossLog.Row>> a = logs(plain);
        Map<String, List<LossLog.Row>> b = logs(poisoned);
        assertFalse(a.isEmpty(), "loss logs under " + plain);
        assertEquals(a.keySet(), b.keySet());
        for (String log : a.keySet()) {
            List<LossLog.Row> x = a.get(log);
            List<LossLog.Row> y = b.get(log);
            assertEquals(x.size(), y.size(), log);
            for (int i = 0; i < x.size(); i++) {
                assertTrue(Double.isFinite(x.get(i).loss()) && Double.isFinite(x.get(i).gradNorm()), log + " " + x.get(i));
                assertEquals(x.get(i).loss(), y.get(i).loss(), 0.0, log + " step " + x.get(i).step() + ": loss under poisoning");
                assertEquals(x.get(i).gradNorm(), y.get(i).gradNorm(), 0.0, log + " step " + x.get(i).step() + ": gradient norm under poisoning");
            }
        }
    }

    static Map<String, List<LossLog.Row>> logs(Path root) throws IOException {
        Map<String, List<LossLog.Row>> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".csv") && f.toString().contains("runs")).toList()) {
                if (Files.readAllLines(p).get(0).startsWith("step,loss,lr,grad_norm")) { // loss logs, not alpha or sample logs
                    out.put(root.relativize(p).toString(), LossLog.read(p));
                }
            }
        }
        return out;
    }

    @Test
    void autoencoder() throws IOException {
        sameUnderPoison(dir -> {
            Path videos = StageFixtures.videos(dir);
            return () -> new AutoencoderTraining(StageFixtures.quiet(AutoencoderTraining.Settings.defaults(Scale.TOY, RunMode.FULL), dir, videos)
                    .steps(1).batch(2).crop(16, 32).scaleSamples(4).validationFrames(4)).run(null);
        });
    }

    @Test
    void imageLdm() throws IOException {
        sameUnderPoison(dir -> {
            Path videos = StageFixtures.videos(dir);
            StageFixtures.autoencoder(dir);
            return () -> new ImageLDMTraining(StageFixtures.quiet(ImageLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL), dir, videos)
                    .steps(1).batch(2).previewSamples(0)).run(null);
        });
    }

    @Test
    void temporalAlignment() throws IOException {
        sameUnderPoison(dir -> {
            TinyParents.write(dir.resolve("checkpoints"), dir.resolve("data"));
            return () -> new TemporalAlignment(TinyParents.quiet(TemporalAlignment.Settings.defaults(Scale.TOY, RunMode.FULL), dir, 1, 1)
                    .previewVideos(0)).run(null);
        });
    }

    @Test
    void decoderFinetuningWithItsDiscriminator() throws IOException {
        sameUnderPoison(dir -> {
            Path videos = StageFixtures.videos(dir);
            StageFixtures.autoencoder(dir);
            // the adversarial term from the first step, so the generator's loss goes through the discriminator too
            return () -> new DecoderFinetuning(StageFixtures.quiet(DecoderFinetuning.Settings.defaults(Scale.TOY, RunMode.FULL), dir, videos)
                    .steps(1).batch(1).crop(32, 64).adversarialStart(0).evaluationClips(1)).run(null);
        });
    }

    @Test
    void prediction() throws IOException {
        sameUnderPoison(dir -> {
            TinyParents.write(dir.resolve("checkpoints"), dir.resolve("data"));
            return () -> new PredictionTraining(TinyParents.quiet(PredictionTraining.Settings.defaults(Scale.TOY, RunMode.FULL), dir, 1, 1)
                    .previewVideos(0)).run(null);
        });
    }

    @Test
    void interpolation() throws IOException {
        sameUnderPoison(dir -> {
            TinyParents.write(dir.resolve("checkpoints"), dir.resolve("data"));
            return () -> new InterpolationTraining(TinyParents.quiet(InterpolationTraining.Settings.defaults(Scale.TOY, RunMode.FULL), dir, 1, 1)
                    .previewVideos(0)).run(null);
        });
    }

    @Test
    void upsamplersImageAndTemporal() throws IOException {
        sameUnderPoison(dir -> {
            TinyParents.write(dir.resolve("checkpoints"), dir.resolve("data"));
            UpsamplerTraining u = new UpsamplerTraining(TinyParents.quiet(UpsamplerTraining.Settings.defaults(Scale.TOY, RunMode.FULL), dir, 1, 2)
                    .videoSteps(1).videoBatch(1).previewVideos(0));
            return () -> {
                u.runImage(null);
                u.runVideo(null);
            };
        });
    }
}
