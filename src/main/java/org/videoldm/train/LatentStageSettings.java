package org.videoldm.train;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.DataSources;
import org.videoldm.util.Progress;

/**
 * The settings every latent diffusion stage after the base models shares (prediction, interpolation, upsampler):
 * where things are, how long and how hard to train. Defaults come from the {@link Scale} and the {@link RunMode}
 * (a smoke run takes a handful of steps; nothing else changes); every field can be overridden.
 *
 * @param data the data spec ({@code synthetic} or a folder of videos, see {@link DataSources})
 * @param projectRoot relative data specs and the default folders resolve against it
 * @param checkpoints where the parent networks are read from and the trained one is written
 * @param runs where each stage keeps its run folder (trainer checkpoint, loss CSV, latent caches)
 * @param clips the base model's clips (frame size, T, rate; the scale's by default): prediction and upsampler
 *     train on them, interpolation on longer windows at a higher rate derived from them
 * @param steps optimizer steps in total (a resumed run continues up to this count)
 * @param batch samples per step: clips for video stages, frames for the image upsampler
 * @param emaDecay decay of the exported exponential moving average of the weights (0: export the raw weights)
 * @param checkpointEvery steps between trainer checkpoints (0: only at the end)
 * @param float16 whether the exported network is stored as float16
 */
public record LatentStageSettings(Scale scale, String data, Path projectRoot, Path checkpoints, Path runs, ClipOptions clips, long steps, int batch, double lr,
        long warmupSteps, double emaDecay, double gradClip, long seed, long checkpointEvery, boolean float16, Progress.Mode progress) {

    public LatentStageSettings {
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("stage settings: steps and batch must be positive, got " + steps + " and " + batch);
        }
    }

    /** The current scale and run mode, the project folders, synthetic data, and the stage's full-run step count, batch and lr. */
    public static LatentStageSettings of(long fullSteps, int batch, double lr) {
        return of(Scale.current(), RunMode.current(), DataSources.projectRoot(), fullSteps, batch, lr);
    }

    public static LatentStageSettings of(Scale scale, RunMode mode, Path projectRoot, long fullSteps, int batch, double lr) {
        return new LatentStageSettings(scale, DataSources.SYNTHETIC, projectRoot, projectRoot.resolve("checkpoints").resolve(scale.key()),
                projectRoot.resolve("runs"), scale.clipOptions(1), mode.steps(fullSteps), batch, lr, Math.min(100, fullSteps / 10), 0.999, 1.0, 1, 250, true,
                Progress.Mode.AUTO);
    }

    public LatentStageSettings withData(String spec) {
        return new LatentStageSettings(scale, spec, projectRoot, checkpoints, runs, clips, steps, batch, lr, warmupSteps, emaDecay, gradClip, seed, checkpointEvery, float16, progress);
    }

    public LatentStageSettings withFolders(Path checkpointsDir, Path runsDir) {
        return new LatentStageSettings(scale, data, projectRoot, checkpointsDir, runsDir, clips, steps, batch, lr, warmupSteps, emaDecay, gradClip, seed, checkpointEvery, float16, progress);
    }

    /** Other base clips (e.g. a smaller frame size or fewer frames for a quick run). */
    public LatentStageSettings withClips(ClipOptions c) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, c, steps, batch, lr, warmupSteps, emaDecay, gradClip, seed, checkpointEvery, float16, progress);
    }

    public LatentStageSettings withSteps(long n) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips, n, batch, lr, Math.min(warmupSteps, n / 10), emaDecay, gradClip, seed, checkpointEvery, float16, progress);
    }

    public LatentStageSettings withBatch(int n) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips, steps, n, lr, warmupSteps, emaDecay, gradClip, seed, checkpointEvery, float16, progress);
    }

    public LatentStageSettings withLr(double v) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips, steps, batch, v, warmupSteps, emaDecay, gradClip, seed, checkpointEvery, float16, progress);
    }

    public LatentStageSettings withWarmup(long n) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips, steps, batch, lr, n, emaDecay, gradClip, seed, checkpointEvery, float16, progress);
    }

    public LatentStageSettings withEma(double decay) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips, steps, batch, lr, warmupSteps, decay, gradClip, seed, checkpointEvery, float16, progress);
    }

    public LatentStageSettings withSeed(long s) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips.withSeed(s), steps, batch, lr, warmupSteps, emaDecay, gradClip, s, checkpointEvery, float16, progress);
    }

    public LatentStageSettings withCheckpointEvery(long n) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips, steps, batch, lr, warmupSteps, emaDecay, gradClip, seed, n, float16, progress);
    }

    public LatentStageSettings withFloat16(boolean on) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips, steps, batch, lr, warmupSteps, emaDecay, gradClip, seed, checkpointEvery, on, progress);
    }

    public LatentStageSettings withProgress(Progress.Mode p) {
        return new LatentStageSettings(scale, data, projectRoot, checkpoints, runs, clips, steps, batch, lr, warmupSteps, emaDecay, gradClip, seed, checkpointEvery, float16, p);
    }

    /** A shipped (or parent) network of this scale: {@code checkpoints/NAME.safetensors}. */
    public Path network(String name) {
        return checkpoints.resolve(name + ".safetensors");
    }

    /** The run folder of a stage. */
    public Path runDir(String stage) {
        return runs.resolve(stage);
    }

    /** The data folder (the synthetic set is rendered on first use). */
    public Path dataDir() {
        return DataSources.resolve(data, projectRoot);
    }

    /** The trainer configuration these settings describe, checkpointing and logging into {@code runDir}. */
    public TrainerConfig trainerConfig(Path runDir) {
        return new TrainerConfig().lr(lr).warmupSteps(warmupSteps).gradClip(gradClip).emaDecay(emaDecay).seed(seed).weightDecay(0.0)
                .checkpoint(runDir.resolve("checkpoint.safetensors")).checkpointEvery(checkpointEvery).lossLog(runDir.resolve("loss.csv"))
                .progress(progress);
    }

    /** The optimisation settings for the model card. */
    public JsonObject toCardJson() {
        JsonObject o = new JsonObject();
        o.addProperty("lr", lr);
        o.addProperty("warmup_steps", warmupSteps);
        o.addProperty("ema_decay", emaDecay);
        o.addProperty("grad_clip", gradClip);
        o.addProperty("weight_decay", 0.0);
        o.addProperty("optimizer", "AdamW");
        o.addProperty("scale", scale.key());
        return o;
    }
}
