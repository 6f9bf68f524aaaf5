package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.videoldm.data.LatentDataset;
import org.videoldm.data.RgbFrame;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.pipeline.TextToVideoPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.DiscreteSampling;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainingListener;

/**
 * Temporal alignment (paper Sec. 3.1): the trained image LDM becomes a video LDM ({@link VideoUNet#fromImage}: its
 * weights, plus temporal attention and 3D convolution layers mixed in with a learned alpha per layer), the spatial
 * layers are frozen, and only the temporal ones learn to denoise whole clips of cached latents (image_only_indicator
 * zeros: every frame is part of a video). The same diffusion loss as image training, one sigma per clip.
 *
 * <p>alpha = sigmoid(mix_factor) of every layer is logged each step to {@code alpha.csv} in the run folder. Exports
 * the EMA weights as {@code video_ldm.safetensors}, with a grid of sampled clips in the run folder.
 */
public final class TemporalAlignment {
    public static final String STAGE = "temporal";
    public static final String ALPHA_CSV = "alpha.csv";

    /**
     * The paper's ablations of temporal alignment (its Tab. 1-2 at toy scale): which layers are there and which learn.
     * Every variant starts from the same image LDM; the alternatives export under their own names.
     */
    public enum Variant {
        /** Temporal attention and 3D-convolution blocks, spatial layers frozen: Video LDM. */
        FULL(CheckpointFolder.VIDEO_LDM),
        /** The same layers, but every layer learns, the image LDM's included ("end-to-end"). */
        END_TO_END(CheckpointFolder.VIDEO_LDM + "_end_to_end"),
        /** Temporal attention only: the 3D-convolution blocks stay at their start, an identity. */
        ATTENTION_ONLY(CheckpointFolder.VIDEO_LDM + "_attention_only"),
        /** 3D convolutions only: the temporal attention is mixed out (alpha 1) and stays there. */
        CONV_ONLY(CheckpointFolder.VIDEO_LDM + "_conv_only");

        public final String network;

        Variant(String network) {
            this.network = network;
        }

        public static Variant parse(String s) {
            for (Variant v : values()) {
                if (v.name().equalsIgnoreCase(s.replace('-', '_'))) {
                    return v;
                }
            }
            throw new IllegalArgumentException("temporal variant must be full, end-to-end, attention-only or conv-only, got '" + s + "'");
        }

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Settings; {@code batch} counts clips of T frames. Text conditioning ({@code captions}) needs a text-conditioned image
     * LDM (e.g. from {@code t2v init}), whose text encoder beside it reads each clip's caption; label conditioning
     * ({@code labels}) a label-conditioned one.
     */
    public static final class Settings extends ConditionedSettings<Settings> {
        public Variant variant = Variant.FULL;
        public Path imageLdm;
        /** Log alpha every this many steps. */
        public int alphaEvery = 1;
        public int previewVideos;

        /**
         * Training sigmas log-normal(0.5, 1.4), shifted to higher noise than image training (-1.2, 1.2): whether the
         * frames of a clip agree is decided at high noise, where per-frame denoising cannot tell, so that is where the
         * temporal layers learn (Stable Video Diffusion shifts its video schedule up the same way). With the image
         * schedule, 150 toy steps left sampled clips as unrelated frames; with this one, 300 steps gave coherent clips.
         */
        Settings(Scale scale, RunMode mode) {
            super(scale, mode, 0.5, 1.4);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            boolean toy = scale == Scale.TOY;
            s.steps(toy ? 4000 : 100_000).batch(toy ? 4 : 8).lr(toy ? 5e-4 : 5e-5).warmup(toy ? 50 : 2000).emaDecay(toy ? 0.995 : 0.9999);
            s.previewVideos = mode.samples(3);
            return s;
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings imageLdm(Path v) { imageLdm = v; return this; }
        public Settings variant(Variant v) { variant = v; return this; }
        public Settings alphaEvery(int v) { alphaEvery = v; return this; }
        public Settings previewVideos(int v) { previewVideos = v; return this; }

        public Path imageLdmOrDefault() {
            return networkOrDefault(imageLdm, CheckpointFolder.IMAGE_LDM);
        }

        @Override
        public String stage() {
            return STAGE;
        }

        /** Variants keep their own run folders: {@code runs/temporal-attention-only}, ... */
        @Override
        public Path runDirOrDefault() {
            return runDir != null || variant == Variant.FULL ? super.runDirOrDefault() : projectRoot.resolve("runs").resolve(STAGE + "-" + variant.key());
        }

        @Override
        public String commandLine() {
            return super.commandLine() + (variant == Variant.FULL ? "" : " --variant " + variant.key()) + captionOptions() + labelOptions();
        }

        @Override
        protected List<String> jsonOrder() {
            return List.of("variant", "imageLdm", "autoencoder", "sigmaData", "pMean", "pStd", "flip", "alphaEvery", "previewVideos", "previewSteps",
                    "captions", "captionFiles", "ucgRate", "labels", "labelFiles", "previewGuidance");
        }
    }

    /**
     * Which parameters of {@code unet} train in {@code variant} (the others are frozen), after putting the switched-off
     * temporal attention out of the mix for {@link Variant#CONV_ONLY}.
     */
    static TemporalParameters.Report prepare(VideoUNet unet, Variant variant) {
        java.util.Set<String> conv = TemporalParameters.temporalKeysIn(unet, org.videoldm.temporal.VideoResBlock.class);
        java.util.Set<String> attention = TemporalParameters.temporalKeysIn(unet, org.videoldm.temporal.SpatialVideoTransformer.class);
        switch (variant) {
            case FULL -> unet.setTrainable(TemporalParameters::isTemporal);
            case END_TO_END -> unet.setTrainable(k -> true);
            case ATTENTION_ONLY -> unet.setTrainable(attention::contains);
            case CONV_ONLY -> {
                // alpha = sigmoid(mix_factor) = 1 keeps the spatial path alone; float32 sigmoid(30) is exactly 1
                unet.stateDict().forEach((k, a) -> {
                    if (attention.contains(k) && k.endsWith("time_mixer.mix_factor")) {
                        org.videoldm.io.StateDict.assign(a, a.getManager().full(a.getShape(), 30f));
                    }
                });
                unet.setTrainable(conv::contains);
            }
        }
        return TemporalParameters.report(unet);
    }

    private final Settings s;

    public TemporalAlignment(Settings settings) {
        this.s = settings;
    }

    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = StageRuns.finished(STAGE, s, s.variant.network);
        if (done.isPresent()) {
            return done.get();
        }
        Path aePath = s.autoencoderOrDefault();
        Path imagePath = s.imageLdmOrDefault();
        // captions may say left or right: captioned clips are never mirrored, in the cache or in batches
        LatentCaching.Result cache = LatentCaching.ensure(s, aePath, !s.captions);
        try (NDManager m = NDManager.newBaseManager(); LatentDataset latents = LatentDataset.open(cache.train())) {
            SavedNetwork image = SavedNetwork.load(imagePath, m);
            UNetModel imageUnet = image.module(UNetModel.class);
            TextConditioning text = textConditioning(image, imagePath, m);
            LabelConditioning labels = labelConditioning(image, imagePath);
            Engine.getInstance().setRandomSeed((int) s.seed);
            VideoUNet unet = VideoUNet.fromImage(m, imageUnet, s.scale.videoUNet(imageUnet.config()));
            TemporalParameters.Report report = prepare(unet, s.variant);
            LatentBatches data = new LatentBatches(latents, s.seed, 1, s.flip && !s.captions, s.dataShares());
            int frames = data.frames();
            // SD-derived models keep SD's discrete eps denoiser and its DDPM training levels; the toy models are EDM
            JsonObject denoiserSpec = Denoisers.isDiscrete(image.denoiser()) ? image.denoiser() : Denoisers.edm(s.sigmaData);
            boolean discrete = Denoisers.isDiscrete(denoiserSpec);
            Denoiser den = Denoisers.fromJson(denoiserSpec);
            DiffusionLoss objective = discrete
                    ? new DiffusionLoss(new DiscreteSampling(Denoisers.discretization(denoiserSpec), 1000, false, true), LossWeighting.eps())
                    : new DiffusionLoss(new EDMSampling(s.pMean, s.pStd), LossWeighting.edm(s.sigmaData));
            DiffusionStage stage = new DiffusionStage(new OpenAIWrapper(unet), den, objective, ctx -> {
                Conditioning c = text != null ? text.batch(ctx, data.ids(ctx, s.batch), frames)
                        : labels != null ? labels.batch(ctx, data.ids(ctx, s.batch), frames) : Conditioning.none();
                return new DiffusionStage.Batch(data.clips(ctx, s.batch), c.withVideo(frames, ctx.manager().zeros(new Shape(s.batch, frames))), null);
            });
            Path alphaCsv = s.runDirOrDefault().resolve(ALPHA_CSV);
            StageRuns.Timing timing;
            double[] alpha;
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(stage, StageRuns.trainerConfig(s))) {
                long start = StageRuns.resumeOrStart(t, s);
                try (AlphaLog log = new AlphaLog(alphaCsv, unet, start)) {
                    if (start == 0) {
                        log.append(0);
                    }
                    timing = StageRuns.runTo(t, s.steps, (step, loss, lr, g, it, eta) -> {
                        if (step % s.alphaEvery == 0) {
                            log.append(step);
                        }
                        if (listener != null) {
                            listener.onStep(step, loss, lr, g, it, eta);
                        }
                    });
                    if (t.ema() != null) {
                        t.ema().swapIn(unet);
                    }
                    alpha = log.alphas();
                }
            }
            unet.setTrainable(k -> false);
            Path preview = s.previewVideos > 0 ? preview(m, aePath, cache.scaleFactor(), unet, den, denoiserSpec, text, frames) : null;
            Path csv = s.runDirOrDefault().resolve(StageRuns.LOSS_CSV);
            double finalLoss = StageRuns.finalLoss(csv, 50);
            Map<String, Double> metrics = new TreeMap<>();
            metrics.put("alpha_mean", Arrays.stream(alpha).average().orElse(Double.NaN));
            metrics.put("alpha_min", Arrays.stream(alpha).min().orElse(Double.NaN));
            metrics.put("alpha_max", Arrays.stream(alpha).max().orElse(Double.NaN));
            List<String> notes = new ArrayList<>();
            notes.add(switch (s.variant) {
                case FULL -> "Spatial layers frozen from " + imagePath.getFileName() + " (" + String.format(java.util.Locale.ROOT, "%,d", report.spatialCount())
                        + " parameters); temporal layers trained";
                case END_TO_END -> "Ablation 'end-to-end': every layer trained, the image LDM's (" + imagePath.getFileName() + ") included";
                case ATTENTION_ONLY -> "Ablation 'temporal attention only': the 3D-convolution blocks stay at their start (an identity); only the temporal "
                        + "attention trained";
                case CONV_ONLY -> "Ablation '3D convolutions only': the temporal attention is mixed out (alpha 1, frozen); only the 3D-convolution "
                        + "blocks trained";
            } + " (EMA decay " + s.emaDecay + "); image_only_indicator zeros.");
            notes.add("alpha = sigmoid(mix_factor) per layer (1: spatial only) over training: " + ALPHA_CSV + " in the run folder.");
            if (text != null) {
                notes.add("Text-conditioned: " + text.captions().summary().lines().findFirst().orElse("") + "; caption dropout (ucg_rate) " + s.ucgRate
                        + "; clips not mirrored" + (discrete ? "; SD's discrete eps denoiser and DDPM training levels" : "") + ".");
            }
            if (labels != null) {
                notes.add("Scene-label conditioned: the label embedding is the image LDM's (frozen); " + labels.labels().summary().lines().findFirst()
                        .orElse("") + "; label dropout (ucg_rate) " + s.ucgRate + " per group.");
            }
            ModelCard card = new ModelCard(s.variant.network, STAGE, cache.data(), List.of(StageRuns.fileName(imagePath), StageRuns.fileName(aePath)),
                    unet.videoConfig().toJson(), s.toJson(), unet.parameterCount(), report.trainableCount(), s.steps, s.batch, "clips", s.seed,
                    StageRuns.trainingSeconds(csv), ModelCard.Machine.current(), finalLoss, metrics, notes);
            SavedNetwork.Meta meta = SavedNetwork.meta().denoiser(denoiserSpec).scaleFactor(cache.scaleFactor()).frames(frames);
            if (labels != null) {
                meta.conditioning(LabelConditioning.metadata(s.ucgRate));
            }
            if (text != null) {
                meta.conditioning(org.videoldm.pipeline.TextToVideoInit.textConditioning());
                text.copyTo(s.outOrDefault());
            }
            Path file = StageRuns.export(s, s.variant.network, unet, meta, card);
            if (preview != null) {
                System.err.println(STAGE + ": samples in " + preview);
            }
            StageRuns.markFinished(s.runDirOrDefault(), s.steps);
            return new StageResult(STAGE, file, s.outOrDefault().resolve(s.variant.network + ".md"), s.runDirOrDefault(), csv, s.steps,
                    timing.steps(), finalLoss, timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }

    /** The stage's text conditioning, or null for an unconditional image LDM; a mismatch with --captions is an error. */
    private TextConditioning textConditioning(SavedNetwork image, Path imagePath, NDManager m) {
        Integer ctx = image.module(UNetModel.class).config().context_dim();
        if (s.captions && ctx == null) {
            throw new IllegalArgumentException(imagePath + ": an unconditional image LDM; --captions needs a text-conditioned one (./videoldm t2v init)");
        }
        if (!s.captions && ctx != null) {
            throw new IllegalArgumentException(imagePath + ": a text-conditioned image LDM (context_dim " + ctx + "): train it with --captions");
        }
        return s.captions ? TextConditioning.load(imagePath.toAbsolutePath().getParent(), s, s.captionFiles, s.ucgRate, m) : null;
    }

    /** The stage's label conditioning, or null; a label-conditioned image LDM needs --labels and the other way round. */
    private LabelConditioning labelConditioning(SavedNetwork image, Path imagePath) {
        boolean conditioned = image.module(UNetModel.class).config().num_classes() != null;
        if (s.labels && !conditioned) {
            throw new IllegalArgumentException(imagePath + ": not a label-conditioned image LDM; --labels needs one (./videoldm train image-ldm --labels)");
        }
        if (!s.labels && conditioned && !s.captions) {
            throw new IllegalArgumentException(imagePath + ": a label-conditioned image LDM (num_classes " + image.module(UNetModel.class).config().num_classes()
                    + "): train it with --labels");
        }
        return s.labels ? LabelConditioning.load(s, s.labelFiles, s.ucgRate) : null;
    }

    private Path preview(NDManager m, Path aePath, double scaleFactor, VideoUNet unet, Denoiser den, JsonObject denoiserSpec, TextConditioning text,
            int frames) {
        try (NDManager scope = m.newSubManager()) {
            FirstStage first = StageRuns.firstStage(aePath, scaleFactor, scope);
            List<List<RgbFrame>> videos;
            if (text != null) {
                TextToVideoPipeline p = new TextToVideoPipeline(first, unet, denoiserSpec, text.conditioner().embedder());
                videos = p.generate(scope, TextConditioning.previewPrompts(s.previewVideos, s.seed), "", frames, s.scale.height(), s.scale.width(),
                        new TextToVideoPipeline.Options("euler", s.previewSteps, s.previewGuidance, s.seed, false));
            } else {
                VideoLDMPipeline p = new VideoLDMPipeline(first, null, null, null, unet, den, frames)
                        .progress(s.previewProgress());
                videos = p.generate(scope, VideoLDMPipeline.Model.VIDEO_LDM, s.previewVideos, frames, s.scale.height(), s.scale.width(),
                        new VideoLDMPipeline.Options("heun", s.previewSteps, s.seed), VideoLDMPipeline.DecoderChoice.IMAGE, frames, null);
            }
            return StageRuns.writePreview(s, videos);
        }
    }
}
