package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.LatentDataset;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.FrameMask;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.io.Kwargs;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.UNetSurgery;
import org.videoldm.model.VideoUNet;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.TrainingListener;

/**
 * The paper's mask-conditioned video models (Sec. 3.2 prediction, 3.3 interpolation), built from the trained
 * video LDM (or, without one, the image LDM with fresh temporal layers): the input convolution is widened with zero
 * weights for C masked latents and one mask channel ({@link UNetSurgery#widenInput}), so training starts exactly
 * from the parent's output. Trained: the temporal layers and the input convolution {@code input_blocks.0.0}, which
 * has to learn to read the new channels; every other spatial layer stays frozen. Subclasses choose the clips and the
 * mask; the trainer's EMA weights are exported with the conditioning described in the metadata.
 *
 * @param <S> the stage's settings
 */
public abstract class MaskedVideoTraining<S extends MaskedVideoTraining.Settings<S>> {
    /** Key prefix of the input convolution, trained along with the temporal layers. */
    public static final String INPUT_CONV = UNetSurgery.INPUT_CONV + ".";

    /**
     * Settings of the mask-conditioned stages; {@code batch} counts clips. A label-conditioned parent ({@code train temporal
     * --labels}) is trained on each clip's scene labels with label dropout ({@code labels}), as its parent was.
     */
    public abstract static class Settings<S extends Settings<S>> extends LabelledSettings<S> {
        /** The network to start from; default {@code video_ldm} of the checkpoints folder, else {@code image_ldm}. */
        public Path parent;
        /** Videos in the preview after training (0: none). */
        public int previewVideos;

        /**
         * Training sigmas log-normal(0.5, 1.4), at the higher noise of temporal alignment: given frames decide what the
         * others show at high noise, where a frame alone cannot (near the data they hardly matter).
         */
        protected Settings(Scale scale, RunMode mode) {
            super(scale, mode, 0.5, 1.4);
        }

        /** Toy: {@code steps} steps of 2 clips at lr 5e-4 (warm-up 50, EMA 0.995), as temporal alignment; paper: untested. */
        protected void defaults(long toySteps) {
            boolean toy = scale == Scale.TOY;
            steps(toy ? toySteps : 100_000).batch(toy ? 2 : 8).lr(toy ? 5e-4 : 5e-5).warmup(toy ? 50 : 2000).emaDecay(toy ? 0.995 : 0.9999);
            previewVideos = mode.samples(2);
        }

        public S parent(Path v) { parent = v; return self(); }
        public S previewVideos(int v) { previewVideos = v; return self(); }

        @Override
        public String commandLine() {
            return super.commandLine() + labelOptions();
        }

        public Path parentOrDefault() {
            if (parent != null) {
                return parent;
            }
            CheckpointFolder f = checkpointFolder();
            return f.has(CheckpointFolder.VIDEO_LDM) ? f.network(CheckpointFolder.VIDEO_LDM) : f.require(CheckpointFolder.IMAGE_LDM);
        }

        @Override
        protected List<String> jsonOrder() {
            return JSON_ORDER;
        }

        /** A stage's own settings, then the shared ones: the order of its model card. */
        protected static List<String> withOwn(List<String> own) {
            List<String> keys = new ArrayList<>(own);
            keys.addAll(JSON_ORDER);
            return keys;
        }

        private static final List<String> JSON_ORDER = List.of("parent", "autoencoder", "sigmaData", "pMean", "pStd", "flip", "previewVideos",
                "previewSteps", "labels", "labelFiles", "ucgRate");
    }

    protected final S s;

    protected MaskedVideoTraining(S settings) {
        this.s = settings;
    }

    public S settings() {
        return s;
    }

    /** Name of the exported network. */
    public abstract String name();

    /** The cached latent clips this model trains on. */
    public abstract Data data(NDManager m);

    /** The stage's mask hook. */
    protected abstract DiffusionStage.ConditioningHook maskHook();

    /** What the concatenated channels mean, for {@code videoldm.conditioning} (the latent frame shape is added). */
    protected abstract JsonObject conditioning(int latentChannels);

    /** Remarks for the model card. */
    protected List<String> notes() {
        return List.of();
    }

    /** Writes a picture of what the trained network does into the run folder, or returns null. */
    protected abstract Path preview(NDManager m, VideoUNet net, Denoiser den, Data data, FirstStage firstStage);

    /**
     * Latent clips with what the card says about them.
     *
     * @param scaleFactor the autoencoder's latent scale factor
     */
    public record Data(LatentDataset latents, ModelCard.Data card, ClipOptions options, double scaleFactor) implements AutoCloseable {
        public int frames() {
            return (int) latents.clipShape().get(0);
        }

        @Override
        public void close() {
            latents.close();
        }
    }

    /** Whether a parameter trains in this stage: temporal layers and the widened input convolution. */
    public static boolean trains(String key) {
        return TemporalParameters.isTemporal(key) || key.startsWith(INPUT_CONV);
    }

    /** The network to train: the parent with C + 1 more input channels, the trained parameters switched on. */
    public VideoUNet network(NDManager m) {
        SavedNetwork p = SavedNetwork.load(s.parentOrDefault(), m);
        VideoUNet net;
        if (p.module() instanceof VideoUNet v) {
            net = UNetSurgery.widenInput(m, v, FrameMask.extraChannels(v.config().out_channels()));
        } else {
            UNetModel image = p.module(UNetModel.class);
            UNetModel wide = UNetSurgery.widenInput(m, image, FrameMask.extraChannels(image.config().out_channels()));
            Engine.getInstance().setRandomSeed((int) s.seed);
            net = VideoUNet.fromImage(m, wide, s.scale.videoUNet(wide.config()));
        }
        net.setTrainable(MaskedVideoTraining::trains);
        return net;
    }

    public Denoiser denoiser() {
        return new Denoiser(new EDMScaling(s.sigmaData));
    }

    /** Clips [(b T), C, h, w] (scaled, randomly mirrored), every frame treated as video, and the stage's mask. */
    public DiffusionStage stage(VideoUNet net, LatentDataset latents) {
        LatentBatches batches = new LatentBatches(latents, s.seed, 1, s.flip, s.dataShares());
        int frames = batches.frames();
        boolean labelled = net.config().num_classes() != null;
        if (labelled != s.labels) {
            throw new IllegalArgumentException(labelled ? s.parentOrDefault() + ": a label-conditioned parent; train the " + s.stage()
                    + " model with --labels" : "--labels needs a label-conditioned parent (train image-ldm and temporal with --labels), not "
                    + s.parentOrDefault());
        }
        LabelConditioning labels = s.labels ? LabelConditioning.load(s, s.labelFiles, s.ucgRate) : null;
        return new DiffusionStage(new OpenAIWrapper(net), denoiser(), new DiffusionLoss(new EDMSampling(s.pMean, s.pStd), LossWeighting.edm(s.sigmaData)),
                ctx -> {
                    Conditioning c = labels == null ? Conditioning.none() : labels.batch(ctx, batches.ids(ctx, s.batch), frames);
                    return new DiffusionStage.Batch(batches.clips(ctx, s.batch), c.withVideo(frames, ctx.manager().zeros(new Shape(s.batch, frames))), null);
                }, maskHook());
    }

    /** Trains (continuing the run folder's checkpoint), exports the EMA weights with a model card, writes the preview. */
    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = StageRuns.finished(name(), s, name());
        if (done.isPresent()) {
            return done.get();
        }
        Path parentPath = s.parentOrDefault();
        Path aePath = s.autoencoderOrDefault();
        try (NDManager m = NDManager.newBaseManager(); Data data = data(m)) {
            VideoUNet net = network(m);
            TemporalParameters.Report report = TemporalParameters.report(net);
            StageRuns.Timing timing = StageRuns.train(stage(net, data.latents()), net, s, listener);
            net.setTrainable(k -> false);
            Path csv = s.runDirOrDefault().resolve(StageRuns.LOSS_CSV);
            double finalLoss = StageRuns.finalLoss(csv, 50);
            List<String> notes = new ArrayList<>(notes());
            notes.add("Built from " + parentPath.getFileName() + ": input convolution widened with zero weights for the masked latents and the mask; "
                    + "trained: temporal layers and " + UNetSurgery.INPUT_CONV + " (" + String.format(java.util.Locale.ROOT, "%,d", report.trainableCount())
                    + " parameters); all other spatial layers frozen. Exported weights: EMA (decay " + s.emaDecay + ").");
            Map<String, Double> metrics = new TreeMap<>();
            ModelCard card = new ModelCard(name(), name(), data.card(), List.of(StageRuns.fileName(parentPath), StageRuns.fileName(aePath)),
                    net.videoConfig().toJson(), s.toJson(), net.parameterCount(), report.trainableCount(), s.steps, s.batch, "clips", s.seed,
                    StageRuns.trainingSeconds(csv), ModelCard.Machine.current(), finalLoss, metrics, notes);
            JsonObject cond = conditioning(net.config().out_channels());
            cond.add("latent_frame", Kwargs.array(data.latents().clipShape().slice(1).getShape()));
            if (s.labels) {
                cond.add(LabelConditioning.KEY, LabelConditioning.metadata(s.ucgRate).get(LabelConditioning.KEY));
                notes.add("Scene-label conditioned as its parent (label embedding frozen); label dropout (ucg_rate) " + s.ucgRate + " per group.");
            }
            SavedNetwork.Meta meta = SavedNetwork.meta().denoiser(Denoisers.edm(s.sigmaData)).scaleFactor(data.scaleFactor()).frames(data.frames())
                    .conditioning(cond);
            Path file = StageRuns.export(s, name(), net, meta, card);
            if (s.previewVideos > 0) {
                try (NDManager scope = m.newSubManager()) {
                    Path png = preview(scope, net, denoiser(), data, StageRuns.firstStage(aePath, data.scaleFactor(), scope));
                    if (png != null) {
                        System.err.println(name() + ": preview in " + png);
                    }
                }
            }
            StageRuns.markFinished(s.runDirOrDefault(), s.steps);
            return new StageResult(name(), file, s.outOrDefault().resolve(name() + ".md"), s.runDirOrDefault(), csv, s.steps, timing.steps(), finalLoss,
                    timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }

}
