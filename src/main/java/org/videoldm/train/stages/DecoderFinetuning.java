package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipSource;
import org.videoldm.data.VideoTensors;
import org.videoldm.model.Discriminator3D;
import org.videoldm.model.Lpips;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.VideoDecoder;
import org.videoldm.model.VideoDiscriminatorLoss;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.nn.Module;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.LossLog;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.StepContext;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainerConfig;
import org.videoldm.train.TrainingListener;
import org.videoldm.train.TrainingStage;
import org.videoldm.util.Progress;

/**
 * Temporal decoder fine-tuning (paper Sec. 3.1.1): the image autoencoder's decoder becomes a {@link VideoDecoder}
 * (temporal 3D residual layers and an output time-mixing convolution, started as the image decoder), the encoder
 * stays frozen, and the decoder learns to reconstruct whole clips from their per-frame latents against a 3D
 * patch discriminator ({@link Discriminator3D}, hinge loss) that judges clips, not frames, so flicker is penalised.
 *
 * <p>Each step first updates the discriminator on the step's real clips and reconstructions (computed without
 * gradients), then the decoder on reconstruction (L1, plus LPIPS with weights) + weight x adversarial loss. Both
 * are resumable: the discriminator keeps its own checkpoint and loss CSV in the run folder.
 *
 * <p>Reports temporal consistency on held-out clips before (image decoder) and after: {@code flicker} = mean
 * |x̂(t+1) - x̂(t)| - mean |x(t+1) - x(t)| (frame-to-frame change beyond the input's, in [-1, 1] units) and
 * {@code temporal_error} = mean |(x̂(t+1) - x̂(t)) - (x(t+1) - x(t))|.
 */
public final class DecoderFinetuning {
    public static final String STAGE = "decoder";
    public static final String DISCRIMINATOR_CHECKPOINT = "discriminator.safetensors";
    public static final String DISCRIMINATOR_CSV = "discriminator_loss.csv";

    /** Settings; {@code batch} counts clips of T frames. */
    public static final class Settings extends StageSettings<Settings> {
        public Path autoencoder;
        public double discriminatorLr;
        /**
         * Weight of the decoder's adversarial term. Small: at 0.1 the toy decoder traded colour fidelity for fooling the
         * discriminator (validation L1 0.12 -> 0.22 in 100 steps, tinted frames); at 0.01 it stays at the image decoder's.
         */
        public double adversarialWeight = 0.01;
        /**
         * Decoder steps before the adversarial term is used, as the reference's {@code disc_start} (the discriminator trains
         * from the start); negative: a third of the steps.
         */
        public long adversarialStart = -1;
        /** Train the whole decoder (true, as the paper) or only its temporal layers. */
        public boolean trainSpatial = true;
        /** Start the output time-mixing conv as the identity, so step 0 decodes exactly as the image decoder. */
        public boolean identityStart = true;
        public Path lpipsWeights;
        public double perceptualWeight = 1.0;
        /**
         * Training crops (height, width) cut from the clips (the same window in every frame of a clip), or 0 for
         * whole frames: the decoder and the discriminator are convolutional, and crops cost a fraction.
         */
        public int cropHeight;
        public int cropWidth;
        /** Held-out clips for the flicker figures. */
        public int evaluationClips;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            boolean toy = scale == Scale.TOY;
            s.steps(toy ? 1500 : 50_000).batch(toy ? 2 : 4).lr(toy ? 1e-4 : 2e-5).warmup(toy ? 20 : 1000).emaDecay(0);
            s.discriminatorLr = s.lr;
            s.cropHeight = toy ? 32 : 0;
            s.cropWidth = toy ? 64 : 0;
            s.evaluationClips = mode.samples(toy ? 8 : 64);
            return s;
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings autoencoder(Path v) { autoencoder = v; return this; }
        public Settings discriminatorLr(double v) { discriminatorLr = v; return this; }
        public Settings adversarialWeight(double v) { adversarialWeight = v; return this; }
        public Settings adversarialStart(long v) { adversarialStart = v; return this; }
        public Settings trainSpatial(boolean v) { trainSpatial = v; return this; }
        public Settings identityStart(boolean v) { identityStart = v; return this; }
        public Settings lpipsWeights(Path v) { lpipsWeights = v; return this; }
        public Settings perceptualWeight(double v) { perceptualWeight = v; return this; }
        public Settings evaluationClips(int v) { evaluationClips = v; return this; }
        public Settings crop(int height, int width) { cropHeight = height; cropWidth = width; return this; }

        public Path autoencoderOrDefault() {
            return networkOrDefault(autoencoder, CheckpointFolder.AUTOENCODER);
        }

        @Override
        public String stage() {
            return STAGE;
        }
    }

    /** Real clips {@code (b t) c h w} in [-1, 1] and their latents (posterior modes). */
    record Clips(NDArray pixels, NDArray latents) {}

    /** Real clips and detached reconstructions for a discriminator step. */
    record Judged(NDArray real, NDArray fake) {}

    /** The discriminator's step on what the decoder's step hands it. */
    static final class DiscriminatorStep implements TrainingStage<Judged> {
        private final Discriminator3D d;
        private final int frames;
        private Judged pending;

        DiscriminatorStep(Discriminator3D d, int frames) {
            this.d = d;
            this.frames = frames;
        }

        @Override
        public Module module() {
            return d;
        }

        @Override
        public Judged batch(StepContext ctx) {
            // the decoder's backward pass through the discriminator left gradients on its parameters: start afresh
            for (NDArray p : d.trainableParameters().values()) {
                try {
                    NDArray g = p.getGradient();
                    g.subi(g);
                } catch (IllegalStateException | ai.djl.engine.EngineException e) {
                    // no gradient yet
                }
            }
            return pending;
        }

        @Override
        public NDArray loss(Judged batch, StepContext ctx) {
            return VideoDiscriminatorLoss.discriminator(batch.real(), batch.fake(), d, frames);
        }
    }

    /** The decoder's step; runs the discriminator's step on the same clips first. */
    static final class DecoderStep implements TrainingStage<Clips> {
        private final AutoencoderKL ae;
        private final ClipSampler clips;
        private final int batch;
        private final int frames;
        private final VideoDiscriminatorLoss loss;
        private final Discriminator3D d;
        private final DiscriminatorStep dStep;
        private final Trainer<Judged> dTrainer;
        private final LossLog dLog;
        private final long adversarialStart;
        private final int cropHeight;
        private final int cropWidth;

        DecoderStep(AutoencoderKL ae, ClipSampler clips, int batch, int frames, VideoDiscriminatorLoss loss, Discriminator3D d, DiscriminatorStep dStep,
                Trainer<Judged> dTrainer, LossLog dLog, long adversarialStart, int cropHeight, int cropWidth) {
            this.ae = ae;
            this.clips = clips;
            this.batch = batch;
            this.frames = frames;
            this.loss = loss;
            this.d = d;
            this.dStep = dStep;
            this.dTrainer = dTrainer;
            this.dLog = dLog;
            this.adversarialStart = adversarialStart;
            this.cropHeight = cropHeight;
            this.cropWidth = cropWidth;
        }

        @Override
        public Module module() {
            return ae;
        }

        @Override
        public Clips batch(StepContext ctx) {
            List<Clip> cs = new ArrayList<>();
            for (Clip c : clips.clips(ctx, batch)) {
                cs.add(crop(c, ctx));
            }
            NDArray x = VideoTensors.framesInner(VideoTensors.toTensor(ctx.manager(), cs));
            NDArray z = ae.encode(x).mode();
            // outside the trainer's gradient scope: nothing here is recorded for backward
            dStep.pending = new Judged(x, ae.decode(z, frames));
            double lr = dTrainer.currentLr();
            Trainer.StepStats st = dTrainer.trainStep();
            dLog.append(new LossLog.Row(dTrainer.step(), st.loss(), lr, st.gradNorm(), 0, 0));
            dStep.pending = null;
            return new Clips(x, z);
        }

        /** The same random window of every frame. */
        private Clip crop(Clip c, StepContext ctx) {
            if (cropHeight <= 0 || cropWidth <= 0 || (cropHeight >= c.height() && cropWidth >= c.width())) {
                return c;
            }
            int h = Math.min(cropHeight, c.height());
            int w = Math.min(cropWidth, c.width());
            int x0 = ctx.random().nextInt(c.width() - w + 1);
            int y0 = ctx.random().nextInt(c.height() - h + 1);
            List<org.videoldm.data.RgbFrame> frames = new ArrayList<>();
            for (org.videoldm.data.RgbFrame f : c.frameList()) {
                frames.add(f.crop(x0, y0, w, h));
            }
            return Clip.of(c.id(), frames);
        }

        @Override
        public NDArray loss(Clips b, StepContext ctx) {
            NDArray rec = ae.decode(b.latents(), frames);
            return ctx.step() >= adversarialStart ? loss.generator(b.pixels(), rec, d, frames) : loss.reconstructionWithPerceptual(b.pixels(), rec);
        }
    }

    private final Settings s;

    public DecoderFinetuning(Settings settings) {
        this.s = settings;
    }

    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = StageRuns.finished(STAGE, s, CheckpointFolder.VIDEO_DECODER);
        if (done.isPresent()) {
            return done.get();
        }
        Path aePath = s.autoencoderOrDefault();
        ClipDataset ds = StageRuns.clips(s);
        int frames = s.scale.frames();
        Path run = s.runDirOrDefault();
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork saved = SavedNetwork.load(aePath, m);
            AutoencoderKL image = saved.module(AutoencoderKL.class);
            image.setTrainable(k -> false);
            double scaleFactor = saved.scaleFactor().orElseThrow(() -> new IllegalArgumentException(aePath + ": no scale factor in its metadata"));
            Engine.getInstance().setRandomSeed((int) s.seed);
            VideoDecoder vd = VideoDecoder.fromImage(m, image.decoder(), s.scale.videoDecoder());
            if (s.identityStart) {
                vd.identityTimeMixing();
            }
            AutoencoderKL video = new AutoencoderKL(m, image.ddconfig(), image.embedDim(), vd);
            Map<String, NDArray> target = video.stateDict();
            image.stateDict().forEach((k, v) -> {
                if (!k.startsWith("decoder.")) {
                    org.videoldm.io.StateDict.assign(target.get(k), v);
                }
            });
            video.setTrainable(k -> (k.startsWith("decoder.") || k.startsWith("post_quant_conv.")) && (s.trainSpatial || TemporalParameters.isTemporal(k)));
            long trainable = video.trainableParameters().values().stream().mapToLong(NDArray::size).sum();
            Discriminator3D d = new Discriminator3D(m, s.scale.discriminator());
            d.setTrainable(k -> true);
            Lpips lpips = Lpips.loadOrExplain(m, s.lpipsWeights, System.err);
            ClipSource evalClips = ds.validation().size() > 0 ? ds.validation() : ds.train();
            double[] before = temporalConsistency(image, evalClips, s.evaluationClips, frames, m);

            DiscriminatorStep dStep = new DiscriminatorStep(d, frames);
            TrainerConfig dConfig = new TrainerConfig().lr(s.discriminatorLr).warmupSteps(s.warmup).gradClip(s.gradClip).emaDecay(0).seed(s.seed)
                    .progress(Progress.Mode.QUIET);
            Path dCheckpoint = run.resolve(DISCRIMINATOR_CHECKPOINT);
            StageRuns.Timing timing;
            try (Trainer<Judged> dTrainer = new Trainer<>(dStep, dConfig)) {
                long dStart = s.resume && Files.isRegularFile(dCheckpoint) ? dTrainer.resume(dCheckpoint).step() : 0;
                try (LossLog dLog = new LossLog(run.resolve(DISCRIMINATOR_CSV), dStart)) {
                    DecoderStep gStep = new DecoderStep(video, new ClipSampler(ds.train(), s.seed, 1, s.dataShares()), s.batch, frames,
                            new VideoDiscriminatorLoss(true, lpips, s.perceptualWeight, s.adversarialWeight), d, dStep, dTrainer, dLog,
                            s.adversarialStart >= 0 ? s.adversarialStart : s.steps / 3,
                            s.cropHeight, s.cropWidth);
                    try (Trainer<Clips> t = new Trainer<>(gStep, StageRuns.trainerConfig(s))) {
                        long start = StageRuns.resumeOrStart(t, s);
                        if (start != dStart) {
                            System.err.printf(Locale.ROOT, "%s: warning: the decoder resumes at step %d but the discriminator at %d (%s)%n", STAGE, start, dStart,
                                    dCheckpoint);
                        }
                        timing = StageRuns.runTo(t, s.steps, (step, l, lr, g, it, eta) -> {
                            if (s.checkpointEvery > 0 && step % s.checkpointEvery == 0) {
                                dTrainer.save(dCheckpoint);
                            }
                            if (listener != null) {
                                listener.onStep(step, l, lr, g, it, eta);
                            }
                        });
                        if (timing.steps() > 0) {
                            dTrainer.save(dCheckpoint);
                        }
                    }
                }
            }
            video.setTrainable(k -> false);
            d.setTrainable(k -> false);
            double[] after = temporalConsistency(video, evalClips, s.evaluationClips, frames, m);
            Map<String, Double> metrics = new TreeMap<>();
            metrics.put("flicker_image_decoder", before[0]);
            metrics.put("flicker_video_decoder", after[0]);
            metrics.put("temporal_error_image_decoder", before[1]);
            metrics.put("temporal_error_video_decoder", after[1]);
            metrics.put("l1_image_decoder", before[2]);
            metrics.put("l1_video_decoder", after[2]);
            Path csv = run.resolve(StageRuns.LOSS_CSV);
            double finalLoss = StageRuns.finalLoss(csv, 50);
            List<String> notes = new ArrayList<>();
            notes.add("Encoder, quant_conv and scale factor are " + aePath.getFileName() + "'s (frozen); the decoder was fine-tuned on clips of " + frames
                    + " frames against a 3D patch discriminator (hinge loss, adversarial weight " + s.adversarialWeight + ").");
            notes.add(String.format(Locale.ROOT, "Held-out clips (%d): flicker (frame-to-frame change beyond the input's) %.4f -> %.4f, temporal error %.4f -> %.4f, "
                    + "L1 %.4f -> %.4f (image decoder -> temporal decoder).", s.evaluationClips, before[0], after[0], before[1], after[1], before[2], after[2]));
            ModelCard card = new ModelCard(CheckpointFolder.VIDEO_DECODER, STAGE, StageRuns.dataCard(s, ds), List.of(StageRuns.fileName(aePath)),
                    vd.videoConfig().toJson(), s.toJson(), video.parameterCount(), trainable, s.steps, s.batch, "clips", s.seed,
                    StageRuns.trainingSeconds(csv), ModelCard.Machine.current(), finalLoss, metrics, notes);
            SavedNetwork.Meta meta = SavedNetwork.meta().scaleFactor(scaleFactor).frames(frames).frameSize(s.scale.height(), s.scale.width());
            Path file = StageRuns.export(s, CheckpointFolder.VIDEO_DECODER, video, meta, card);
            StageRuns.markFinished(s.runDirOrDefault(), s.steps);
            return new StageResult(STAGE, file, s.outOrDefault().resolve(CheckpointFolder.VIDEO_DECODER + ".md"), run, csv, s.steps, timing.steps(),
                    finalLoss, timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }

    /**
     * Temporal consistency of an autoencoder's reconstructions of {@code count} clips (whole clips spread over the
     * source, unaugmented): {flicker, temporal error, L1}, see the class comment.
     */
    public static double[] temporalConsistency(AutoencoderKL ae, ClipSource clips, int count, int frames, NDManager m) {
        int n = Math.max(1, Math.min(count, clips.size()));
        int stride = Math.max(1, clips.size() / n);
        boolean temporal = ae.decoder() instanceof VideoDecoder;
        double recDiff = 0;
        double inDiff = 0;
        double err = 0;
        double l1 = 0;
        long diffs = 0;
        long pixels = 0;
        for (int i = 0; i < n; i++) {
            Clip c = clips.clip(i * stride % clips.size());
            try (NDManager sm = m.newSubManager()) {
                NDArray x = VideoTensors.framesInner(VideoTensors.toTensor(sm, List.of(c))).toType(DataType.FLOAT32, false);
                NDArray rec = ae.decode(ae.encode(x).mode(), temporal ? c.frames() : 1).clip(-1f, 1f);
                long t = c.frames();
                NDArray dx = x.get("1:").sub(x.get(":" + (t - 1)));
                NDArray dr = rec.get("1:").sub(rec.get(":" + (t - 1)));
                recDiff += dr.abs().sum().getFloat();
                inDiff += dx.abs().sum().getFloat();
                err += dr.sub(dx).abs().sum().getFloat();
                diffs += dx.size();
                l1 += rec.sub(x).abs().sum().getFloat();
                pixels += x.size();
            }
        }
        return new double[] {(recDiff - inDiff) / diffs, err / diffs, l1 / pixels};
    }
}
