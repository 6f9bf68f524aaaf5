package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipSource;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;
import org.videoldm.model.Lpips;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.autoencoder.DiagonalGaussian;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.StepContext;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainingListener;
import org.videoldm.train.TrainingStage;

/**
 * Stage 0 of a latent diffusion model: the KL autoencoder on single frames of the training clips, with the reference's
 * loss without its GAN ({@code LPIPSWithDiscriminator} before {@code disc_start}): L1 reconstruction (plus LPIPS when
 * its weights are given) and a small KL term towards N(0, I) on a posterior sample. Both terms are the reference's
 * sums divided by the number of pixels, so {@code kl_weight} means what it means there (1e-6). The learned output
 * log-variance of the reference is left out (it starts at 0 and only rescales the loss).
 *
 * <p>After training it measures the latent scale factor, 1 / std of the latents of a sample of training frames (how
 * Stable Diffusion's 0.18215 was found), and stores it in the exported network ({@code videoldm.scale_factor}), so
 * the diffusion models train on latents of unit variance.
 */
public final class AutoencoderTraining {
    public static final String STAGE = "autoencoder";

    /** Settings; {@code batch} counts frames. */
    public static final class Settings extends StageSettings<Settings> {
        public double klWeight = 1e-6;
        /** Optional LPIPS weights (safetensors); without them the perceptual term is off. */
        public Path lpipsWeights;
        public double perceptualWeight = 1.0;
        /**
         * Training crops (height, width) cut from the frames, or 0 for whole frames. The autoencoder is convolutional,
         * so crops teach it the same at a fraction of the cost (Stable Diffusion's was trained on 256 x 256 crops).
         */
        public int cropHeight;
        public int cropWidth;
        /** Training frames encoded to measure the scale factor. */
        public int scaleSamples;
        /** Validation frames for the reconstruction figures of the card. */
        public int validationFrames;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            boolean toy = scale == Scale.TOY;
            s.cropHeight = toy ? 32 : 0;
            s.cropWidth = toy ? 64 : 0;
            s.steps(toy ? 4000 : 200_000).batch(toy ? 16 : 8).lr(toy ? 2e-4 : 4.5e-5).warmup(toy ? 50 : 1000).emaDecay(0);
            s.scaleSamples = mode.samples(toy ? 256 : 4096) * (mode == RunMode.SMOKE ? 4 : 1);
            s.validationFrames = mode.samples(toy ? 32 : 256) * (mode == RunMode.SMOKE ? 4 : 1);
            return s;
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings klWeight(double v) { klWeight = v; return this; }
        public Settings lpipsWeights(Path v) { lpipsWeights = v; return this; }
        public Settings perceptualWeight(double v) { perceptualWeight = v; return this; }
        public Settings crop(int height, int width) { cropHeight = height; cropWidth = width; return this; }
        public Settings scaleSamples(int v) { scaleSamples = v; return this; }
        public Settings validationFrames(int v) { validationFrames = v; return this; }

        @Override
        public String stage() {
            return STAGE;
        }
    }

    private final Settings s;

    public AutoencoderTraining(Settings settings) {
        this.s = settings;
    }

    /** Single frames [N, 3, H, W] in [-1, 1]. */
    record Frames(NDArray pixels) {}

    /** The training step: reconstruction + weighted KL on frames. */
    static final class AutoencoderStep implements TrainingStage<Frames> {
        private final AutoencoderKL ae;
        private final ClipSampler clips;
        private final int batch;
        private final double klWeight;
        private final Lpips lpips;
        private final double perceptualWeight;
        private final int cropHeight;
        private final int cropWidth;

        AutoencoderStep(AutoencoderKL ae, ClipSampler clips, int batch, double klWeight, Lpips lpips, double perceptualWeight, int cropHeight, int cropWidth) {
            this.ae = ae;
            this.clips = clips;
            this.batch = batch;
            this.klWeight = klWeight;
            this.lpips = lpips;
            this.perceptualWeight = perceptualWeight;
            this.cropHeight = cropHeight;
            this.cropWidth = cropWidth;
        }

        @Override
        public Module module() {
            return ae;
        }

        @Override
        public Frames batch(StepContext ctx) {
            List<Clip> frames = new ArrayList<>(batch);
            for (Clip c : clips.clips(ctx, batch)) {
                RgbFrame f = c.frame(ctx.random().nextInt(c.frames()));
                if (cropHeight > 0 && cropWidth > 0 && (cropHeight < f.height() || cropWidth < f.width())) {
                    int h = Math.min(cropHeight, f.height());
                    int w = Math.min(cropWidth, f.width());
                    f = f.crop(ctx.random().nextInt(f.width() - w + 1), ctx.random().nextInt(f.height() - h + 1), w, h);
                }
                frames.add(Clip.of(c.id(), List.of(f)));
            }
            return new Frames(VideoTensors.framesInner(VideoTensors.toTensor(ctx.manager(), frames)));
        }

        @Override
        public NDArray loss(Frames batch, StepContext ctx) {
            NDArray x = batch.pixels();
            DiagonalGaussian post = ae.encode(x);
            // a posterior sample drawn from the step's seed, so a resumed run draws the same
            NDArray z = post.mean().add(Ops.scale(post.logvar(), 0.5f).exp().mul(ctx.normal(post.mean().getShape())));
            NDArray rec = ae.decode(z);
            NDArray loss = x.sub(rec).abs().mean();
            if (lpips != null && perceptualWeight > 0) {
                loss = loss.add(Ops.scale(lpips.forward(x, rec).mean(), (float) perceptualWeight));
            }
            long pixels = x.getShape().size() / x.getShape().get(0);
            return loss.add(Ops.scale(post.kl().mean(), (float) (klWeight / pixels)));
        }
    }

    /** Trains (or resumes), measures the scale factor, exports {@code autoencoder.safetensors} and its card. */
    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = StageRuns.finished(STAGE, s, CheckpointFolder.AUTOENCODER);
        if (done.isPresent()) {
            return done.get();
        }
        ClipDataset ds = StageRuns.clips(s);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) s.seed);
            AutoencoderKL ae = AutoencoderKL.fromJson(m, s.scale.autoencoderKwargs());
            ae.setTrainable(k -> true);
            Lpips lpips = Lpips.loadOrExplain(m, s.lpipsWeights, System.err);
            AutoencoderStep step = new AutoencoderStep(ae, new ClipSampler(ds.train(), s.seed, 1, s.dataShares()), s.batch, s.klWeight, lpips, s.perceptualWeight,
                    s.cropHeight, s.cropWidth);
            StageRuns.Timing timing;
            try (Trainer<Frames> t = new Trainer<>(step, StageRuns.trainerConfig(s))) {
                StageRuns.resumeOrStart(t, s);
                timing = StageRuns.runTo(t, s.steps, listener);
            }
            ae.setTrainable(k -> false);
            LatentStats stats = latentStats(ae, ds.train(), s.scaleSamples, s.seed, m);
            ClipSource val = ds.validation().size() > 0 ? ds.validation() : ds.train();
            double[] rec = reconstruction(ae, val, s.validationFrames, m);
            Map<String, Double> metrics = new TreeMap<>();
            metrics.put("scale_factor", stats.scaleFactor());
            metrics.put("latent_mean", stats.mean());
            metrics.put("latent_std", stats.std());
            metrics.put("validation_l1", rec[0]);
            metrics.put("validation_psnr_db", rec[1]);
            List<String> groups = ClipSource.groups(val);
            if (groups.size() > 1) {
                // each source on its own: held-out real drives and held-out procedural scenes are different questions
                for (String g : groups) {
                    ClipSource part = ClipSource.filtered(val, id -> id.startsWith(g + "/"));
                    metrics.put("validation_psnr_db " + g, reconstruction(ae, part, s.validationFrames, m)[1]);
                }
            }
            Path csv = s.runDirOrDefault().resolve(StageRuns.LOSS_CSV);
            double finalLoss = StageRuns.finalLoss(csv, 50);
            ModelCard card = new ModelCard(CheckpointFolder.AUTOENCODER, STAGE, StageRuns.dataCard(s, ds), List.of(), ae.toJson(), s.toJson(),
                    ae.parameterCount(), ae.parameterCount(), s.steps, s.batch, "frames", s.seed, StageRuns.trainingSeconds(csv),
                    ModelCard.Machine.current(), finalLoss, metrics,
                    List.of(String.format(Locale.ROOT, "Latents are multiplied by the scale factor %.5f (1 / std over %d training frames) before diffusion.",
                            stats.scaleFactor(), stats.frames()),
                            String.format(Locale.ROOT, "Validation figures: %d frames spread over the held-out clips, decoded from the posterior mode%s.",
                                    s.validationFrames, groups.size() > 1 ? "; per source, another " + s.validationFrames + " frames of that source's held-out clips"
                                            + " (different frames, so the overall figure need not lie between them)" : "")));
            SavedNetwork.Meta meta = SavedNetwork.meta().scaleFactor(stats.scaleFactor()).frameSize(s.scale.height(), s.scale.width());
            Path file = StageRuns.export(s, CheckpointFolder.AUTOENCODER, ae, meta, card);
            StageRuns.markFinished(s.runDirOrDefault(), s.steps);
            return new StageResult(STAGE, file, s.outOrDefault().resolve(CheckpointFolder.AUTOENCODER + ".md"), s.runDirOrDefault(), csv, s.steps,
                    timing.steps(), finalLoss, timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }

    /** Mean and standard deviation of the posterior modes of {@code frames} training frames, and 1 / std. */
    public record LatentStats(double mean, double std, double scaleFactor, int frames) {}

    /**
     * Latent statistics over frames taken from every clip in turn (clip i, frame i mod T, unaugmented), so the figure
     * covers the whole training set rather than a few videos.
     */
    public static LatentStats latentStats(AutoencoderKL ae, ClipSource clips, int frames, long seed, NDManager m) {
        double sum = 0;
        double sumSq = 0;
        long count = 0;
        int n = Math.max(1, frames);
        int stride = Math.max(1, clips.size() / Math.min(n, clips.size()));
        for (int start = 0; start < n; start += 16) {
            List<Clip> batch = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + 16); i++) {
                Clip c = clips.clip((int) (((long) i * stride + seed) % clips.size()));
                batch.add(Clip.of(c.id(), List.of(c.frame(i % c.frames()))));
            }
            try (NDManager sm = m.newSubManager()) {
                NDArray z = ae.encode(VideoTensors.framesInner(VideoTensors.toTensor(sm, batch))).mode().toType(DataType.FLOAT64, false);
                sum += z.sum().getDouble();
                sumSq += z.square().sum().getDouble();
                count += z.size();
            }
        }
        double mean = sum / count;
        double std = Math.sqrt(Math.max(0, sumSq / count - mean * mean));
        return new LatentStats(mean, std, 1.0 / std, n);
    }

    /** Mean absolute error and PSNR (dB, on [0, 255]) of reconstructions of {@code frames} frames of the given clips. */
    public static double[] reconstruction(AutoencoderKL ae, ClipSource clips, int frames, NDManager m) {
        double abs = 0;
        double sq = 0;
        long count = 0;
        int perClip = clips.clip(0).frames();
        int wholeClips = (frames + perClip - 1) / perClip;
        int stride = Math.max(1, clips.size() / wholeClips); // whole clips spread over the split
        for (int start = 0; start < frames; start += 16) {
            List<Clip> batch = new ArrayList<>();
            for (int i = start; i < Math.min(frames, start + 16); i++) {
                Clip c = clips.clip((i / perClip) * stride % clips.size());
                batch.add(Clip.of(c.id(), List.of(c.frame(i % perClip))));
            }
            try (NDManager sm = m.newSubManager()) {
                NDArray x = VideoTensors.framesInner(VideoTensors.toTensor(sm, batch));
                NDArray rec = ae.decode(ae.encode(x).mode()).clip(-1f, 1f);
                NDArray d = x.sub(rec).toType(DataType.FLOAT64, false);
                abs += d.abs().sum().getDouble();
                sq += d.square().sum().getDouble();
                count += d.size();
            }
        }
        double mse255 = sq / count * 127.5 * 127.5;
        return new double[] {abs / count, 10 * Math.log10(255.0 * 255.0 / mse255)};
    }
}
