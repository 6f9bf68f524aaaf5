package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.ClipSource;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.LatentDataset;
import org.videoldm.data.RgbFrame;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.diffusion.NoiseAugmentation;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.io.Kwargs;
import org.videoldm.io.StateDict;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.UNetSurgery;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.pipeline.UpsamplerPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.DataOrder;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.StepContext;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainerConfig;
import org.videoldm.train.TrainingListener;
import org.videoldm.util.Progress;

/**
 * The paper's video upsampler (Sec. 3.4) in two steps. First an image upsampler after Stable Diffusion's x4 upscaler:
 * a latent UNet on the high-resolution frames' latents, conditioned by concatenation with the low-resolution frames
 * (half the frame size, on the latent grid, noise-augmented) and told the augmentation level through a class
 * embedding ({@link ImageConcatWithNoiseAugmentation}); trained per frame. By default it starts from the image LDM
 * (the same latent space; the new input channels and class embedding start at zero, so it starts as the image LDM),
 * all layers trained. Then its temporal alignment: a video UNet over it, spatial layers frozen, temporal layers
 * (from the video LDM when there is one, else fresh) trained on clips with one augmentation level per clip: the
 * temporally aligned upsampler. Exports {@code upsampler_image} and {@code upsampler_video}; the video card reports
 * the temporal error of both on training clips and the preview compares them.
 */
public final class UpsamplerTraining {
    public static final String STAGE = "upsampler";
    /** The default upscale factor: the input is this many times smaller than the output (32 x 64 -> 64 x 128 at toy scale). */
    public static final int UPSCALE = 2;
    /** SD x4 upscaler's maximum augmentation level. */
    public static final int MAX_NOISE_LEVEL = 350;
    /** The level used at inference unless another is chosen (the SD x4 upscaler's default). */
    public static final int DEFAULT_NOISE_LEVEL = 20;

    /** Settings; steps, batch (frames), lr and warm-up are the image upsampler's, the {@code video*} fields its alignment's (clips). */
    public static final class Settings extends LatentDiffusionSettings<Settings> {
        /** The image upsampler starts from this image UNet; default {@code image_ldm} of the checkpoints folder. */
        public Path imageParent;
        /** Train the image upsampler from scratch instead. */
        public boolean fromScratch;
        /** The temporal layers start from this video UNet's; default {@code video_ldm} of the checkpoints folder if it is there. */
        public Path temporalParent;
        public boolean freshTemporal;
        public long videoSteps;
        public int videoBatch;
        public double videoLr;
        public long videoWarmup;
        /** Training sigmas of the alignment, at the higher noise of temporal alignment, where frames must agree. */
        public double videoPMean = 0.5;
        public double videoPStd = 1.4;
        /** Output side / input side: 2 (toy default) or 4 (the paper's driving cascade, 128 x 256 -> 512 x 1024). */
        public int upscale = UPSCALE;
        public int previewVideos;

        /** Training sigmas of the image upsampler ({@code pMean}, {@code pStd}) as image pre-training. */
        Settings(Scale scale, RunMode mode) {
            super(scale, mode, -1.2, 1.2);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            boolean toy = scale == Scale.TOY;
            s.steps(toy ? 6000 : 200_000).batch(toy ? 8 : 32).lr(toy ? 3e-4 : 5e-5).warmup(toy ? 50 : 2000).emaDecay(toy ? 0.995 : 0.9999);
            s.videoSteps(toy ? 2000 : 100_000).videoBatch(toy ? 2 : 8).videoLr(toy ? 5e-4 : 5e-5).videoWarmup(toy ? 50 : 2000);
            s.previewVideos = mode.samples(2);
            return s;
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings imageParent(Path v) { imageParent = v; return this; }
        public Settings fromScratch(boolean v) { fromScratch = v; return this; }
        public Settings temporalParent(Path v) { temporalParent = v; return this; }
        public Settings freshTemporal(boolean v) { freshTemporal = v; return this; }
        /** Alignment steps in total, cut to a handful in smoke mode. */
        public Settings videoSteps(long v) { videoSteps = mode.steps(v); return this; }
        public Settings videoBatch(int v) { videoBatch = v; return this; }
        public Settings videoLr(double v) { videoLr = v; return this; }
        public Settings videoWarmup(long v) { videoWarmup = v; return this; }
        public Settings upscale(int v) { upscale = v; return this; }
        public Settings previewVideos(int v) { previewVideos = v; return this; }

        public Path imageParentOrDefault() {
            return networkOrDefault(imageParent, CheckpointFolder.IMAGE_LDM);
        }

        /** The video network whose temporal layers start the alignment, or null for fresh ones. */
        public Path temporalParentOrNull() {
            if (freshTemporal) {
                return null;
            }
            if (temporalParent != null) {
                return temporalParent;
            }
            CheckpointFolder f = checkpointFolder();
            return f.has(CheckpointFolder.VIDEO_LDM) ? f.network(CheckpointFolder.VIDEO_LDM) : null;
        }

        @Override
        public String stage() {
            return STAGE;
        }

        @Override
        public String commandLine() {
            return super.commandLine() + " --video-steps " + videoSteps + (upscale != UPSCALE ? " --upscale " + upscale : "") + (fromScratch ? " --from-scratch" : "");
        }

        @Override
        protected List<String> jsonOrder() {
            return List.of("imageParent", "fromScratch", "temporalParent", "freshTemporal", "autoencoder", "videoSteps", "videoBatch", "videoLr",
                    "videoWarmup", "sigmaData", "pMean", "pStd", "videoPMean", "videoPStd", "flip", "upscale", "previewVideos", "previewSteps");
        }

        /**
         * The space-to-depth factor that brings input frames onto the latent grid: the autoencoder's downsampling over
         * the upscale factor (2 at toy scale with 2x, 1 with 4x).
         */
        public int unshuffle() {
            int f = scale.ddconfig().downFactor();
            if (upscale < 1 || f % upscale != 0) {
                throw new IllegalArgumentException("upsampler: the upscale factor must divide the autoencoder's downsampling " + f + ", got " + upscale);
            }
            return f / upscale;
        }

        /** The conditioning on the latent grid of the training frames. */
        public ImageConcatWithNoiseAugmentation conditioning() {
            int f = scale.ddconfig().downFactor();
            return new ImageConcatWithNoiseAugmentation(noiseAugmentation(), scale.height() / f, scale.width() / f, unshuffle());
        }
    }

    /** Both exports. */
    public record Result(StageResult image, StageResult video) {}

    private final Settings s;

    public UpsamplerTraining(Settings settings) {
        this.s = settings;
    }

    public Settings settings() {
        return s;
    }

    /** The augmentation of both upsamplers: SD x4 upscaler's schedule, levels below 350, given as class labels. */
    public static NoiseAugmentation noiseAugmentation() {
        return NoiseAugmentation.sdUpscaler(MAX_NOISE_LEVEL, 0);
    }

    public Denoiser denoiser() {
        return new Denoiser(new EDMScaling(s.sigmaData));
    }

    /** The image upsampler before training: the image LDM widened by the conditioning's channels with a zero class embedding, or a fresh UNet. */
    public UNetModel imageNetwork(NDManager m) {
        UNetModel net;
        Engine.getInstance().setRandomSeed((int) s.seed);
        int extra = s.conditioning().channels();
        if (s.fromScratch) {
            JsonObject c = s.scale.imageUNet(extra).toJson();
            c.addProperty("num_classes", Integer.toString(MAX_NOISE_LEVEL));
            net = new UNetModel(m, UNetConfig.fromJson(c));
        } else {
            UNetModel parent = SavedNetwork.load(s.imageParentOrDefault(), m).module(UNetModel.class);
            net = UNetSurgery.addClassEmbedding(m, UNetSurgery.widenInput(m, parent, extra), MAX_NOISE_LEVEL);
        }
        net.setTrainable(k -> true);
        return net;
    }

    /** The video upsampler before training: spatial layers from the image upsampler (frozen), temporal ones from the temporal parent or fresh. */
    public VideoUNet videoNetwork(NDManager m, UNetModel imageUpsampler) {
        Engine.getInstance().setRandomSeed((int) s.seed);
        VideoUNet net = VideoUNet.fromImage(m, imageUpsampler, s.scale.videoUNet(imageUpsampler.config()));
        Path temporal = s.temporalParentOrNull();
        if (temporal != null) {
            try (NDManager scratch = m.newSubManager()) {
                copyTemporal(SavedNetwork.load(temporal, scratch).module(VideoUNet.class), net);
            }
        }
        TemporalParameters.freezeSpatial(net);
        return net;
    }

    /** Copies every temporal parameter of {@code from} into the same key of {@code to}; an error names a key without a place. */
    static void copyTemporal(Module from, Module to) {
        Map<String, Parameter> target = to.namedParameters();
        for (Map.Entry<String, NDArray> e : from.stateDict().entrySet()) {
            if (TemporalParameters.isTemporal(e.getKey())) {
                Parameter p = target.get(e.getKey());
                if (p == null) {
                    throw new IllegalArgumentException("temporal layers do not correspond: " + e.getKey() + " has no place in the upsampler");
                }
                StateDict.assign(p.getArray(), e.getValue());
            }
        }
    }

    /** High-resolution latents and the low-resolution conditioning of the same clips, clip for clip. */
    public record Data(LatentDataset latents, LatentDataset lowRes, ModelCard.Data card, ClipOptions options, double scaleFactor) implements AutoCloseable {
        public int frames() {
            return (int) latents.clipShape().get(0);
        }

        @Override
        public void close() {
            latents.close();
            lowRes.close();
        }
    }

    /**
     * The base model's clips, encoded, and their frames at 1/{@link #UPSCALE} of the size resized to the latent grid
     * (caches {@code latents/} and {@code lowres/} in the run folder, made from the same clips with the same crops).
     */
    public Data data(NDManager m) {
        List<Path> dirs = s.dataDirs();
        ClipOptions options = s.scale.clipOptions(s.seed);
        LatentClips.Source source = new LatentClips.Source(dirs, s.holdOut(), options, "all videos");
        ClipDataset clips = LatentClips.dataset(source, LatentClips.scan(dirs), info -> true);
        Path aePath = s.autoencoderOrDefault();
        SavedNetwork ae = SavedNetwork.load(aePath, m);
        double scale = ae.scaleFactor().orElseThrow(() -> new IllegalArgumentException(aePath + ": no " + SavedNetwork.KEY_SCALE_FACTOR + " in its metadata"));
        FirstStage first = new FirstStage(ae.module(AutoencoderKL.class), scale, aePath.getFileName() + " sha256:" + LatentCaching.sha256(aePath));
        ClipSource views = LatentClips.perClipAugmentation(clips.train(), s.seed);
        Path run = s.runDirOrDefault();
        LatentDataset latents = LatentClips.open(run.resolve("latents"), source, views, first, m);
        LatentDataset low = LatentClips.open(run.resolve("lowres"), source, views, LatentClips.lowResolution(s.upscale), m);
        for (int i = 0; i < latents.size(); i++) {
            if (!latents.clipId(i).equals(low.clipId(i))) {
                throw new IllegalStateException(run + ": latent and low-resolution caches disagree at clip " + i + " (" + latents.clipId(i) + " vs " + low.clipId(i) + ")");
            }
        }
        return new Data(latents, low, StageRuns.dataCard(s, clips), options, scale);
    }

    /** Per-frame training: random frames of random clips (mirrored at random, latents and conditioning alike), one level per frame. */
    public DiffusionStage imageStage(UNetModel net, Data data) {
        int frames = data.frames();
        double[] clipWeights = LatentBatches.weights(data.latents(), s.dataShares());
        double[] frameWeights = new double[clipWeights.length * frames];
        for (int i = 0; i < frameWeights.length; i++) {
            frameWeights[i] = clipWeights[i / frames];
        }
        DataOrder order = DataOrder.weighted(frameWeights, s.seed);
        int batch = s.batch;
        return new DiffusionStage(new OpenAIWrapper(net), denoiser(), new DiffusionLoss(new EDMSampling(s.pMean, s.pStd), LossWeighting.edm(s.sigmaData)),
                ctx -> {
                    int[] pick = order.batch(ctx.step(), ctx.micro(), 1, batch);
                    int[] clip = new int[batch];
                    for (int i = 0; i < batch; i++) {
                        clip[i] = pick[i] / frames;
                    }
                    NDArray x = frameOf(data.latents().scaledBatch(clip, ctx.manager()), pick, frames);
                    NDArray low = frameOf(data.lowRes().batch(clip, ctx.manager()), pick, frames);
                    NDArray flip = flips(ctx, batch, 1);
                    return new DiffusionStage.Batch(mirror(x, flip), Conditioning.none(), mirror(low, flip));
                }, DiffusionStage.noiseAugmentation(noiseAugmentation(), s.conditioning()::arrange));
    }

    /** Alignment on whole clips: one augmentation level per clip, shared by its frames. */
    public DiffusionStage videoStage(VideoUNet net, Data data) {
        int frames = data.frames();
        DataOrder order = DataOrder.weighted(LatentBatches.weights(data.latents(), s.dataShares()), s.seed);
        int batch = s.videoBatch;
        return new DiffusionStage(new OpenAIWrapper(net), denoiser(),
                new DiffusionLoss(new EDMSampling(s.videoPMean, s.videoPStd), LossWeighting.edm(s.sigmaData)),
                ctx -> {
                    int[] idx = order.batch(ctx.step(), ctx.micro(), 1, batch);
                    NDArray flip = flips(ctx, batch, frames);
                    NDArray x = mirror(flat(data.latents().scaledBatch(idx, ctx.manager())), flip);
                    NDArray low = mirror(flat(data.lowRes().batch(idx, ctx.manager())), flip);
                    return new DiffusionStage.Batch(x, Conditioning.none().withVideo(frames, ctx.manager().zeros(new Shape(batch, frames))), low);
                }, DiffusionStage.noiseAugmentation(noiseAugmentation(), s.conditioning()::arrange));
    }

    private static NDArray frameOf(NDArray clips, int[] pick, int frames) {
        NDList rows = new NDList();
        for (int i = 0; i < pick.length; i++) {
            rows.add(clips.get(i + "," + (pick[i] % frames)).expandDims(0));
        }
        return Ops.cat(0, rows.toArray(new NDArray[0]));
    }

    private static NDArray flat(NDArray clips) {
        Shape s = clips.getShape();
        return clips.reshape(s.get(0) * s.get(1), s.get(2), s.get(3), s.get(4));
    }

    /** A 0/1 column per row, drawn per group of {@code group} rows (or none when flips are off). */
    private NDArray flips(StepContext ctx, int groups, int group) {
        if (!s.flip) {
            return null;
        }
        float[] mask = new float[groups * group];
        for (int g = 0; g < groups; g++) {
            float v = ctx.random().nextBoolean() ? 1f : 0f;
            java.util.Arrays.fill(mask, g * group, (g + 1) * group, v);
        }
        return ctx.manager().create(mask, new Shape(mask.length, 1, 1, 1));
    }

    private static NDArray mirror(NDArray x, NDArray flip) {
        return flip == null ? x : x.mul(flip.neg().add(1f)).add(x.flip(3).mul(flip));
    }

    /** What the concatenated and vector inputs mean, stored as {@code videoldm.conditioning}. */
    public static JsonObject conditioningJson(ClipOptions clips, Shape latentClip, int upscale, int unshuffle) {
        JsonObject concat = new JsonObject();
        concat.addProperty("channels", ImageConcatWithNoiseAugmentation.CHANNELS * unshuffle * unshuffle);
        concat.addProperty("content", "low-resolution RGB frames in [-1, 1] (area average of the frames by the upscale factor), on the latent grid by "
                + "space-to-depth with the factor 'unshuffle', noise-augmented (sqrt(abar_l) x + sqrt(1 - abar_l) eps); see ImageConcatWithNoiseAugmentation");
        concat.addProperty("unshuffle", unshuffle);
        concat.add("low_resolution", Kwargs.array(clips.height() / upscale, clips.width() / upscale));
        concat.add("latent_grid", Kwargs.array(latentClip.get(2), latentClip.get(3)));
        JsonObject vector = new JsonObject();
        vector.addProperty("content", "noise augmentation level l, the class label of label_emb");
        vector.addProperty("max_noise_level", MAX_NOISE_LEVEL);
        vector.addProperty("schedule", "DDPM, betas linear in sqrt from 1e-4 to 2e-2 over 1000 steps (SD x4 upscaler)");
        vector.addProperty("default_noise_level", DEFAULT_NOISE_LEVEL);
        JsonObject o = new JsonObject();
        o.addProperty("type", "upsampler");
        o.addProperty("upscale", upscale);
        o.add("concat", concat);
        o.add("vector", vector);
        o.add("latent_frame", Kwargs.array(latentClip.slice(1).getShape()));
        return o;
    }

    /** Both steps: the image upsampler, then its temporal alignment. */
    public Result run(TrainingListener listener) {
        return new Result(runImage(listener), runVideo(listener));
    }

    /** A phase (run sub-folder) that finished earlier, see {@link StageRuns#finished}. */
    private java.util.Optional<StageResult> finished(String phase, String name, long steps) {
        Path out = s.outOrDefault();
        return StageRuns.finished(name, s, s.runDirOrDefault().resolve(phase), out.resolve(name + ".safetensors"), out.resolve(name + ".md"), steps);
    }

    private TrainerConfig trainerConfig(String phase, double lr, long warmup) {
        Path run = s.runDirOrDefault().resolve(phase);
        return new TrainerConfig().lr(lr).warmupSteps(warmup).gradClip(s.gradClip).emaDecay(s.emaDecay).seed(s.seed)
                .checkpoint(run.resolve(StageRuns.CHECKPOINT)).checkpointEvery(s.checkpointEvery).lossLog(run.resolve(StageRuns.LOSS_CSV)).progress(s.progress);
    }

    /** Trains (or continues) the image upsampler and exports {@code upsampler_image}. */
    public StageResult runImage(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = finished("image", CheckpointFolder.UPSAMPLER_IMAGE, s.steps);
        if (done.isPresent()) {
            return done.get();
        }
        try (NDManager m = NDManager.newBaseManager(); Data data = data(m)) {
            UNetModel net = imageNetwork(m);
            long trainable = TemporalParameters.report(net).trainableCount();
            TrainerConfig cfg = trainerConfig("image", s.lr, s.warmup);
            StageRuns.Timing timing = train(net, imageStage(net, data), cfg, s.steps, listener);
            List<String> parents = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            if (s.fromScratch) {
                notes.add("Trained from scratch, all layers.");
            } else {
                parents.add(StageRuns.fileName(s.imageParentOrDefault()));
                notes.add("Built from " + StageRuns.fileName(s.imageParentOrDefault()) + ": input convolution widened with zero weights for the "
                        + "3 low-resolution channels and a class embedding for the noise level added with zero rows (it starts as the image LDM); all layers trained.");
            }
            parents.add(StageRuns.fileName(s.autoencoderOrDefault()));
            notes.add("One augmentation level per frame, uniform in 0.." + (MAX_NOISE_LEVEL - 1) + ". Exported weights: EMA (decay " + s.emaDecay + ").");
            return export(CheckpointFolder.UPSAMPLER_IMAGE, net, trainable, data, cfg, s.steps, s.batch, "frames", parents, notes, new TreeMap<>(), timing, t0,
                    false);
        }
    }

    /** Temporally aligns the exported image upsampler and exports {@code upsampler_video}, with the preview comparing both. */
    public StageResult runVideo(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = finished("video", CheckpointFolder.UPSAMPLER_VIDEO, s.videoSteps);
        if (done.isPresent()) {
            return done.get();
        }
        Path imagePath = CheckpointFolder.of(s.outOrDefault()).require(CheckpointFolder.UPSAMPLER_IMAGE);
        try (NDManager m = NDManager.newBaseManager(); Data data = data(m)) {
            UNetModel imageUp = SavedNetwork.load(imagePath, m).module(UNetModel.class);
            imageUp.setTrainable(k -> false);
            VideoUNet net = videoNetwork(m, imageUp);
            long trainable = TemporalParameters.report(net).trainableCount();
            TrainerConfig cfg = trainerConfig("video", s.videoLr, s.videoWarmup);
            StageRuns.Timing timing = train(net, videoStage(net, data), cfg, s.videoSteps, listener);
            Path temporal = s.temporalParentOrNull();
            List<String> parents = new ArrayList<>(List.of(StageRuns.fileName(imagePath)));
            if (temporal != null) {
                parents.add(StageRuns.fileName(temporal));
            }
            List<String> notes = new ArrayList<>();
            notes.add("Spatial layers from " + StageRuns.fileName(imagePath) + ", frozen; temporal layers " + (temporal != null
                    ? "initialised from " + StageRuns.fileName(temporal) : "freshly initialised") + ", trained. Exported weights: EMA (decay " + s.emaDecay + ").");
            notes.add("One augmentation level per clip, shared by its frames, uniform in 0.." + (MAX_NOISE_LEVEL - 1) + ".");
            Map<String, Double> metrics = new TreeMap<>();
            if (s.previewVideos > 0) {
                net.setTrainable(k -> false);
                preview(m, imageUp, net, data, metrics);
                notes.add("temporal_error: mean |(x̂(t+1) - x̂(t)) - (x(t+1) - x(t))| in [-1, 1] pixel units against the clips' own frames, over "
                        + Math.min(s.previewVideos, data.latents().size()) + " training clips upsampled at level " + DEFAULT_NOISE_LEVEL + ".");
            }
            return export(CheckpointFolder.UPSAMPLER_VIDEO, net, trainable, data, cfg, s.videoSteps, s.videoBatch, "clips", parents, notes, metrics, timing,
                    t0, true);
        }
    }

    private StageRuns.Timing train(UNetModel net, DiffusionStage stage, TrainerConfig cfg, long steps, TrainingListener listener) {
        try (Trainer<DiffusionStage.Batch> t = new Trainer<>(stage, cfg)) {
            if (s.resume && t.resumeIfExists()) {
                System.err.printf(Locale.ROOT, "%s: resuming from %s at step %d of %d%n", STAGE, cfg.checkpoint, t.step(), steps);
            }
            StageRuns.Timing timing = StageRuns.runTo(t, steps, listener);
            if (t.ema() != null) {
                t.ema().swapIn(net);
            }
            return timing;
        }
    }

    private StageResult export(String name, UNetModel net, long trainable, Data data, TrainerConfig cfg, long steps, int batch, String unit, List<String> parents,
            List<String> notes, Map<String, Double> metrics, StageRuns.Timing timing, long t0, boolean video) {
        Path csv = Path.of(cfg.lossLog);
        double finalLoss = StageRuns.finalLoss(csv, 50);
        JsonObject config = net instanceof VideoUNet v ? v.videoConfig().toJson() : net.config().toJson();
        ModelCard card = new ModelCard(name, STAGE, data.card(), parents, config, s.toJson(), net.parameterCount(),
                trainable, steps, batch, unit, s.seed, StageRuns.trainingSeconds(csv), ModelCard.Machine.current(),
                finalLoss, metrics, notes);
        SavedNetwork.Meta meta = SavedNetwork.meta().denoiser(Denoisers.edm(s.sigmaData)).scaleFactor(data.scaleFactor())
                .conditioning(conditioningJson(data.options(), data.latents().clipShape(), s.upscale, s.unshuffle()));
        if (video) {
            meta.frames(data.frames());
        }
        Path file = StageRuns.export(s, name, net, meta, card);
        StageRuns.markFinished(Path.of(cfg.checkpoint).getParent(), steps);
        return new StageResult(name, file, s.outOrDefault().resolve(name + ".md"), Path.of(cfg.checkpoint).getParent(), csv, steps, timing.steps(),
                finalLoss, timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
    }

    /**
     * Upsamples a few training clips from their low-resolution frames with both upsamplers (same seed, default level):
     * {@code samples.png} in the run folder (rows per clip: the clip, its low-resolution input, image upsampler, video
     * upsampler) and the temporal error of each into {@code metrics}.
     */
    private void preview(NDManager m, UNetModel imageUp, VideoUNet videoUp, Data data, Map<String, Double> metrics) {
        int videos = Math.min(s.previewVideos, data.latents().size());
        int t = data.frames();
        Shape frame = data.latents().clipShape().slice(1);
        Path aePath = s.autoencoderOrDefault();
        ClipOptions o = data.options();
        ImageConcatWithNoiseAugmentation cond = new ImageConcatWithNoiseAugmentation(noiseAugmentation(), frame.get(1), frame.get(2), s.unshuffle());
        int[] low = {o.height() / s.upscale, o.width() / s.upscale};
        int levels = 1 << (imageUp.config().channel_mult().length - 1);
        UpsamplerPipeline imageP = new UpsamplerPipeline(new OpenAIWrapper(imageUp), denoiser(), cond, 1, frame, DEFAULT_NOISE_LEVEL, low)
                .withScale(s.upscale, levels).progress(Progress.Mode.QUIET);
        UpsamplerPipeline videoP = new UpsamplerPipeline(new OpenAIWrapper(videoUp), denoiser(), cond, t, frame, DEFAULT_NOISE_LEVEL, low)
                .withScale(s.upscale, levels).progress(Progress.Mode.QUIET);
        List<List<RgbFrame>> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        double[] err = new double[2];
        try (NDManager scope = m.newSubManager()) {
            FirstStage first = new FirstStage(SavedNetwork.load(aePath, scope).module(AutoencoderKL.class), data.scaleFactor(), "preview");
            for (int v = 0; v < videos; v++) {
                int clip = (int) ((long) v * data.latents().size() / videos);
                NDArray real = first.decode(data.latents().scaledBatch(new int[] {clip}, scope).reshape(new Shape(t).addAll(frame)), t, t).clip(-1f, 1f);
                NDArray lowRes = ImageConcatWithNoiseAugmentation.resize(real, low[0], low[1]);
                VideoLDMPipeline.Options opts = new VideoLDMPipeline.Options("heun", s.previewSteps, s.seed + v);
                NDArray up1 = first.decode(imageP.latents(scope, lowRes, t, DEFAULT_NOISE_LEVEL, opts, null), t, t).clip(-1f, 1f);
                NDArray up2 = first.decode(videoP.latents(scope, lowRes, t, DEFAULT_NOISE_LEVEL, opts, null), t, t).clip(-1f, 1f);
                err[0] += temporalError(up1, real);
                err[1] += temporalError(up2, real);
                rows.add(VideoLDMPipeline.toFrames(real, t).get(0));
                labels.add("clip " + data.latents().clipId(clip));
                rows.add(VideoLDMPipeline.toFrames(lowRes.getNDArrayInternal().interpolation(new long[] {o.height(), o.width()}, 0, false), t).get(0));
                labels.add("input " + low[0] + "x" + low[1]);
                rows.add(VideoLDMPipeline.toFrames(up1, t).get(0));
                labels.add("image upsampler (per frame)");
                rows.add(VideoLDMPipeline.toFrames(up2, t).get(0));
                labels.add("video upsampler (aligned)");
            }
        }
        metrics.put("temporal_error_image_upsampler", err[0] / videos);
        metrics.put("temporal_error_video_upsampler", err[1] / videos);
        System.err.println(STAGE + ": preview in " + StageRuns.writePreview(s, FrameGrid.image(rows, labels)));
    }

    /** mean |(x̂(t+1) - x̂(t)) - (x(t+1) - x(t))| of frames [T, 3, H, W]: frame-to-frame change that the reference does not have. */
    public static double temporalError(NDArray frames, NDArray reference) {
        long t = frames.getShape().get(0);
        NDArray d = frames.get("1:").sub(frames.get(":" + (t - 1)));
        NDArray r = reference.get("1:").sub(reference.get(":" + (t - 1)));
        return d.sub(r).abs().mean().getFloat();
    }
}
