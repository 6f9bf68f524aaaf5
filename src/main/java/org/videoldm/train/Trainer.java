package org.videoldm.train;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Module;
import org.videoldm.util.Progress;

/**
 * Trains the trainable parameters of a {@link TrainingStage}'s module: gradient accumulation over micro-batches,
 * NaN/Inf detection (the step is refused and training stops, the last checkpoint stays the last good state; a
 * non-finite gradient names its parameters), a check that every trainable part of the module takes part in the loss,
 * global-norm gradient clipping, {@link AdamW} with warm-up and parameter groups, an {@link Ema}, a CSV
 * {@link LossLog}, progress (loss, it/s, ETA) and {@link TrainingCheckpoint}s from which {@link #resume} continues
 * bit for bit.
 *
 * <pre>{@code
 * unet.setTrainable(k -> k.contains("time_stack") || k.contains("time_mixer"));   // frozen spatial layers
 * Trainer<B> t = new Trainer<>(stage, new TrainerConfig().lr(1e-4).warmupSteps(100).gradClip(1.0)
 *         .checkpoint(Path.of("runs/a/ckpt.safetensors")).checkpointEvery(500).lossLog(Path.of("runs/a/loss.csv")));
 * t.resumeIfExists();          // continue where a previous run stopped
 * t.run(1000, (step, loss, lr, gradNorm, itPerS, eta) -> ...);
 * }</pre>
 */
public final class Trainer<B> implements AutoCloseable {
    private final TrainingStage<B> stage;
    private final Module module;
    private final TrainerConfig config;
    private final LRSchedule schedule;
    private final AdamW optimizer;
    private final Ema ema;
    private final GradientPass<B> pass;
    private final Map<String, TrainerConfig.ParamGroup> groups = new LinkedHashMap<>();
    private LossLog lossLog;
    private long step;
    private long lastCheckpointStep = -1;
    private double elapsedBefore;

    public Trainer(TrainingStage<B> stage, TrainerConfig config) {
        this(stage, config, LRSchedule.linearWarmup(config.warmupSteps));
    }

    public Trainer(TrainingStage<B> stage, TrainerConfig config, LRSchedule schedule) {
        config.validate();
        this.stage = stage;
        this.module = stage.module();
        this.config = config;
        this.schedule = schedule;
        Map<String, NDArray> trainable = module.trainableParameters();
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("trainer: " + module.getClass().getSimpleName() + " has no trainable parameters (see Module.setTrainable)");
        }
        trainable.keySet().forEach(k -> groups.put(k, config.groupOf(k)));
        // Gradients left by earlier use of the module would hide parameters that take no part in this stage's loss.
        trainable.values().forEach(p -> {
            if (JniUtils.getGradient((PtNDArray) p) != null) {
                StateDict.assign(p, p); // a fresh copy without gradient, trainable as before
            }
        });
        this.optimizer = new AdamW(module.manager(), config.beta1, config.beta2, config.eps);
        this.pass = new GradientPass<>(stage, config, groups, this::lastGood);
        this.ema = config.emaDecay > 0 ? new Ema(module, config.emaDecay) : null;
        warnIfNotReproducible();
    }

    private static boolean warned;

    /** MKL inside libtorch varies thread counts and kernels with load and alignment unless these are set. */
    private static synchronized void warnIfNotReproducible() {
        if (!warned && (!"FALSE".equalsIgnoreCase(System.getenv("MKL_DYNAMIC")) || System.getenv("MKL_CBWR") == null)) {
            warned = true;
            System.err.println("videoldm: MKL_DYNAMIC=FALSE and MKL_CBWR=AUTO,STRICT are not both set in the environment; "
                    + "training still works, but a resumed run may differ from an uninterrupted one in the last bits");
        }
    }

    /** Optimizer steps completed. */
    public long step() {
        return step;
    }

    public Ema ema() {
        return ema;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public TrainerConfig config() {
        return config;
    }

    /** Parameter names by group name, to check the split (e.g. spatial frozen, temporal trained). */
    public Map<String, TrainerConfig.ParamGroup> parameterGroups() {
        return groups;
    }

    /** The learning rate of the default group at the step about to be taken. */
    public double currentLr() {
        return config.lr * schedule.factor(step);
    }

    /**
     * Runs {@code steps} more optimizer steps, writing checkpoints as configured and one at the end.
     *
     * @param listener called after each step, may be null
     */
    public void run(long steps, TrainingListener listener) {
        long target = step + steps;
        openLossLog();
        try (Progress bar = Progress.start(stage.getClass().getSimpleName(), target, step, config.progress)) {
            while (step < target) {
                double lr = currentLr();
                StepStats s = trainStep();
                bar.update(step, String.format(Locale.ROOT, "loss %.4g", s.loss));
                double itps = bar.throughput().iterationsPerSecond();
                if (lossLog != null) {
                    lossLog.append(new LossLog.Row(step, s.loss, lr, s.gradNorm, itps, elapsedBefore + bar.throughput().elapsedSeconds()));
                }
                if (listener != null) {
                    listener.onStep(step, s.loss, lr, s.gradNorm, itps, bar.throughput().etaSeconds());
                }
                if (config.checkpoint != null && config.checkpointEvery > 0 && step % config.checkpointEvery == 0) {
                    save(Path.of(config.checkpoint));
                }
            }
            elapsedBefore += bar.throughput().elapsedSeconds();
        }
        if (config.checkpoint != null && lastCheckpointStep != step) {
            save(Path.of(config.checkpoint));
        }
    }

    /** Loss and gradient norm of one step. */
    public record StepStats(double loss, double gradNorm) {}

    /** One optimizer step over {@code accumulation} micro-batches. */
    public StepStats trainStep() {
        Map<String, NDArray> params = module.trainableParameters();
        // libtorch's autograd switch is per thread and on by default: a step run on a thread the engine did not start
        // on (a notebook cell's, a worker's) would record the in-place updates below and refuse them
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager sm = module.manager().newSubManager()) {
            GradientPass.Result r = pass.run(step, params, sm);
            if (config.gradClip > 0) {
                double coef = config.gradClip / (r.norm() + 1e-6);
                if (coef < 1) {
                    r.grads().values().forEach(g -> Ops.scaleInPlace(g, (float) coef));
                }
            }
            double factor = schedule.factor(step);
            optimizer.beginStep();
            for (Map.Entry<String, NDArray> e : r.grads().entrySet()) {
                TrainerConfig.ParamGroup grp = groups.get(e.getKey());
                optimizer.update(e.getKey(), params.get(e.getKey()), e.getValue(), config.lr * factor * grp.lrScale(), grp.weightDecay(), sm);
            }
            GradientPass.zero(params); // the next backward accumulates afresh
            if (ema != null) {
                ema.update(module, sm);
            }
            step++;
            return new StepStats(r.loss(), r.norm());
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    private String lastGood() {
        return lastCheckpointStep >= 0
                ? "the last good checkpoint is " + config.checkpoint + " (step " + lastCheckpointStep + ")"
                : "no checkpoint was written in this run";
    }

    /** Writes a checkpoint (temporary file, then rename). */
    public void save(Path file) {
        TrainingCheckpoint.save(file, module, ema, optimizer, step, config.seed, config);
        lastCheckpointStep = step;
    }

    /** Restores model, EMA, optimizer and step from a checkpoint; the loss log is cut back to that step. */
    public TrainingCheckpoint.Info resume(Path file) {
        TrainingCheckpoint.Info info = TrainingCheckpoint.load(file, module, ema, optimizer);
        for (String k : optimizer.firstMoments().keySet()) {
            if (!groups.containsKey(k)) {
                throw new IllegalArgumentException(file + ": optimizer state for '" + k + "', which this run does not train "
                        + "(the trainable parameters differ from the run that wrote the checkpoint)");
            }
        }
        if (info.seed() != config.seed) {
            throw new IllegalArgumentException(file + ": written with seed " + info.seed() + " but this trainer has seed " + config.seed
                    + "; the run would not continue the same way");
        }
        step = info.step();
        lastCheckpointStep = step;
        if (lossLog != null) {
            lossLog.close();
            lossLog = null;
        }
        return info;
    }

    /** Resumes from the configured checkpoint if it exists; returns whether it did. */
    public boolean resumeIfExists() {
        if (config.checkpoint != null && Files.isRegularFile(Path.of(config.checkpoint))) {
            resume(Path.of(config.checkpoint));
            return true;
        }
        return false;
    }

    private void openLossLog() {
        if (lossLog == null && config.lossLog != null) {
            lossLog = new LossLog(Path.of(config.lossLog), step);
        }
    }

    @Override
    public void close() {
        pass.close();
        if (lossLog != null) {
            lossLog.close();
        }
        optimizer.close();
        if (ema != null) {
            ema.close();
        }
    }
}
