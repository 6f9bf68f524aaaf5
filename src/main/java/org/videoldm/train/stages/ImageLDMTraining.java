package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.videoldm.data.LatentDataset;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.TrainingListener;

/**
 * Image pre-training (paper Sec. 3): the unconditional latent diffusion UNet on single frames of the training clips,
 * as latents of the autoencoder times its scale factor, with EDM preconditioning and loss weighting (sigma_data 0.5,
 * log-normal training sigmas). Exports the EMA weights as {@code image_ldm.safetensors} and writes a grid of samples
 * to the run folder.
 */
public final class ImageLDMTraining {
    public static final String STAGE = "image_ldm";

    /**
     * Settings; {@code batch} counts frames (one per clip). Conditioned on scene labels ({@code labels}) or on text
     * ({@code captions}: the paper's text-to-image LDM in Stable Diffusion's layout, reading the last hidden states of the
     * text encoder found in the checkpoints folder, {@code text_encoder} + {@code tokenizer/}, made by {@code train clip}),
     * or on nothing.
     */
    public static final class Settings extends ConditionedSettings<Settings> {
        /** Samples in the preview grid after training (0: none). */
        public int previewSamples;
        /**
         * Another image LDM to start from (at step 0; a resumed run continues from its own state): every tensor whose key and
         * shape agree is copied, the rest keeps its fresh initialisation — for a text-to-image model made from the
         * unconditional one, the cross-attention keys and values, which read the text encoder's width.
         */
        public Path initFrom;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode, -1.2, 1.2);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = schedule(new Settings(scale, mode));
            s.previewSamples = mode.samples(16);
            return s;
        }

        /** The optimisation of image pre-training; the box LDM, the same UNet trained on frames, uses it too. */
        static <T extends StageSettings<T>> T schedule(T s) {
            boolean toy = s.scale == Scale.TOY;
            return s.steps(toy ? 12_000 : 200_000).batch(toy ? 32 : 64).lr(toy ? 3e-4 : 1e-4).warmup(toy ? 100 : 5000).emaDecay(toy ? 0.999 : 0.9999);
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings previewSamples(int v) { previewSamples = v; return this; }
        public Settings initFrom(Path v) { initFrom = v; return this; }

        @Override
        public String stage() {
            return STAGE;
        }

        @Override
        public String commandLine() {
            return super.commandLine() + labelOptions() + (initFrom != null ? " --init-from " + initFrom : "") + captionOptions();
        }

        @Override
        protected List<String> jsonOrder() {
            return List.of("autoencoder", "sigmaData", "pMean", "pStd", "flip", "previewSamples", "previewSteps", "labels", "labelFiles", "captions",
                    "captionFiles", "ucgRate", "initFrom", "previewGuidance");
        }
    }

    private final Settings s;

    public ImageLDMTraining(Settings settings) {
        this.s = settings;
    }

    /** The denoiser the stage trains with. */
    public static Denoiser denoiser(double sigmaData) {
        return new Denoiser(new EDMScaling(sigmaData));
    }

    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = StageRuns.finished(STAGE, s, CheckpointFolder.IMAGE_LDM);
        if (done.isPresent()) {
            return done.get();
        }
        Path aePath = s.autoencoderOrDefault();
        if (s.labels && s.captions) {
            throw new IllegalArgumentException("image-ldm: a model is conditioned on text (--captions) or on scene labels (--labels), not both");
        }
        // captions may say left or right: captioned clips are never mirrored, in the cache or in batches
        LatentCaching.Result cache = LatentCaching.ensure(s, aePath, !s.captions);
        try (NDManager m = NDManager.newBaseManager(); LatentDataset latents = LatentDataset.open(cache.train())) {
            Engine.getInstance().setRandomSeed((int) s.seed);
            LabelConditioning labels = s.labels ? LabelConditioning.load(s, s.labelFiles, s.ucgRate) : null;
            TextConditioning text = s.captions ? TextConditioning.load(s.checkpointsOrDefault(), s, s.captionFiles, s.ucgRate, m) : null;
            UNetModel unet = new UNetModel(m, labels != null ? LabelConditioning.withLabels(s.scale.imageUNet())
                    : text != null ? text.withContext(s.scale.imageUNet()) : s.scale.imageUNet());
            unet.setTrainable(k -> true);
            String init = s.initFrom == null ? null : initialise(unet, s.initFrom, m);
            // day/night and crowdedness do not change under a mirror: labelled frames may be flipped too
            LatentBatches data = new LatentBatches(latents, s.seed, 1, s.flip && !s.captions, s.dataShares());
            Denoiser den = denoiser(s.sigmaData);
            DiffusionStage stage = new DiffusionStage(new org.videoldm.diffusion.OpenAIWrapper(unet), den,
                    new DiffusionLoss(new EDMSampling(s.pMean, s.pStd), LossWeighting.edm(s.sigmaData)),
                    ctx -> new DiffusionStage.Batch(data.frames(ctx, s.batch),
                            labels != null ? labels.batch(ctx, data.ids(ctx, s.batch), 1)
                                    : text != null ? text.batch(ctx, data.ids(ctx, s.batch), 1) : Conditioning.none(), null));
            StageRuns.Timing timing = StageRuns.train(stage, unet, s, listener);
            unet.setTrainable(k -> false);
            Path preview = s.previewSamples > 0 ? preview(m, aePath, cache.scaleFactor(), unet, den, text) : null;
            Path csv = s.runDirOrDefault().resolve(StageRuns.LOSS_CSV);
            double finalLoss = StageRuns.finalLoss(csv, 50);
            Map<String, Double> metrics = new TreeMap<>();
            metrics.put("scale_factor", cache.scaleFactor());
            List<String> notes = new ArrayList<>();
            if (labels != null) {
                notes.add("Scene-label conditioned (time of day, crowdedness; num_classes sequential, adm_in_channels "
                        + unet.config().adm_in_channels() + "): " + labels.labels().summary().lines().findFirst().orElse("")
                        + "; label dropout (ucg_rate) " + s.ucgRate + " per group.");
            }
            if (init != null) {
                notes.add(init);
            }
            if (text != null) {
                notes.add("Text-conditioned (the paper's text-to-image LDM in Stable Diffusion's layout): cross-attention (context_dim "
                        + unet.config().context_dim() + ") on the last hidden states of the frozen text encoder `" + CheckpointFolder.TEXT_ENCODER
                        + "` (copied beside this network with its tokenizer); " + text.captions().summary().lines().findFirst().orElse("")
                        + "; caption dropout (ucg_rate) " + s.ucgRate + " to the empty prompt, for classifier-free guidance. Frames are not mirrored.");
            }
            notes.add((labels == null && text == null ? "Unconditional" : labels != null ? "No text" : "No labels") + "; EDM preconditioning (sigma_data " + s.sigmaData + "), training sigmas log-normal(" + s.pMean + ", " + s.pStd
                    + "); the weights are the EMA (decay " + s.emaDecay + ").");
            notes.add("Sample with Euler/Heun on EDMDiscretization(0.002, 80, 7); latents are divided by the autoencoder's scale factor before decoding.");
            ModelCard card = new ModelCard(CheckpointFolder.IMAGE_LDM, STAGE, cache.data(), List.of(StageRuns.fileName(aePath)), unet.config().toJson(),
                    s.toJson(), unet.parameterCount(), unet.parameterCount(), s.steps, s.batch, "frames", s.seed, StageRuns.trainingSeconds(csv),
                    ModelCard.Machine.current(), finalLoss, metrics, notes);
            SavedNetwork.Meta meta = SavedNetwork.meta().denoiser(Denoisers.edm(s.sigmaData)).scaleFactor(cache.scaleFactor()).frames(1);
            if (labels != null) {
                meta.conditioning(LabelConditioning.metadata(s.ucgRate));
            }
            if (text != null) {
                meta.conditioning(org.videoldm.pipeline.TextToVideoInit.textConditioning());
                text.copyTo(s.outOrDefault());
            }
            Path file = StageRuns.export(s, CheckpointFolder.IMAGE_LDM, unet, meta, card);
            if (preview != null) {
                System.err.println(STAGE + ": samples in " + preview);
            }
            StageRuns.markFinished(s.runDirOrDefault(), s.steps);
            return new StageResult(STAGE, file, s.outOrDefault().resolve(CheckpointFolder.IMAGE_LDM + ".md"), s.runDirOrDefault(), csv, s.steps,
                    timing.steps(), finalLoss, timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }

    /** Copies {@code from}'s tensors into {@code unet} where key and shape agree; returns the card's note saying what was left fresh. */
    private static String initialise(UNetModel unet, Path from, NDManager m) {
        try (NDManager scope = m.newSubManager()) {
            org.videoldm.nn.Module src = SavedNetwork.load(from, scope).module();
            Map<String, NDArray> source = src.stateDict();
            // an unconditional model's attn2 is self-attention: its keys and values read the image, not the text, so even
            // where the widths happen to agree they are no start for cross-attention
            boolean newContext = unet.config().context_dim() != null && (!(src instanceof UNetModel u) || u.config().context_dim() == null);
            List<String> fresh = new ArrayList<>();
            int copied = 0;
            for (Map.Entry<String, ai.djl.nn.Parameter> e : unet.namedParameters().entrySet()) {
                NDArray v = source.get(e.getKey());
                boolean crossKv = e.getKey().contains("attn2.to_k.") || e.getKey().contains("attn2.to_v.");
                if (v != null && v.getShape().equals(e.getValue().getArray().getShape()) && !(newContext && crossKv)) {
                    org.videoldm.io.StateDict.assign(e.getValue().getArray(), v);
                    copied++;
                } else {
                    fresh.add(e.getKey());
                }
            }
            if (copied == 0) {
                throw new IllegalArgumentException(from + ": no tensor of this image LDM matches the network being trained (--init-from)");
            }
            System.err.printf("%s: started from %s: %d tensors copied, %d fresh%n", STAGE, from.getFileName(), copied, fresh.size());
            return "Started from `" + from.getFileName() + "` (" + copied + " tensors copied where key and shape agree; " + fresh.size()
                    + " freshly initialised" + (fresh.isEmpty() ? "" : ", e.g. `" + fresh.get(0) + "`") + ").";
        }
    }

    /**
     * A grid of samples (two rows) decoded with the image decoder, written to {@code samples.png} in the run folder; a
     * text-conditioned model samples one image per preview prompt (a row each), with classifier-free guidance.
     */
    private Path preview(NDManager m, Path aePath, double scaleFactor, UNetModel unet, Denoiser den, TextConditioning text) {
        try (NDManager scope = m.newSubManager()) {
            FirstStage first = StageRuns.firstStage(aePath, scaleFactor, scope);
            if (text != null) {
                org.videoldm.pipeline.TextToVideoPipeline p = new org.videoldm.pipeline.TextToVideoPipeline(first, unet, Denoisers.edm(s.sigmaData),
                        text.conditioner().embedder());
                return StageRuns.writePreview(s, p.generate(scope, TextConditioning.previewPrompts(Math.min(s.previewSamples, 4), s.seed), "",
                        Math.max(1, s.previewSamples / 4), s.scale.height(), s.scale.width(),
                        new org.videoldm.pipeline.TextToVideoPipeline.Options("heun", s.previewSteps, s.previewGuidance, s.seed, true)));
            }
            VideoLDMPipeline p = new VideoLDMPipeline(first, null, unet, den, null, null, 1).progress(s.previewProgress());
            int rows = s.previewSamples >= 4 ? 2 : 1;
            int cols = (s.previewSamples + rows - 1) / rows;
            return StageRuns.writePreview(s, p.generate(scope, VideoLDMPipeline.Model.IMAGE_LDM_PER_FRAME, rows, cols, s.scale.height(), s.scale.width(),
                    new VideoLDMPipeline.Options("heun", s.previewSteps, s.seed), VideoLDMPipeline.DecoderChoice.IMAGE, 16, null));
        }
    }
}
